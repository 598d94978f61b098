/**
 * From a graph (and labels) to a ready training task, the pipeline of arXiv 2209.04766:
 *   link prediction:     temporal split (latest 20 % test by time, linkSplit.ts) → temporal random walks (CTDNE)
 *                        on the training window's edges only → skip-gram embeddings (dim 8) → each candidate
 *                        pair (u, v) becomes the feature row [emb(u) ‖ emb(v)] (16) for the link MLP. The
 *                        validation and test pairs use the same embeddings (`testFeatures: 'train'`, default:
 *                        one classifier, trained on the training pairs, and no split's features see its own
 *                        window); with `'train+val'` (the refit protocol) the walks and embeddings are redone on
 *                        every edge before the test cut and the classifier trains on the training + validation
 *                        pairs with them — validation metrics are then in-sample. Walks are directed iff the
 *                        link model is (`linkModel`, default undirected). Nodes without an edge in the walk
 *                        graph have an all-zero embedding; test metrics are also reported for pairs with seen
 *                        and with unseen endpoints apart;
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
import { temporalLinkSplit, type LinkModel, type LinkSet, type LinkSplitStats } from '../data/linkSplit';
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

function embed(edges: TemporalEdges, e: Required<EmbeddingSettings>, seed: number, ctx: JobContext, directed = false): { emb: Float32Array; walks: number; seconds: number } {
  const t0 = Date.now();
  const walks = temporalRandomWalks(edges, { walksPerNode: e.walksPerNode, walkLength: e.walkLength, seed, ctx, directed });
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
  return { x, labels: set.label, seen: set.seen };
}

/** The rows of `a` then those of `b`. */
function concat(a: Examples, b: Examples): Examples {
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const labels = new Uint8Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  return { x, labels };
}

export interface LinkTaskOptions {
  seed: number;
  embedding?: EmbeddingSettings;
  batchSize?: number;
  /** One model of a link for the split, negatives, walks and evaluation; default 'undirected'. */
  linkModel?: LinkModel;
  /** Test features from the training window's embeddings (default) or a refit on training + validation. */
  testFeatures?: 'train' | 'train+val';
  /** Negative pairs' endpoints from the nodes the features have seen (default) or from all nodes. */
  negativeNodes?: 'seen' | 'all';
}

export function linkPredictionTask(edges: TemporalEdges, opts: LinkTaskOptions, ctx: JobContext = quietContext): PreparedTask {
  const e = settings(opts.embedding ?? {}, 8);
  const linkModel = opts.linkModel ?? 'undirected';
  const testFeatures = opts.testFeatures ?? 'train';
  const split = temporalLinkSplit(edges, { seed: opts.seed, linkModel, testFeatures, ...(opts.negativeNodes ? { negativeNodes: opts.negativeNodes } : {}) });
  const directed = linkModel === 'directed';
  const first = embed(split.trainEdges, e, opts.seed, ctx, directed);
  const width = 2 * e.dim;
  let train = pairFeatures(split.train, first.emb, e.dim);
  let val = pairFeatures(split.val, first.emb, e.dim);
  let test = pairFeatures(split.test, first.emb, e.dim);
  let walks = first.walks;
  let seconds = first.seconds;
  if (testFeatures === 'train+val') {
    const refit = embed(split.earlierEdges, e, opts.seed, ctx, directed);
    val = pairFeatures(split.val, refit.emb, e.dim);
    train = concat(pairFeatures(split.train, refit.emb, e.dim), val);
    test = pairFeatures(split.test, refit.emb, e.dim);
    walks += refit.walks;
    seconds += refit.seconds;
  }
  const s = columnStats(train.x, width);
  const z = (ex: Examples): Examples => ({ ...ex, x: standardise(ex.x, width, s) });
  const arch = buildArchitecture('link', 'mlp', width, 1);
  const task = new ExampleTask(arch, z(train), { val: z(val), test: z(test) }, opts.batchSize ?? 256);
  return { task, sizes: { train: train.labels.length, val: split.val.label.length, test: split.test.label.length }, walks, linkStats: split.stats, embeddingSeconds: seconds };
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
