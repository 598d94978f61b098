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
 * Why: late in an annealing run almost every random swap makes the graph worse — at (64, 4) one or two of
 * the ~16 000 swaps of a 2.89 graph improve it — so a random proposal rarely finds them, while a full scan
 * always does, and the tabu list walks it out of the local minimum instead of back into it. Measured at
 * (64, 4) (bench/search.ts): a short order-4 descent then tabu, repeated, reached ≤ 2.88 for four of six
 * seeds at 9·10⁶ evaluations, where annealed descents of the same budget reached it about once in 2.4·10⁷.
 *
 * Cost: a step is m(m−1) ≈ (nk/2)² evaluations (m edges), each O(n²k/128) at worst but mostly cut short:
 * a candidate's BFS stops as soon as its sum provably exceeds the best of the step so far. So the method is
 * for small graphs (`MAX_TABU_EDGES`); at (64, 4) a step is ~16 000 evaluations, ~17 ms here. The budget
 * counts evaluations as swaps tried (one evaluation = one proposed swap), so it is deterministic: the same
 * seed gives the same graph anywhere; a step counts as one swap kept.
 */
import { RgpError } from '../errors';
import type { JobContext } from '../job';
import { Random } from '../random';
import { AsplEvaluator } from './aspl';
import { fromAdjacency } from './graph';
import { mooreBound } from './mooreBound';
import { randomRegularGraph } from './regularGraph';
import { restartSeed } from './searchRestarts';
import { finalFigures, SearchParts, type Search } from './searchParts';
import type { HistoryPoint, SearchOptions, SearchResult } from './swapSearch';

/** Constants of the tabu search and of the iterated search (tuning: `SearchOptions.tabuSchedule`). */
export interface TabuSchedule {
  /** Steps an edge removed by a step may not be added back (unless that beats the best). */
  tenure: number;
  /** Steps without a new best after which one tabu search ends. */
  stall: number;
  /** Share of the whole budget each start's search (annealing or descent) gets before its tabu search. */
  startShare: number;
}

/**
 * (64, 4), seeds 1–6, 9·10⁶ evaluations in all (bench/search.ts): tenure 10 / stall 60 / a start of 1/48
 * of the budget reached ≤ 2.88 for 4 of 6 seeds; stall 30, tenure 5 or 20: 3 of 6; starts of 1/96: 2 of 6,
 * of 1/24: 1 of 6.
 */
export const TABU: TabuSchedule = { tenure: 10, stall: 60, startShare: 1 / 48 };

/** Largest edge count (n·k/2) the tabu search takes: a step evaluates about the square of it. */
export const MAX_TABU_EDGES = 1024;

/** Throws unless a tabu search of a k-regular graph on n nodes is practical. */
export function validateTabu(n: number, k: number): void {
  const m = (n * k) / 2;
  if (m > MAX_TABU_EDGES) {
    throw new RgpError(
      'BAD_ARGUMENT',
      `A tabu search of a graph with ${m} edges evaluates about ${Math.round((m * m) / 1e6)}·10⁶ swaps a step; it is meant for graphs of at most ${MAX_TABU_EDGES} edges (n·k/2).`,
      'Drop --tabu for this size: the annealing search (with --symmetry) is the method for large graphs.',
    );
  }
}

/**
 * One tabu search from `opts.initial` (or a random graph from the seed), budget `opts.maxSwaps`
 * evaluations (default: until it stalls), `opts.seconds` a cap. Plain graphs only (no symmetry).
 */
