/**
 * From a graph (and labels) to a ready training task, the pipeline of arXiv 2209.04766:
 *   link prediction:     temporal split (latest 20 % test, linkSplit.ts) → temporal random walks (CTDNE) on the
 *                        edges before the test cut only → skip-gram embeddings (dim 8) → each candidate pair
 *                        (u, v) becomes the feature row [emb(u) ‖ emb(v)] (16) for the link MLP;
 *   node classification: seeded 60/20/20 split of the labelled nodes → random walks on the whole graph
 *                        (unsupervised, transductive; static walks when there are no timestamps) → skip-gram
 *                        embeddings (dim 64) as node features, for the MLP (per node) or GCN / GraphSAGE
 *                        (whole graph, with the propagation matrices of propagation.ts).
 * Feature columns are standardised with the training rows' mean and deviation (the skip-gram scale varies
 * with the corpus). The embeddings are the expensive part; one task serves every method and sparsity of a
 * seed, so all methods see the same features.
 *
 * Cost: the walks and skip-gram (see their files) dominate; O(rows·width) for the features.
 */
import { temporalLinkSplit, type LinkSet, type LinkSplitStats } from '../data/linkSplit';
import type { TemporalEdges } from '../data/edgeList';
import { nodeSplit } from '../data/nodeSplit';
import { trainSkipGram } from '../data/skipGram';
import { temporalRandomWalks } from '../data/temporalWalk';
import { quietContext, type JobContext } from '../job';
import type { SparsifyModel } from '../sparse/results';
import { buildArchitecture } from './architecture';
import { ExampleTask, type Examples } from './exampleTask';
import { GraphTask } from './graphTask';
import { gcnPropagation, meanPropagation } from './propagation';
import type { TrainingTask } from './task';

export interface EmbeddingSettings {
  /** Embedding width (link default 8, node default 64: the study's). */
  dim?: number;
  walksPerNode?: number;
  walkLength?: number;
  window?: number;
  negatives?: number;
  epochs?: number;
}

export interface PreparedTask {
  task: TrainingTask;
  /** Examples (or nodes) per split. */
  sizes: { train: number; val: number; test: number };
  walks: number;
  linkStats?: LinkSplitStats;
  embeddingSeconds: number;
}

function settings(e: EmbeddingSettings, dim: number): Required<EmbeddingSettings> {
  return { dim: e.dim ?? dim, walksPerNode: e.walksPerNode ?? 10, walkLength: e.walkLength ?? 40, window: e.window ?? 5, negatives: e.negatives ?? 5, epochs: e.epochs ?? 1 };
}

function embed(edges: TemporalEdges, e: Required<EmbeddingSettings>, seed: number, ctx: JobContext): { emb: Float32Array; walks: number; seconds: number } {
  const t0 = Date.now();
  const walks = temporalRandomWalks(edges, { walksPerNode: e.walksPerNode, walkLength: e.walkLength, seed, ctx });
  const emb = trainSkipGram(walks, edges.nodeCount, { dim: e.dim, window: e.window, negatives: e.negatives, epochs: e.epochs, seed: seed ^ 0x3c6ef372, ctx });
  return { emb, walks: walks.walkCount, seconds: (Date.now() - t0) / 1000 };
}

/** Column means and deviations of `rows` rows (deviation 1 where a column is constant). */
function columnStats(x: Float32Array, width: number): { mean: Float64Array; std: Float64Array } {
  const rows = x.length / width;
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) mean[c] += x[r * width + c];
  for (let c = 0; c < width; c++) mean[c] /= Math.max(1, rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) std[c] += (x[r * width + c] - mean[c]) ** 2;
  for (let c = 0; c < width; c++) std[c] = Math.sqrt(std[c] / Math.max(1, rows)) || 1;
  return { mean, std };
}

function standardise(x: Float32Array, width: number, s: { mean: Float64Array; std: Float64Array }): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - s.mean[i % width]) / s.std[i % width];
  return out;
}

function pairFeatures(set: LinkSet, emb: Float32Array, dim: number): Examples {
  const m = set.label.length;
  const x = new Float32Array(m * 2 * dim);
  for (let i = 0; i < m; i++) {
    x.set(emb.subarray(set.src[i] * dim, (set.src[i] + 1) * dim), i * 2 * dim);
    x.set(emb.subarray(set.dst[i] * dim, (set.dst[i] + 1) * dim), i * 2 * dim + dim);
  }
  return { x, labels: set.label };
}

export function linkPredictionTask(edges: TemporalEdges, opts: { seed: number; embedding?: EmbeddingSettings; batchSize?: number }, ctx: JobContext = quietContext): PreparedTask {
  const e = settings(opts.embedding ?? {}, 8);
  const split = temporalLinkSplit(edges, { seed: opts.seed });
  const { emb, walks, seconds } = embed(split.trainEdges, e, opts.seed, ctx);
  const width = 2 * e.dim;
  const raw = { train: pairFeatures(split.train, emb, e.dim), val: pairFeatures(split.val, emb, e.dim), test: pairFeatures(split.test, emb, e.dim) };
  const s = columnStats(raw.train.x, width);
  const z = (ex: Examples): Examples => ({ x: standardise(ex.x, width, s), labels: ex.labels });
  const arch = buildArchitecture('link', 'mlp', width, 1);
  const task = new ExampleTask(arch, z(raw.train), { val: z(raw.val), test: z(raw.test) }, opts.batchSize ?? 256);
  return { task, sizes: { train: split.train.label.length, val: split.val.label.length, test: split.test.label.length }, walks, linkStats: split.stats, embeddingSeconds: seconds };
}

export function nodeClassificationTask(
  edges: TemporalEdges,
  labels: { labels: Int32Array; classes: number },
  opts: { seed: number; model: SparsifyModel; embedding?: EmbeddingSettings; batchSize?: number },
  ctx: JobContext = quietContext,
): PreparedTask {
  const e = settings(opts.embedding ?? {}, 64);
  const split = nodeSplit(labels.labels, { seed: opts.seed });
  const { emb, walks, seconds } = embed(edges, e, opts.seed, ctx);
  const d = e.dim;
  const rowsOf = (nodes: Int32Array): Float32Array => {
    const x = new Float32Array(nodes.length * d);
    nodes.forEach((v, i) => x.set(emb.subarray(v * d, (v + 1) * d), i * d));
    return x;
  };
  const s = columnStats(rowsOf(split.train), d);
  const arch = buildArchitecture('node', opts.model, d, labels.classes);
  const sizes = { train: split.train.length, val: split.val.length, test: split.test.length };
  if (opts.model === 'mlp') {
    const ex = (nodes: Int32Array): Examples => ({ x: standardise(rowsOf(nodes), d, s), labels: Int32Array.from(nodes, (v) => labels.labels[v]) });
    const task = new ExampleTask(arch, ex(split.train), { val: ex(split.val), test: ex(split.test) }, opts.batchSize ?? 64);
    return { task, sizes, walks, embeddingSeconds: seconds };
  }
  const task = new GraphTask(arch, {
    features: standardise(emb, d, s),
    labels: labels.labels,
    train: split.train,
    val: split.val,
    test: split.test,
    ...(opts.model === 'gcn' ? { gcn: gcnPropagation(edges.nodeCount, edges.src, edges.dst) } : { mean: meanPropagation(edges.nodeCount, edges.src, edges.dst) }),
  });
  return { task, sizes, walks, embeddingSeconds: seconds };
}
