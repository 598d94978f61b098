/**
 * Symmetry descent: search under a large cyclic symmetry first, then relax it level by level to none.
 *
 * Under order g (`symmetry.ts`) the search runs on a g-fold smaller quotient and one move rewires a whole
 * orbit of g edges, so annealing finds a good basin quickly — but only among symmetric graphs. A graph
 * invariant under σ (i ↦ i + n/g) is also invariant under σᵖ, so it is a valid start for order g/p (p the
 * smallest prime factor of g), where moves the higher order forbade become possible. Each level anneals
 * from the previous level's best graph with a cold start (`DESCENT_START_PER_RISE` × the mean rise of a
 * random move, against 0.2 × from a random graph: a hot start wanders off the good graph and does not find
 * its way back within the level's budget) and keeps its best, so the ASPL never rises from level to level.
 * The top level, where outcomes vary most between seeds and moves are cheapest, runs `DESCENT_RESTARTS`
 * independent searches and keeps the best. The Graph Golf record methods also build large graphs from
 * symmetric ones (Mizuno & Ishida; Nakao's ODP code); relaxing the symmetry afterwards is the step that turns
 * a symmetric optimum into a better asymmetric graph.
 *
 * Budget: the swap budget is the total over levels — half for the top level (split over its restarts), the
 * other half shared equally by the lower levels. A move costs more at lower orders (n/g BFS sources), so
 * the same swap count takes longer there. A wall-clock cap is one deadline for the whole descent; a pure
 * time budget is split like the swaps. Deterministic under a swap budget: every level's seed derives from
 * the caller's.
 *
 * Measured with bench/search.ts (deterministic budgets, seeds 1–3): see the README's search section.
 */
import type { JobContext } from '../job';
import { Random } from '../random';
import { SearchParts, type Search } from './searchParts';
import type { SearchOptions, SearchResult } from './swapSearch';

/** Restarts of the top (most symmetric) level; the best is relaxed. */
export const DESCENT_RESTARTS = 4;

/** Start temperature of the relaxed levels, per unit of the mean rise of a random move (see `ANNEAL`). */
export const DESCENT_START_PER_RISE = 0.05;

/** What one level of a descent did. */
export interface DescentLevel {
  symmetry: number;
  /** Swaps proposed at this level (all restarts). */
  swaps: number;
  restarts: number;
  /** Best ASPL after this level. */
  aspl: number;
  seconds: number;
}

/** The orders a descent passes through from g: g, g/p₁, g/(p₁p₂), …, 1 (pᵢ the smallest prime factor left). */
export function descentOrders(g: number): number[] {
  const orders = [g];
  for (let x = g; x > 1; ) {
    let p = 2;
    while (x % p !== 0) p++;
    x /= p;
    orders.push(x);
  }
  return orders;
}

/** Shares of the budget per level: half for the top level, the rest split equally (one level: all of it). */
export function descentShares(levels: number): number[] {
  if (levels <= 1) return [1];
  return [0.5, ...new Array<number>(levels - 1).fill(0.5 / (levels - 1))];
}

/** The seed of restart `r` of level `level` (level 0, restart 0: the caller's seed). */
export function descentSeed(seed: number, level: number, restart: number): number {
  if (level === 0 && restart === 0) return seed;
  return new Random((seed ^ Math.imul(level * 64 + restart + 1, 0x85ebca6b)) >>> 0).nextUint32();
}

/**
 * Runs the descent from `opts.symmetry` down to 1 with `search` (the plain swap search, passed in to keep
 * this module free of a runtime cycle with swapSearch.ts). Returns the best graph of the last level, with
 * totals over levels and `descent` saying what each level did.
 */
export function searchByDescent(opts: SearchOptions, ctx: JobContext, search: Search, defaultBudget: number): SearchResult {
  const orders = descentOrders(opts.symmetry ?? 1);
  const shares = descentShares(orders.length);
  const parts = new SearchParts(opts, defaultBudget);
  const levels: DescentLevel[] = [];
  let best: SearchResult | null = null;

  for (let li = 0; li < orders.length && !parts.capped && !(best && best.stoppedBy === 'bound'); li++) {
    const g = orders[li];
    const restarts = li === 0 && orders.length > 1 ? DESCENT_RESTARTS : 1;
    const levelStart = Date.now();
    let levelBest: SearchResult | null = null;
    let levelSwaps = 0;
    for (let r = 0; r < restarts; r++) {
      const relaxed = li > 0 ? { anneal: { ...opts.anneal, exactStartPerRise: DESCENT_START_PER_RISE } } : {};
      const part = { ...relaxed, seed: descentSeed(opts.seed, li, r), symmetry: g, descend: false, initial: li > 0 ? best!.adjacency : opts.initial };
      const label = `order ${g}${restarts > 1 ? ` (start ${r + 1}/${restarts})` : ''}`;
      const res = parts.run(search, ctx, shares[li] / restarts, part, label, Math.min(best?.aspl ?? Infinity, levelBest?.aspl ?? Infinity));
      levelSwaps += res.swapsTried;
      if (!levelBest || res.distanceSum < levelBest.distanceSum) levelBest = res;
      if (parts.capped || res.stoppedBy === 'bound') break;
    }
    // A level starts from the previous best and keeps its best (a capped one returns its start), so it
    // never makes the graph worse.
    best = levelBest!;
    levels.push({ symmetry: g, swaps: levelSwaps, restarts, aspl: best.aspl, seconds: (Date.now() - levelStart) / 1000 });
  }
  return { ...parts.result(best!), symmetry: orders[0], temperature: parts.first!.temperature, descent: levels };
}
