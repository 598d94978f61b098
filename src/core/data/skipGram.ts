/**
 * Node embeddings from random walks by word2vec skip-gram with negative sampling (Mikolov, Sutskever, Chen,
 * Corrado, Dean, "Distributed Representations of Words and Phrases and their Compositionality", NIPS 2013),
 * the update of the reference word2vec.c: for each node of a walk and each context node within a window
 * shrunk at random to 1..window, the context node's input vector is trained to score the centre node's
 * output vector high (label 1) and `negatives` noise nodes low (label 0); noise nodes are drawn by unigram
 * frequency^0.75 (from an alias table). Plain SGD, learning rate decayed linearly from `learningRate` to
 * 1e-4 of it over all epochs; input vectors start uniform in ±0.5/dim, output vectors at zero.
 *
 * Deterministic for a seed: one `Random` stream, single-threaded, walks in the order given.
 * Nodes that appear in no walk get an all-zero embedding (not their random start), so "unseen" is explicit.
 * Cost: O(epochs · tokens · window · (negatives + 1) · dim) multiply-adds.
 */
import { RgpError } from '../errors';
import { quietContext, type JobContext } from '../job';
import { Random } from '../random';
import type { TemporalWalks } from './temporalWalk';

export type WalkCorpus = TemporalWalks | readonly Int32Array[];

export interface SkipGramOptions {
  dim: number;
  /** Maximum distance between centre and context node in a walk. */
  window: number;
  /** Noise nodes per positive pair. */
  negatives: number;
  epochs: number;
  /** Starting learning rate; default 0.025 (word2vec's skip-gram default). */
  learningRate?: number;
  seed: number;
  ctx?: JobContext;
}

/** word2vec's clipping of the logit: beyond ±6 the sigmoid is taken as 0 or 1. */
const MAX_LOGIT = 6;

export function trainSkipGram(walks: WalkCorpus, nodeCount: number, opts: SkipGramOptions): Float32Array {
  const { dim, window, negatives, epochs } = opts;
  const lr0 = opts.learningRate ?? 0.025;
  for (const [name, v, min] of [['dim', dim, 1], ['window', window, 1], ['negatives', negatives, 0], ['epochs', epochs, 1]] as const) {
    if (!(Number.isInteger(v) && v >= min)) throw new RgpError('BAD_ARGUMENT', `skip-gram ${name} must be an integer ≥ ${min}, got ${v}.`, 'Typical settings: dim 64, window 10, negatives 5, epochs 1–5.');
  }
  if (!(lr0 > 0 && lr0 < 10)) throw new RgpError('BAD_ARGUMENT', `skip-gram learningRate must be in (0, 10), got ${lr0}.`, 'word2vec uses 0.025.');
  const ctx = opts.ctx ?? quietContext;
  const { nodes, offsets, walkCount } = flatten(walks);
  const tokens = nodes.length;

  const counts = new Float64Array(nodeCount);
  for (let i = 0; i < tokens; i++) {
    const x = nodes[i];
    if (!(x >= 0 && x < nodeCount)) throw new RgpError('BAD_ARGUMENT', `walk node ${x} is outside 0..${nodeCount - 1}.`, 'Pass the node count of the graph the walks came from.');
    counts[x]++;
  }
  const { prob, alias } = noiseTable(counts);

  const rng = new Random(opts.seed);
  const input = new Float32Array(nodeCount * dim);
  for (let i = 0; i < input.length; i++) input[i] = (rng.float() - 0.5) / dim;
  const output = new Float32Array(nodeCount * dim);
  const grad = new Float32Array(dim);

  const total = epochs * tokens;
  let processed = 0;
  let lr = lr0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let w = 0; w < walkCount; w++) {
      const from = offsets[w];
      const to = offsets[w + 1];
      for (let i = from; i < to; i++, processed++) {
        if ((processed & 8191) === 0) {
          ctx.signal.throwIfCancelled();
          lr = lr0 * Math.max(1e-4, 1 - processed / (total + 1));
          if ((processed & 262143) === 0) ctx.progress.report({ fraction: processed / total, message: `skip-gram: epoch ${epoch + 1} of ${epochs}` });
        }
        const centre = nodes[i];
        const reach = window - rng.int(window);
        const lo = Math.max(from, i - reach);
        const hi = Math.min(to - 1, i + reach);
        for (let c = lo; c <= hi; c++) {
          if (c === i) continue;
          const inRow = nodes[c] * dim;
          grad.fill(0);
          sgnsStep(input, output, grad, inRow, centre * dim, 1, lr, dim);
          for (let s = 0; s < negatives; s++) {
            const slot = Math.floor(rng.float() * nodeCount);
            const target = rng.float() < prob[slot] ? slot : alias[slot];
            if (target !== centre) sgnsStep(input, output, grad, inRow, target * dim, 0, lr, dim);
          }
          for (let k = 0; k < dim; k++) input[inRow + k] += grad[k];
        }
      }
    }
  }
  for (let x = 0; x < nodeCount; x++) if (counts[x] === 0) input.fill(0, x * dim, (x + 1) * dim);
  ctx.progress.report({ fraction: 1, message: `skip-gram: ${nodeCount} × ${dim} embeddings` });
  return input;
}

