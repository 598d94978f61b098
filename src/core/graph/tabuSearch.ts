/**
 * Tabu search over double-edge swaps, and the iterated search that uses it (`tabu: true`).
 *
 * What it computes: from a k-regular graph, each step evaluates *every* double-edge swap — every pair of
 * edges {a,b}, {c,d} with four distinct ends, in both rewirings (a,c)(b,d) and (a,d)(b,c), skipping those
 * that would duplicate an edge — exactly (`aspl.ts`), and makes the best one, even when it is worse than the
 * current graph. The two edges a step removes are tabu for `tenure` steps: a move that would add one back
 * is taken only if it beats the best graph so far (aspiration). Ties are broken uniformly at random
 * (seeded). The search stops after `stall` steps without a new best, at the evaluation budget, at the
 * wall-clock cap or at the Moore bound, and returns the best graph it met. Tabu search: F. Glover, "Tabu
 * Search — Part I", ORSA Journal on Computing 1(3), 1989; the move is the 2-opt swap of the Graph Golf
 * heuristics (and of `swapSearch.ts`).
 *
 * Under a cyclic symmetry of order g (`symmetry`, `symmetry.ts`) a move is an orbit swap — g swaps at once,
 * the ASPL from the n/g representatives — or a voltage move (one edge orbit turned by t shifts), and a step
 * scans every (representative slot, slot) pair and every (edge orbit, t); tabu then applies to edge
 * orbits. This is what makes larger graphs reachable: (256, 8) under order 64 is 65 536 + 1 008 candidates
 * a step, each a BFS from 4 sources — on the 4-node quotient (`asplQuotient.ts`), with the candidate
 * written into the representatives' rows only. Why voltage moves: the orbit swaps never change one arc's
 * shift of the quotient alone, and with them the tabu walks at (256, 8) end lower — order 64, two chains
 * of 8·10⁷ evaluations, seeds 1–3: 0.794 / 0.722 / 0.830 % above the Moore bound against 1.010 / 1.046 /
 * 1.046 % with orbit swaps alone (bench/search.ts; the scan then took each voltage move twice, from both
 * ends of its orbit — `OrbitSwapper.scansVoltage` now takes it once). Two chains of 3.5·10⁸ evaluations
 * reach ASPL 2.73235–2.73922 (README).
 *
 * Why: late in an annealing run almost every random swap makes the graph worse — at (64, 4) one or two of
 * the ~16 000 swaps of a 2.89 graph improve it — so a random proposal rarely finds them, while a full scan
 * always does, and the tabu list walks it out of the local minimum instead of back into it. Measured at
 * (64, 4) (bench/search.ts): short order-4 descents each polished by tabu search reached ≤ 2.88 for 4 of
 * seeds 1–12 at 9·10⁶ evaluations (median of seeds 1–3 2.87946), the descent alone at 1.5·10⁶ for 1 of 12;
 * annealed descents reach it about once per 3·10⁷ swaps.
 *
 * Cost: a step is `tabuMoves` evaluations — m(m−1) for m = nk/2 edges, s·n·k + s(g−1)/2 under symmetry g (s = n·k/g slots) —
 * each O(n²k/(128·g)) at worst but mostly cut short: a candidate's BFS stops as soon as its sum provably
 * exceeds the best of the step so far. At most `MAX_TABU_MOVES` a step; at (64, 4) a step is ~16 000
 * evaluations, ~20 ms on this project's machine. The budget counts evaluations as swaps tried (one
 * evaluation = one proposed swap), so it is deterministic: the same seed gives the same graph anywhere; a
 * step counts as one swap kept.
 */
import { RgpError } from '../errors';
import type { JobContext } from '../job';
import { Random } from '../random';
import { AsplEvaluator, defaultLanes } from './aspl';
import { fromAdjacency } from './graph';
import { mooreBound } from './mooreBound';
import { SwapState } from './proxyObjective';
import { hasNeighbor, slotOf } from './regularGraph';
import { restartSeed } from './searchRestarts';
import { finalFigures, SearchParts, type Search } from './searchParts';
import type { HistoryPoint, SearchOptions, SearchResult } from './swapSearch';
import { OrbitSwapper, shiftNode, startingAdjacency, validateSymmetry } from './symmetry';

