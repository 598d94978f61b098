/**
 * Restarts: R independent searches, one after another on this thread, each with 1/R of the swap budget;
 * the best graph wins (lowest distance sum, ties to the earlier restart).
 *
 * Why: on small instances the annealed descent ends in a few recurring basins, and which one is a matter
 * of the start. (64, 4), order-4 descent, seeds 1–6: one run of 7.5·10⁶ swaps ended at 2.8810 every time;
 * sixteen runs of 3.75·10⁵ (6·10⁶ in all) ended at 2.8690–2.8844, below 2.8810 for three of the six seeds
 * (bench/search.ts --restarts). `chains` does the same across threads; restarts need no worker and divide
 * one core's budget.
 *
 * Deterministic: restart 0 uses the caller's seed (so `restarts: 1` is the plain search), restart r > 0 a
 * seed derived from (seed, r); the budget parts are rounded on the cumulative share so they add up exactly.
 * A wall-clock cap is one deadline for all restarts.
 */
import type { JobContext } from '../job';
import { Random } from '../random';
import { SearchParts, type Search } from './searchParts';
import type { SearchOptions, SearchResult } from './swapSearch';

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

/** Runs `opts.restarts` searches with `search` (passed in to avoid a runtime cycle with swapSearch.ts). */
export function searchWithRestarts(opts: SearchOptions, ctx: JobContext, search: Search, defaultBudget: number): SearchResult {
  const restarts = opts.restarts ?? 1;
  const parts = new SearchParts(opts, defaultBudget);
  const outcomes: RestartOutcome[] = [];
  let best: SearchResult | null = null;
  for (let r = 0; r < restarts && !parts.capped && !(best && best.stoppedBy === 'bound'); r++) {
    const seed = restartSeed(opts.seed, r);
    const res = parts.run(search, ctx, 1 / restarts, { seed, restarts: 1 }, `start ${r + 1}/${restarts}`, best?.aspl ?? Infinity);
    outcomes.push({ seed, swaps: res.swapsTried, aspl: res.aspl });
    if (!best || res.distanceSum < best.distanceSum) best = res;
  }
  return { ...parts.result(best!), restarts: outcomes };
}