/**
 * One logistic-loss step for the pair (input row, output row) with target `label`: the output vector moves
 * at once, the input vector's gradient is accumulated in `grad` (applied after all targets, as word2vec does).
 */
function sgnsStep(input: Float32Array, output: Float32Array, grad: Float32Array, inRow: number, outRow: number, label: number, lr: number, dim: number): void {
  let f = 0;
  for (let k = 0; k < dim; k++) f += input[inRow + k] * output[outRow + k];
  const g = (label - (f > MAX_LOGIT ? 1 : f < -MAX_LOGIT ? 0 : 1 / (1 + Math.exp(-f)))) * lr;
  for (let k = 0; k < dim; k++) {
    grad[k] += g * output[outRow + k];
    output[outRow + k] += g * input[inRow + k];
  }
}

/**
 * Walker's alias table (Vose's construction) for the noise distribution count^0.75 (word2vec's): exact, two
 * arrays of node-count length — small enough to stay in cache, unlike word2vec's 10^8-slot table, which
 * made every noise draw a cache miss here. A draw: a uniform slot, then the slot's node or its alias.
 */
interface AliasTable {
  prob: Float64Array;
  alias: Int32Array;
}

function noiseTable(counts: Float64Array): AliasTable {
  const n = counts.length;
  const weight = new Float64Array(n);
  let norm = 0;
  for (let x = 0; x < n; x++) norm += weight[x] = Math.pow(counts[x], 0.75);
  if (norm === 0) throw new RgpError('BAD_ARGUMENT', 'the walks are empty.', 'Generate walks on a graph with edges first.');
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let x = 0; x < n; x++) {
    prob[x] = (weight[x] * n) / norm;
    (prob[x] < 1 ? small : large).push(x);
    alias[x] = x;
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large[large.length - 1];
    alias[s] = l;
    prob[l] -= 1 - prob[s];
    if (prob[l] < 1) small.push(large.pop() as number);
  }
  // Leftovers are 1 up to rounding; a zero-weight node must never be drawn, so point it at a drawn one.
  for (const x of [...small, ...large]) prob[x] = 1;
  let drawn = 0;
  while (weight[drawn] === 0) drawn++;
  for (let x = 0; x < n; x++) {
    if (weight[x] === 0 && prob[x] === 1) {
      prob[x] = 0;
      alias[x] = drawn;
    }
  }
  return { prob, alias };
}

function flatten(walks: WalkCorpus): { nodes: Int32Array; offsets: Int32Array; walkCount: number } {
  if (!Array.isArray(walks)) {
    const w = walks as TemporalWalks;
    return { nodes: w.nodes, offsets: w.offsets, walkCount: w.walkCount };
  }
  const list = walks as readonly Int32Array[];
  const offsets = new Int32Array(list.length + 1);
  for (let w = 0; w < list.length; w++) offsets[w + 1] = offsets[w] + list[w].length;
  const nodes = new Int32Array(offsets[list.length]);
  for (let w = 0; w < list.length; w++) nodes.set(list[w], offsets[w]);
  return { nodes, offsets, walkCount: list.length };
}
