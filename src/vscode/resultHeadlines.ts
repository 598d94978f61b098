/**
 * One-line summaries of experiments for the status bar and the closing notification: the best pruned
 * cell so far, as mean test accuracy over the seeds run. A cell is a (ratio, graph kind) of a sweep or a
 * (method, sparsity) of a sparsification; dense runs are the baseline, never "best". O(runs).
 */
import type { SparsifyRun } from '../core/sparse/results';
import type { SweepRun } from '../core/train/results';
import { percent as percentOrDash } from '../core/percent';

/** The extension's one percentage format (93.75 %, 87.5 %, 50 %). */
export const percent = (x: number) => percentOrDash(x);

/** "1 run", "2 runs": a count with its noun in the right number. */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export interface BestCell<K> {
  key: K;
  accuracy: number;
  runs: number;
}

/** The cell with the highest mean accuracy (ties: the first met). */
export function bestCell<R, K>(runs: R[], keyOf: (r: R) => K | undefined, accuracy: (r: R) => number, id: (k: K) => string): BestCell<K> | undefined {
  const cells = new Map<string, { key: K; sum: number; runs: number }>();
  for (const r of runs) {
    const key = keyOf(r);
    if (key === undefined) continue;
    const c = cells.get(id(key)) ?? { key, sum: 0, runs: 0 };
    c.sum += accuracy(r);
    c.runs++;
    cells.set(id(key), c);
  }
  let best: BestCell<K> | undefined;
  for (const c of cells.values()) {
    const mean = c.sum / c.runs;
    if (!best || mean > best.accuracy) best = { key: c.key, accuracy: mean, runs: c.runs };
  }
  return best;
}

const count = (done: number, total: number | undefined, what: string) => (total !== undefined && done < total ? `${done}/${total} ${what}s` : plural(done, what));

export function bestSweepCell(runs: SweepRun[]): BestCell<{ ratio: number; graph: SweepRun['graph'] }> | undefined {
  return bestCell(runs, (r) => (r.graph === 'dense' ? undefined : { ratio: r.ratio, graph: r.graph }), (r) => r.testAccuracy, (k) => `${k.ratio}|${k.graph}`);
}

/** "ratio experiment 12 runs · best 97.13 % @ 87.5 %" (while running: "ratio experiment 3/12 runs · …"). */
export function sweepHeadline(runs: SweepRun[], total?: number): string {
  const head = `ratio experiment ${count(runs.length, total, 'run')}`;
  const best = bestSweepCell(runs);
  if (best) return `${head} · best ${percent(best.accuracy)} @ ${percent(best.key.ratio)}`;
  const dense = runs.filter((r) => r.graph === 'dense');
  return dense.length ? `${head} · dense ${percent(dense.reduce((s, r) => s + r.testAccuracy, 0) / dense.length)}` : head;
}

export function bestSparsifyCell(runs: SparsifyRun[]): BestCell<{ method: SparsifyRun['method']; sparsity: number }> | undefined {
  return bestCell(runs, (r) => (r.method === 'dense' ? undefined : { method: r.method, sparsity: r.sparsity }), (r) => r.accuracy, (k) => `${k.method}|${k.sparsity}`);
}

/** "sparsify email-Eu-core · 6 runs · best rigl 81.2 % @ 93.75 %". */
export function sparsifyHeadline(runs: SparsifyRun[], total?: number): string {
  const head = `sparsify ${runs[0] ? `${runs[0].dataset} · ` : ''}${count(runs.length, total, 'run')}`;
  const best = bestSparsifyCell(runs);
  if (best) return `${head} · best ${best.key.method} ${percent(best.accuracy)} @ ${percent(best.key.sparsity)}`;
  const dense = runs.filter((r) => r.method === 'dense');
  return dense.length ? `${head} · dense ${percent(dense.reduce((s, r) => s + r.accuracy, 0) / dense.length)}` : head;
}