export function tabuSearch(opts: SearchOptions, ctx: JobContext): SearchResult {
  const { n, k, seed } = opts;
  validateTabu(n, k);
  const sched: TabuSchedule = { ...TABU, ...opts.tabuSchedule };
  const start = Date.now();
  const rng = new Random(seed);
  const adj = opts.initial ? Int32Array.from(opts.initial) : Int32Array.from(randomRegularGraph(n, k, rng.nextUint32()).neighbors);
  const graph = fromAdjacency(n, k, adj);
  const evaluator = new AsplEvaluator({ kernel: opts.kernel ?? 'auto' });
  const pairs = n * (n - 1);
  const moore = mooreBound(n, k);
  const boundSum = moore.aspl * pairs + 1e-6;
  const maxEvals = opts.maxSwaps ?? Infinity;
  const deadline = opts.seconds === undefined ? Infinity : start + opts.seconds * 1000;

  // The edge list (each edge once) and where each end sits in the adjacency.
  const ends: number[] = [];
  for (let v = 0; v < n; v++) for (let i = 0; i < k; i++) if (v < adj[v * k + i]) ends.push(v, adj[v * k + i]);
  const m = ends.length / 2;
  const slot = (v: number, w: number): number => {
    for (let i = v * k, e = i + k; i < e; i++) if (adj[i] === w) return i;
    return -1;
  };
  // tabuUntil[u·n + v]: the first step at which edge {u, v} may be added again.
  const tabuUntil = new Int32Array(n * n);

  const initial = evaluator.evaluate(graph, Infinity, k);
  let best = initial.distanceSum;
  let bestAdj = Int32Array.from(adj);
  const history: HistoryPoint[] = [{ t: 0, swapsTried: 0, bestAspl: initial.aspl }];
  let evals = 0;
  let steps = 0;
  let sinceBest = 0;
  let capped = false;
  let lastReport = start;
  const report = (cur: number) => {
    const t = Date.now();
    lastReport = t;
    const fraction = Number.isFinite(maxEvals) ? Math.min(1, evals / Math.max(1, maxEvals)) : Math.min(1, sinceBest / sched.stall);
    const elapsed = (t - start) / 1000;
    opts.onSample?.({ elapsed, swapsTried: evals, swapsAccepted: steps, currentAspl: cur / pairs, bestAspl: best / pairs, estimate: false, fraction, phase: 'exact' });
    ctx.progress.report({ fraction, message: `tabu step ${steps}, ${evals} swaps evaluated · ASPL ${(cur / pairs).toFixed(4)} (best ${(best / pairs).toFixed(4)}) · ${elapsed.toFixed(1)} s` });
  };

  let cur = initial.distanceSum;
  while (sinceBest < sched.stall && evals < maxEvals && !(best <= boundSum)) {
    // The step's pick: the lowest sum met so far and its move, uniformly among ties (reservoir sampling).
    let stepBest = Infinity;
    let moveE = -1;
    let moveF = -1;
    let moveCross = 0;
    let ties = 0;
    scan: for (let e = 0; e < m; e++) {
      const a = ends[2 * e];
      const b = ends[2 * e + 1];
      const sab = slot(a, b);
      const sba = slot(b, a);
      for (let f = e + 1; f < m; f++) {
        const c = ends[2 * f];
        const d = ends[2 * f + 1];
        if (a === c || a === d || b === c || b === d) continue;
        for (let cross = 0; cross < 2; cross++) {
          // New edges {a, x} and {b, y}.
          const x = cross ? d : c;
          const y = cross ? c : d;
          if (slot(a, x) >= 0 || slot(b, y) >= 0) continue;
          if (evals >= maxEvals) break scan;
          if ((evals & 1023) === 0) {
            ctx.signal.throwIfCancelled();
            const t = Date.now();
            if (t >= deadline) {
              capped = true;
              break scan;
            }
            if (t - lastReport >= (opts.reportEveryMs ?? 100)) report(cur);
          }
          const tabu = tabuUntil[a * n + x] > steps || tabuUntil[b * n + y] > steps;
          const scd = slot(c, d);
          const sdc = slot(d, c);
          adj[sab] = x;
          adj[sba] = y;
          adj[scd] = cross ? b : a;
          adj[sdc] = cross ? a : b;
          // A tabu move counts only if it beats the best graph; any move only if it is no worse than the
          // step's best so far — the evaluation stops as soon as its sum is proved larger.
          const r = evaluator.evaluate(graph, tabu ? Math.min(stepBest, best - 1) : stepBest, k);
          evals++;
          adj[sab] = b;
          adj[sba] = a;
          adj[scd] = d;
          adj[sdc] = c;
          if (!r.connected || r.aborted) continue;
          if (r.distanceSum < stepBest) {
            stepBest = r.distanceSum;
            ties = 1;
          } else if (rng.int(++ties) !== 0) continue;
          moveE = e;
          moveF = f;
          moveCross = cross;
        }
      }
    }
    if (moveE < 0 || capped) break;
    const a = ends[2 * moveE];
    const b = ends[2 * moveE + 1];
    const c = ends[2 * moveF];
    const d = ends[2 * moveF + 1];
    const x = moveCross ? d : c;
    const y = moveCross ? c : d;
    adj[slot(a, b)] = x;
    adj[slot(b, a)] = y;
    adj[slot(c, d)] = moveCross ? b : a;
    adj[slot(d, c)] = moveCross ? a : b;
    ends[2 * moveE + 1] = x;
    ends[2 * moveF] = b;
    ends[2 * moveF + 1] = y;
    steps++;
    tabuUntil[a * n + b] = tabuUntil[b * n + a] = tabuUntil[c * n + d] = tabuUntil[d * n + c] = steps + sched.tenure;
    cur = stepBest;
    if (cur < best) {
      best = cur;
      bestAdj = Int32Array.from(adj);
      sinceBest = 0;
      history.push({ t: (Date.now() - start) / 1000, swapsTried: evals, bestAspl: best / pairs });
    } else sinceBest++;
  }
  report(cur);

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
    symmetry: 1,
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
  validateTabu(opts.n, opts.k);
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
      const polished = parts.runFor(tabuSearch, ctx, total - parts.swapsTried, { seed, initial: first.adjacency, symmetry: 1, descend: false }, `${label}, tabu`, Math.min(best?.aspl ?? Infinity, first.aspl));
      starts.push({ seed, startSwaps: first.swapsTried, startAspl: first.aspl, aspl: polished.aspl, steps: polished.swapsAccepted, swaps: polished.swapsTried });
      if (polished.distanceSum <= first.distanceSum) res = polished;
    } else starts.push({ seed, startSwaps: first.swapsTried, startAspl: first.aspl, aspl: first.aspl, steps: 0, swaps: 0 });
    if (!best || res.distanceSum < best.distanceSum) best = res;
  }
  return { ...parts.result(best!), symmetry: opts.symmetry ?? 1, temperature: parts.first!.temperature, tabuStarts: starts };
}