/** Constants of the tabu search and of the iterated search (tuning: `SearchOptions.tabuSchedule`). */
export interface TabuSchedule {
  /** Steps an edge removed by a step may not be added back (unless that beats the best). */
  tenure: number;
  /** Steps without a new best after which one tabu search ends. */
  stall: number;
  /** Share of the whole budget each start's search (annealing or descent) gets before its tabu search. */
  startShare: number;
  /**
   * Under a symmetry, also scan every voltage move of every edge orbit (`OrbitSwapper.proposeVoltageAt`);
   * false scans orbit swaps only (the search before voltage moves, for comparison).
   */
  voltage: boolean;
}

/**
 * Tuned at (64, 4), 9·10⁶ evaluations, order-4 descents as starts (bench/search.ts, seeds 1–12): these
 * reach ≤ 2.88 for 4 of 12 seeds, a 150-step stall or starts of 1/32 for 5 of 12 — within the spread; in a
 * prototype over seeds 1–6, stall 30 or tenure 5 / 20 did no better, starts of 1/96 or 1/24 worse. Larger
 * graphs want longer starts: (64, 8) reached the record's 1.927 with 1/10.
 */
export const TABU: TabuSchedule = { tenure: 10, stall: 60, startShare: 1 / 48, voltage: true };

/** Most candidate moves a tabu step may scan (plain (64, 8): 65 280; order 64 at (256, 8): 66 544). */
export const MAX_TABU_MOVES = 1 << 20;

/**
 * Candidate moves of one step: every pair of edges in both rewirings, or with symmetry g every pair of a
 * representative's slot and any slot, and every voltage move of each edge orbit (about half the
 * representatives' slots: an orbit is reached from both ends).
 */
export function tabuMoves(n: number, k: number, symmetry = 1): number {
  const edges = (n * k) / 2;
  const slots = (n / symmetry) * k;
  return symmetry > 1 ? slots * n * k + Math.ceil((slots * (symmetry - 1)) / 2) : edges * (edges - 1);
}

/** Throws unless a tabu search of a k-regular graph on n nodes (under the symmetry) is practical. */
export function validateTabu(n: number, k: number, symmetry = 1): void {
  if (symmetry > 1) validateSymmetry(n, k, symmetry);
  const moves = tabuMoves(n, k, symmetry);
  if (moves > MAX_TABU_MOVES) {
    throw new RgpError(
      'BAD_ARGUMENT',
      `A tabu step at n = ${n}, k = ${k}${symmetry > 1 ? ` under symmetry ${symmetry}` : ''} scans about ${(moves / 1e6).toFixed(1)}·10⁶ moves; the tabu search takes at most ${MAX_TABU_MOVES} (about 1024 edges plain, more under a symmetry).`,
      symmetry > 1 ? 'Use a higher --symmetry, or drop --tabu.' : 'Add --symmetry G (e.g. 32 at n = 256) so that a step scans orbit moves, or drop --tabu.',
    );
  }
}

/** Key of the orbit of edge {u, v} under i ↦ i + m (mod n): its representative with u or v moved below m. */
function orbitKey(u: number, v: number, m: number, n: number): number {
  const su = u - (u % m);
  const sv = v - (v % m);
  return Math.min((u - su) * n + ((v - su + n) % n), (v - sv) * n + ((u - sv + n) % n));
}

/**
 * One tabu search from `opts.initial` (or a random graph from the seed), budget `opts.maxSwaps`
 * evaluations (default: until it stalls), `opts.seconds` a cap. With `opts.symmetry` g > 1 the graph stays
 * invariant under i ↦ i + n/g: a move is an orbit swap (`OrbitSwapper`; every pair of a representative's
 * slot and any slot is scanned), evaluated from the n/g representatives, and tabu applies to edge orbits.
 */
