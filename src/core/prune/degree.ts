/**
 * From a requested pruning ratio to the degree k of the regular graph (RGP, arXiv 2110.15192, §3).
 *
 * Masking a layer with the adjacency A of a k-regular graph on n nodes keeps, of every block row, the k
 * blocks of the neighbours: a kept fraction k/n, pruning ratio 1 − k/n (RGP's no-self-loop mapping).
 * graph2nn's variant (You et al., ICML 2020) also keeps the diagonal block: (k+1)/n.
 * Feasible k: 1 ≤ k < n, n·k even (every edge has two ends) and the graph connected (k = 1 only for n = 2).
 * The requested ratio maps to the feasible k whose ratio is nearest; on a tie the larger k (the milder
 * pruning) wins. The achieved ratio is exact for a layer whose channel counts are multiples of n.
 */
import { RgpError } from '../errors';

export interface DegreeChoice {
  n: number;
  k: number;
  selfLoops: boolean;
  requestedRatio: number;
  /** 1 − kept/n: the exact ratio of a masked layer whose channels divide evenly by n. */
  achievedRatio: number;
  /** kept/n with kept = k (+1 with self-loops). */
  keptFraction: number;
}

export function checkRatio(ratio: unknown): number {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0 || ratio >= 1) {
    throw new RgpError(
      'BAD_ARGUMENT',
      `The pruning ratio must be a number strictly between 0 and 1, got ${JSON.stringify(ratio)}.`,
      'Give the fraction of weights to remove in masked layers, e.g. 0.9375 (n = 64, k = 4).',
    );
  }
  return ratio;
}

export function feasibleDegrees(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < n; k++) if ((n * k) % 2 === 0 && (k >= 2 || n === 2)) ks.push(k);
  return ks;
}

export function degreeForRatio(ratio: number, n: number, selfLoops = false): DegreeChoice {
  checkRatio(ratio);
  const ks = feasibleDegrees(n);
  if (ks.length === 0) throw new RgpError('BAD_ARGUMENT', `No connected regular graph exists on n=${n} nodes.`, 'Use --groups 2 or more (RGP uses 64).');
  let best = ks[0];
  let bestErr = Infinity;
  for (const k of ks) {
    const err = Math.abs(1 - (k + (selfLoops ? 1 : 0)) / n - ratio);
    if (err < bestErr - 1e-12 || (Math.abs(err - bestErr) <= 1e-12 && k > best)) {
      best = k;
      bestErr = err;
    }
  }
  const kept = (best + (selfLoops ? 1 : 0)) / n;
  return { n, k: best, selfLoops, requestedRatio: ratio, achievedRatio: 1 - kept, keptFraction: kept };
}
