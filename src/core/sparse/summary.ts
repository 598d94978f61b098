/**
 * Summaries of a sparsification comparison: per (method, sparsity) cell the mean ± sample standard
 * deviation over seeds of accuracy, AUC, training FLOPs relative to the dense run of the same seed, training
 * sparsity and final sparsity; the sparse-training vs train-and-prune FLOPs ratio the study reports
 * (arXiv 2209.04766: "less than 1/7" on node classification); and the CSV / text renderings.
 * O(runs) apart from sorting the cells.
 */
import type { EndpointMetrics } from '../gnn/task';
import type { SparsifyMethod, SparsifyRun } from './results';
import { meanStd, type MeanStd } from '../stats';

/** A run as the job records it: the contract's fields plus what the accounting also knows. */
export interface SparsifyRunDetail extends SparsifyRun {
  valAccuracy: number;
  valAuc?: number;
  /** Link prediction: test metrics of pairs with seen and with unseen endpoints, apart. */
  testByEndpoints?: EndpointMetrics;
  /** Aggregation MACs (Â·H) of graph models, counted apart from `trainingFlops`; 0 for the MLP. */
  aggregationFlops: number;
  steps: number;
  /** Steps whose weight gradient was dense (dense training, ADMM, RigL's update steps). */
  denseGradientSteps: number;
  /** Mean training loss of the last epoch. */
  finalLoss: number;
  /** Per sparsified layer: name, size, counted non-zeros (and RGP's n, k). */
  layers: { name: string; size: number; nonZero: number; n?: number; k?: number }[];
  topologyUpdates?: number;
  admmResidual?: number;
  /** SLR: iterations, and how many met the W-step / Z-step surrogate optimality condition. */
  slrUpdates?: { iterations: number; w: number; z: number };
  rgpGraphs?: { n: number; k: number; aspl: number }[];
}


export interface SummaryCell {
  method: SparsifyMethod;
  sparsity: number;
  accuracy: MeanStd;
  auc?: MeanStd;
  /** trainingFlops / the dense run's trainingFlops of the same seed (absent without dense runs). */
  relativeFlops?: MeanStd;
  trainingSparsity: MeanStd;
  finalSparsity: MeanStd;
}


const METHOD_ORDER: SparsifyMethod[] = ['dense', 'magnitude', 'admm', 'slr', 'rigl', 'set', 'rgp'];

export function summarise(runs: readonly SparsifyRun[]): SummaryCell[] {
  const denseFlops = new Map<number, number>();
  for (const r of runs) if (r.method === 'dense') denseFlops.set(r.seed, r.trainingFlops);
  const cells = new Map<string, SparsifyRun[]>();
  for (const r of runs) {
    const key = `${r.method}|${r.sparsity}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const out: SummaryCell[] = [];
  for (const group of cells.values()) {
    const { method, sparsity } = group[0];
    const rel = group.filter((r) => denseFlops.has(r.seed)).map((r) => r.trainingFlops / denseFlops.get(r.seed)!);
    const aucs = group.map((r) => r.auc).filter((a): a is number => a !== undefined);
    out.push({
      method,
      sparsity,
      accuracy: meanStd(group.map((r) => r.accuracy)),
      ...(aucs.length ? { auc: meanStd(aucs) } : {}),
      ...(rel.length ? { relativeFlops: meanStd(rel) } : {}),
      trainingSparsity: meanStd(group.map((r) => r.trainingSparsity)),
      finalSparsity: meanStd(group.map((r) => r.finalSparsity)),
    });
  }
  return out.sort((a, b) => a.sparsity - b.sparsity || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
}

/**
 * Training FLOPs of each sparse-training method as a fraction of each train-and-prune method's, per
 * sparsity, from means over seeds: the study's headline ratio.
 */
export function flopsRatios(runs: readonly SparsifyRun[], minSparsity = 0.9): { sparsity: number; sparse: SparsifyMethod; trainPrune: SparsifyMethod; ratio: number }[] {
  const mean = (m: SparsifyMethod, s: number): number => meanStd(runs.filter((r) => r.method === m && r.sparsity === s).map((r) => r.trainingFlops)).mean;
  const sparsities = [...new Set(runs.map((r) => r.sparsity))].filter((s) => s >= minSparsity).sort((a, b) => a - b);
  const out: { sparsity: number; sparse: SparsifyMethod; trainPrune: SparsifyMethod; ratio: number }[] = [];
  for (const s of sparsities) {
    for (const sparse of ['rigl', 'set', 'rgp'] as const) {
      for (const trainPrune of ['admm', 'slr', 'magnitude'] as const) {
        const ratio = mean(sparse, s) / mean(trainPrune, s);
        if (Number.isFinite(ratio)) out.push({ sparsity: s, sparse, trainPrune, ratio });
      }
    }
  }
  return out;
}

const CSV_COLUMNS = [
  'dataset', 'task', 'model', 'method', 'sparsity', 'seed', 'epochs', 'accuracy', 'auc', 'valAccuracy', 'finalSparsity',
  'trainingSparsity', 'trainingFlops', 'aggregationFlops', 'steps', 'denseGradientSteps', 'seconds',
] as const;

export function runsCsv(runs: readonly (SparsifyRun & Partial<SparsifyRunDetail>)[]): string {
  const cell = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of runs) lines.push(CSV_COLUMNS.map((c) => cell((r as unknown as Record<string, unknown>)[c])).join(','));
  return lines.join('\n') + '\n';
}

const pct = (x: number, digits = 2): string => (Number.isFinite(x) ? (100 * x).toFixed(digits) : '—');
const pm = (s: MeanStd | undefined, digits = 2): string => (s && s.n ? `${pct(s.mean, digits)} ± ${pct(s.std, digits)}` : '—');

/** A fixed-width table: one row per cell (percentages). */
export function summaryTable(cells: readonly SummaryCell[]): string {
  const head = ['method', 'sparsity %', 'accuracy %', 'AUC %', 'train FLOPs / dense %', 'train sparsity %', 'final sparsity %', 'seeds'];
  const rows = cells.map((c) => [
    c.method,
    pct(c.sparsity, 3),
    pm(c.accuracy),
    pm(c.auc),
    c.relativeFlops ? pm(c.relativeFlops, 1) : '—',
    pct(c.trainingSparsity.mean, 2),
    pct(c.finalSparsity.mean, 2),
    String(c.accuracy.n),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