export function tabuSearch(opts: SearchOptions, ctx: JobContext): SearchResult {
  const { n, k, seed } = opts;
  const sym = opts.symmetry ?? 1;
  validateTabu(n, k, sym);
  const sched: TabuSchedule = { ...TABU, ...opts.tabuSchedule };
  const start = Date.now();
  const rng = new Random(seed);
  const adj = startingAdjacency(n, k, sym, opts.initial, rng);
  const graph = fromAdjacency(n, k, adj);
  const evaluator = new AsplEvaluator({ kernel: opts.kernel ?? 'auto', ...(sym > 1 ? { lanes: defaultLanes(n / sym) } : {}) });
  const pairs = n * (n - 1);
  const moore = mooreBound(n, k);
  const boundSum = moore.aspl * pairs + 1e-6;
  const maxEvals = opts.maxSwaps ?? Infinity;
  const deadline = opts.seconds === undefined ? Infinity : start + opts.seconds * 1000;
  const m = n / sym;
  // tabuUntil[orbitKey(u, v)]: the first step at which edge {u, v} (its orbit) may be added again.
  const tabuUntil = new Int32Array(m * n);
  const isTabu = (u: number, v: number): boolean => tabuUntil[orbitKey(u, v, m, n)] > steps;
  const makeTabu = (u: number, v: number): void => {
    tabuUntil[orbitKey(u, v, m, n)] = steps + sched.tenure;
  };

  const initial = evaluator.evaluate(graph, Infinity, k, Infinity, sym);
  let best = initial.distanceSum;
  let bestAdj = Int32Array.from(adj);
  const history: HistoryPoint[] = [{ t: 0, swapsTried: 0, bestAspl: initial.aspl }];
  let evals = 0;
  let steps = 0;
  let sinceBest = 0;
  let capped = false;
  let lastReport = start;
  let cur = initial.distanceSum;
  const report = () => {
    const t = Date.now();
    lastReport = t;
    const fraction = Number.isFinite(maxEvals) ? Math.min(1, evals / Math.max(1, maxEvals)) : Math.min(1, sinceBest / sched.stall);
    const elapsed = (t - start) / 1000;
    opts.onSample?.({ elapsed, swapsTried: evals, swapsAccepted: steps, currentAspl: cur / pairs, bestAspl: best / pairs, estimate: false, fraction, phase: 'exact' });
    ctx.progress.report({ fraction, message: `tabu step ${steps}, ${evals} swaps evaluated · ASPL ${(cur / pairs).toFixed(4)} (best ${(best / pairs).toFixed(4)}) · ${elapsed.toFixed(1)} s` });
  };
  /** False when the budget or the cap ends the scan; polls cancellation and reports every 1024 evaluations. */
  const mayEvaluate = (): boolean => {
    if (evals >= maxEvals) return false;
    if ((evals & 1023) === 0) {
      ctx.signal.throwIfCancelled();
      const t = Date.now();
      if (t >= deadline) {
        capped = true;
        return false;
      }
      if (t - lastReport >= (opts.reportEveryMs ?? 100)) report();
    }
    return true;
  };

  // The step's pick: the lowest sum met so far and its move, uniformly among ties (reservoir sampling).
  let stepBest = Infinity;
  let ties = 0;
  /** Evaluates the graph as it stands (one candidate applied); true when it becomes the step's pick. */
  const considered = (tabu: boolean): boolean => {
    // A tabu move counts only if it beats the best graph; any move only if it is no worse than the step's
    // best so far — the evaluation stops as soon as its sum is proved larger.
    const r = evaluator.evaluate(graph, tabu ? Math.min(stepBest, best - 1) : stepBest, k, Infinity, sym);
    evals++;
    if (!r.connected || r.aborted) return false;
    if (r.distanceSum < stepBest) {
      stepBest = r.distanceSum;
      ties = 1;
      return true;
    }
    return rng.int(++ties) === 0;
  };

  // Plain graphs: each unordered pair of edges from an edge list, both rewirings. Symmetric graphs: orbit
  // swaps through `OrbitSwapper` (one rewiring per slot pair; the other comes from the reversed slot).
  const ends: number[] = [];
  if (sym === 1) for (let v = 0; v < n; v++) for (let i = 0; i < k; i++) if (v < adj[v * k + i]) ends.push(v, adj[v * k + i]);
  const edges = ends.length / 2;
  const orbit = sym > 1 ? new OrbitSwapper(new SwapState(n, k, adj, false), sym) : null;
  // A candidate moves only the representatives' rows when the evaluator reads no others.
  const repsOnly = orbit !== null && evaluator.readsRepresentativesOnly(n, sym);
  /** Evaluates the orbit move `swapper` proposed, then undoes it; true when it becomes the step's pick. */
  const orbitTrial = (swapper: OrbitSwapper, tabu: boolean): boolean => {
    if (repsOnly) swapper.applyToRepresentatives();
    else swapper.apply();
    const picked = considered(tabu);
    if (repsOnly) swapper.undoRepresentatives();
    else swapper.undo();
    return picked;
  };

  while (sinceBest < sched.stall && evals < maxEvals && !(best <= boundSum)) {
    stepBest = Infinity;
    ties = 0;
    let moveE = -1;
    let moveF = -1;
    let moveCross = 0;
    if (orbit) {
      scan: for (let i = 0; i < m * k; i++) {
        for (let j = 0; j < n * k; j++) {
          if (!orbit.proposeAt(i, j)) continue;
          if (!mayEvaluate()) break scan;
          // (a, b), (c, d) become (a, d), (c, b) at every shift.
          if (orbitTrial(orbit, isTabu((i / k) | 0, adj[j]) || isTabu((j / k) | 0, adj[i]))) {
            moveE = i;
            moveF = j;
          }
        }
      }
      if (sched.voltage && !capped) {
        voltage: for (let i = 0; i < m * k; i++) {
          for (let t = 1; t < sym; t++) {
            if (!orbit.scansVoltage(i, t) || !orbit.proposeVoltageAt(i, t)) continue;
            if (!mayEvaluate()) break voltage;
            if (orbitTrial(orbit, isTabu((i / k) | 0, shiftNode(adj[i], t, m, n)))) {
              moveE = i;
              moveF = -t;
            }
          }
        }
      }
    } else {
      scan: for (let e = 0; e < edges; e++) {
        const a = ends[2 * e];
        const b = ends[2 * e + 1];
        const sab = slotOf(adj, k, a, b);
        const sba = slotOf(adj, k, b, a);
        for (let f = e + 1; f < edges; f++) {
          const c = ends[2 * f];
          const d = ends[2 * f + 1];
          if (a === c || a === d || b === c || b === d) continue;
          for (let cross = 0; cross < 2; cross++) {
            // New edges {a, x} and {b, y}.
            const x = cross ? d : c;
            const y = cross ? c : d;
            if (hasNeighbor(adj, k, a, x) || hasNeighbor(adj, k, b, y)) continue;
            if (!mayEvaluate()) break scan;
            const tabu = isTabu(a, x) || isTabu(b, y);
            const scd = slotOf(adj, k, c, d);
            const sdc = slotOf(adj, k, d, c);
            adj[sab] = x;
            adj[sba] = y;
            adj[scd] = cross ? b : a;
            adj[sdc] = cross ? a : b;
            const picked = considered(tabu);
            adj[sab] = b;
            adj[sba] = a;
            adj[scd] = d;
            adj[sdc] = c;
            if (picked) {
              moveE = e;
              moveF = f;
              moveCross = cross;
            }
          }
        }
      }
    }
    if (moveE < 0 || capped) break;
    steps++;
    if (orbit) {
      if (moveF < 0) {
        makeTabu((moveE / k) | 0, adj[moveE]);
        orbit.proposeVoltageAt(moveE, -moveF);
        orbit.apply();
      } else {
        const a = (moveE / k) | 0, b = adj[moveE], c = (moveF / k) | 0, d = adj[moveF];
        orbit.proposeAt(moveE, moveF);
        orbit.apply();
        makeTabu(a, b);
        makeTabu(c, d);
      }
    } else {
      const a = ends[2 * moveE];
      const b = ends[2 * moveE + 1];
      const c = ends[2 * moveF];
      const d = ends[2 * moveF + 1];
      const x = moveCross ? d : c;
      const y = moveCross ? c : d;
      adj[slotOf(adj, k, a, b)] = x;
      adj[slotOf(adj, k, b, a)] = y;
      adj[slotOf(adj, k, c, d)] = moveCross ? b : a;
      adj[slotOf(adj, k, d, c)] = moveCross ? a : b;
      ends[2 * moveE + 1] = x;
      ends[2 * moveF] = b;
      ends[2 * moveF + 1] = y;
      makeTabu(a, b);
      makeTabu(c, d);
    }
    cur = stepBest;
    if (cur < best) {
      best = cur;
      bestAdj = Int32Array.from(adj);
      sinceBest = 0;
      history.push({ t: (Date.now() - start) / 1000, swapsTried: evals, bestAspl: best / pairs });
    } else sinceBest++;
  }
  report();

  // The final figures from all n sources (no symmetry assumed): an independent check of the result.
  const final = evaluator.evaluate(fromAdjacency(n, k, bestAdj), Infinity, k);
  const seconds = (Date.now() - start) / 1000;
  history.push({ t: seconds, swapsTried: evals, bestAspl: final.aspl });
  return {
    ...finalFigures(n, k, seed, bestAdj, final, moore),
    initialAspl: initial.aspl,
    swapsTried: evals,
    swapsAccepted: steps,
    seconds,
    objective: 'exact',
    kernel: evaluator.kernel,
    swapBudget: opts.maxSwaps ?? null,
    secondsLimit: opts.seconds ?? null,
    stoppedBy: final.distanceSum <= boundSum ? 'bound' : capped ? 'time-cap' : 'swaps',
    history,
    symmetry: sym,
    temperature: null,
  };
}

