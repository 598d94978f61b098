/**
 * Restarts: R independent searches, one after another on this thread, each with 1/R of the swap budget;
 * the best graph wins (lowest distance sum, ties to the earlier restart).
 *
 * Why: on small instances the annealed descent ends in a few recurring basins, and which one is a matter
 * of the start. (64, 4), order-4 descent, seeds 1–6: one run of 7.5·10⁶ swaps ended at 2.8810 every time;
 * sixteen runs of 3.75·10⁵ (the same total) reached 2.8795–2.8810 — more starts beat a longer walk from
 * one. The same holds for a plain search. `chains` does the same across threads; restarts need no worker
 * and divide one core's budget.
 *
 * Deterministic: restart 0 uses the caller's seed (so `restarts: 1` is the plain search), restart r > 0 a
 * seed derived from (seed, r); the budget parts are rounded on the cumulative share so they add up exactly.
 * A wall-clock cap is one deadline for all restarts.
 */
import type { JobContext, Progress } from '../job';
import { Random } from '../random';
import type { HistoryPoint, SearchOptions, SearchResult, SearchSample } from './swapSearch';

/** Most restarts a search accepts (each needs a useful share of the budget). */
export const MAX_RESTARTS = 1024;

/** What one restart did. */
export interface RestartOutcome {
  seed: number;
  swaps: number;
  aspl: number;
}

/** The seed of restart r (restart 0: the caller's seed). */
export function restartSeed(seed: number, r: number): number {
  if (r === 0) return seed;
  return new Random((seed ^ Math.imul(r, 0x27d4eb2f)) >>> 0).nextUint32();
}

type Search = (opts: SearchOptions, ctx: JobContext) => SearchResult;

/** Runs `opts.restarts` searches with `search` (passed in to avoid a runtime cycle with swapSearch.ts). */
export function searchWithRestarts(opts: SearchOptions, ctx: JobContext, search: Search, defaultBudget: number): SearchResult {
  const restarts = opts.restarts ?? 1;
  const start = Date.now();
  const total = opts.maxSwaps ?? (opts.seconds === undefined ? defaultBudget : undefined);
  const deadline = opts.seconds === undefined ? Infinity : start + opts.seconds * 1000;
  const history: HistoryPoint[] = [];
  const outcomes: RestartOutcome[] = [];
  let best: SearchResult | null = null;
  let first: SearchResult | null = null;
  let swapsTried = 0;
  let swapsAccepted = 0;
  let capped = false;
  for (let r = 0; r < restarts && !capped && !(best && best.stoppedBy === 'bound'); r++) {
    const share = 1 / restarts;
    const done = r / restarts;
    const budget = total !== undefined
      ? { maxSwaps: Math.round(total * (done + share)) - Math.round(total * done), ...(opts.seconds !== undefined ? { seconds: Math.max(0, (deadline - Date.now()) / 1000) } : {}) }
      : { seconds: opts.seconds! * share };
    const offset = { t: (Date.now() - start) / 1000, swaps: swapsTried, accepted: swapsAccepted };
    const bestSoFar = best?.aspl ?? Infinity;
    const progress: Progress = {
      report: (p) => ctx.progress.report({ ...p, fraction: p.fraction === undefined ? undefined : done + share * p.fraction, message: `start ${r + 1}/${restarts}: ${p.message}` }),
    };
    const onSample = opts.onSample
      ? (s: SearchSample) => opts.onSample!({ ...s, elapsed: offset.t + s.elapsed, swapsTried: offset.swaps + s.swapsTried, swapsAccepted: offset.accepted + s.swapsAccepted, bestAspl: Math.min(bestSoFar, s.bestAspl), fraction: done + share * s.fraction })
      : undefined;
    const seed = restartSeed(opts.seed, r);
    const res = search({ ...opts, ...budget, seed, restarts: 1, onSample }, { signal: ctx.signal, progress });
    for (const h of res.history) history.push({ t: offset.t + h.t, swapsTried: offset.swaps + h.swapsTried, bestAspl: Math.min(bestSoFar, h.bestAspl) });
    swapsTried += res.swapsTried;
    swapsAccepted += res.swapsAccepted;
    outcomes.push({ seed, swaps: res.swapsTried, aspl: res.aspl });
    first ??= res;
    if (!best || res.distanceSum < best.distanceSum) best = res;
    if (res.stoppedBy === 'time-cap') capped = true;
  }
  const b = best!;
  return {
    ...b,
    seed: opts.seed,
    initialAspl: first!.initialAspl,
    swapsTried,
    swapsAccepted,
    seconds: (Date.now() - start) / 1000,
    swapBudget: total ?? null,
    secondsLimit: opts.seconds ?? null,
    stoppedBy: b.stoppedBy === 'bound' ? 'bound' : capped ? 'time-cap' : total === undefined ? 'seconds' : 'swaps',
    history,
    restarts: outcomes,
  };
}