/** What one start of the iterated search did. */
export interface TabuStart {
  seed: number;
  /** Swaps of the start's search. */
  startSwaps: number;
  /** ASPL of the start's search (annealing or descent) and after its tabu search. */
  startAspl: number;
  aspl: number;
  /** Tabu steps taken and swaps evaluated. */
  steps: number;
  swaps: number;
}

/**
 * The iterated search: a short search (the caller's method — annealing, or a symmetry descent — with
 * `startShare` of the budget, from a fresh seed) then a tabu search from its graph until it stalls;
 * repeated until the budget is used, the best graph kept. Start 0 uses the caller's seed, start r a seed
 * derived from (seed, r) — deterministic. Needs a swap budget (the default one when none is given).
 */
export function searchWithTabu(opts: SearchOptions, ctx: JobContext, search: Search, defaultBudget: number): SearchResult {
  validateTabu(opts.n, opts.k, opts.descend ? 1 : (opts.symmetry ?? 1));
  if ((opts.restarts ?? 1) > 1) throw new RgpError('BAD_ARGUMENT', 'The tabu search restarts by itself (a new start whenever one stalls); it does not take a restart count.', 'Drop --restarts, or drop --tabu.');
  if (opts.diameterFirst) throw new RgpError('BAD_ARGUMENT', 'The tabu search ranks graphs by ASPL alone.', 'Drop the diameter-first rule, or drop --tabu.');
  if (opts.maxSwaps === undefined && opts.seconds !== undefined) throw new RgpError('BAD_ARGUMENT', 'The tabu search needs a swap budget: it is where each start and each tabu search stop.', 'Give --swaps M (the seconds stay a cap).');
  const sched: TabuSchedule = { ...TABU, ...opts.tabuSchedule };
  const parts = new SearchParts(opts, defaultBudget);
  const total = parts.total!;
  const startSwaps = Math.max(1, Math.round(total * sched.startShare));
  const starts: TabuStart[] = [];
  let best: SearchResult | null = null;
  for (let r = 0; parts.swapsTried < total && !parts.capped && !(best && best.stoppedBy === 'bound'); r++) {
    const seed = restartSeed(opts.seed, r);
    const label = `start ${r + 1}`;
    const first = parts.runFor(search, ctx, Math.min(startSwaps, total - parts.swapsTried), { seed, tabu: false, restarts: 1 }, label, best?.aspl ?? Infinity);
    let res = first;
    if (parts.swapsTried < total && !parts.capped && first.stoppedBy !== 'bound') {
      // A descent ends on a plain graph; a symmetric search's graph is polished under its symmetry.
      const symmetry = opts.descend ? 1 : (opts.symmetry ?? 1);
      const polished = parts.runFor(tabuSearch, ctx, total - parts.swapsTried, { seed, initial: first.adjacency, symmetry, descend: false }, `${label}, tabu`, Math.min(best?.aspl ?? Infinity, first.aspl));
      starts.push({ seed, startSwaps: first.swapsTried, startAspl: first.aspl, aspl: polished.aspl, steps: polished.swapsAccepted, swaps: polished.swapsTried });
      if (polished.distanceSum <= first.distanceSum) res = polished;
    } else starts.push({ seed, startSwaps: first.swapsTried, startAspl: first.aspl, aspl: first.aspl, steps: 0, swaps: 0 });
    if (!best || res.distanceSum < best.distanceSum) best = res;
  }
  return { ...parts.result(best!), symmetry: opts.symmetry ?? 1, temperature: parts.first!.temperature, tabuStarts: starts };
}
