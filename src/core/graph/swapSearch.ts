/**
 * Low-ASPL k-regular graphs by degree-preserving double-edge swaps (the search of RGP, arXiv 2110.15192,
 * made much stronger).
 *
 * A move picks two edges (a,b), (c,d) uniformly (a uniformly random slot of the n×k adjacency is a
 * uniformly random directed edge, so both rewirings (a,d)(c,b) and (a,c)(b,d) are reachable), requires four
 * distinct ends and no existing (a,d) or (c,b), and rewires. Degrees never change; simplicity is kept by
 * the test; connectivity by the evaluation (a disconnected graph has infinite ASPL and is rejected).
 *
 * Acceptance is simulated annealing (Kirkpatrick, Gelatt & Vecchi, Science 1983) with a geometric
 * temperature schedule over the budget, its start calibrated from the rises of ~100 sampled moves (`ANNEAL`);
 * with `method: 'hill'` (or at the end of annealing) a move is kept when it does not make things worse —
 * accepting equal moves lets the search drift across plateaus. Objectives are integer sums, so acceptance
 * has no float noise.
 *
 * Symmetric search (`symmetry: g`, `symmetry.ts`): the graph stays invariant under i ↦ i + n/g, a move is
 * the orbit of g swaps, and the exact sum is g × the sum from the n/g representatives — O(n²k/(128·g))
 * per exact move once n/g ≥ 128 (below, the 128-bit lane is only partly filled), plus O(g) slot writes.
 * Where the BFS runs on the quotient instead (`usesQuotient`: g ≤ 64 and g ≥ 4·n/g; `asplQuotient.ts`,
 * about m²k/4 vector steps a level for m = n/g), a trial rewires only the representatives' rows — at most
 * 4 of the g swaps — and a kept move is completed.
 * The Metropolis test is run as a threshold drawn before the evaluation (accept iff Δ ≤ −T·ln u), so the
 * exact evaluation can stop early as soon as it proves the candidate exceeds that threshold.
 *
 * Two objectives:
 *  - exact: the distance sum by bit-parallel BFS (`aspl.ts`) with early abort — O(n²k/128) per move;
 *  - proxy: pairs within distance two (`proxyObjective.ts`), O(k) per move, exact for diameter ≤ 3.
 * `objective: 'auto'` uses the proxy for most of the budget when the Moore diameter is ≤ 3 and n is
 * large enough that exact moves are expensive, then polishes with exact hill-climbing; otherwise exact.
 *
 * Budget (deterministic by default): `maxSwaps` moves proposed, `defaultSwapBudget(n, k)` when neither
 * `maxSwaps` nor `seconds` is given. Under a swap budget the temperature schedule and the proxy/exact split
 * follow the swap count only, so the same seed gives the same graph on any machine at any load; `seconds`
 * is then only a cap, and `stoppedBy: 'time-cap'` says when it bit (the result is then the best graph so
 * far, which depends on the machine's speed). `seconds` alone is a wall-clock budget (benchmarks against
 * time targets; not reproducible). Cancellable through `ctx.signal`; reports progress every ~100 ms and
 * keeps a compact history (time, swaps tried, best ASPL) for the live chart.
 */
import { RgpError } from '../errors';
import { quietContext, type JobContext } from '../job';
import { Random } from '../random';
import { AsplEvaluator, defaultLanes, type KernelChoice } from './aspl';
import { fromAdjacency } from './graph';
import { mooreBound } from './mooreBound';
import { SwapState } from './proxyObjective';
import { validateRegularParams } from './regularGraph';
import { OrbitSwapper, startingAdjacency, validateSymmetry } from './symmetry';
import { searchByDescent, type DescentLevel } from './symmetryDescent';
import { MAX_RESTARTS, searchWithRestarts, type RestartOutcome } from './searchRestarts';
import { finalFigures, thinHistory } from './searchParts';
import { searchWithTabu, type TabuSchedule, type TabuStart } from './tabuSearch';

export type SearchObjective = 'auto' | 'exact' | 'proxy';

export interface SearchOptions {
  n: number;
  k: number;
  seed: number;
  /** Wall-clock cap when `maxSwaps` is given (or defaulted); alone, a wall-clock budget (not reproducible). */
  seconds?: number;
  /** Budget in proposed moves (deterministic). Default `defaultSwapBudget(n, k)` unless `seconds` alone is given. */
  maxSwaps?: number;
  /** Start from this flat n×k adjacency instead of a random graph from the seed (copied). */
  initial?: Int32Array;
  /** 'anneal' (default) or plain hill-climbing. */
  method?: 'anneal' | 'hill';
  objective?: SearchObjective;
  /** Share of the budget for the proxy phase when the proxy is used (default: by size). */
  proxyFraction?: number;
  /**
   * Annealing temperatures for the exact objective, in units of the distance sum. Default: calibrated
   * (see `ANNEAL`): the start from the mean rise of the distance sum over a sample of random moves from the
   * starting graph, the end from the smallest rise a move can cause (2 — the sum runs over ordered pairs —
   * times the symmetry order).
   */
  exactTemperature?: { start: number; end: number };
  /** Annealing temperatures for the proxy objective, in units of covered pairs. Default: calibrated. */
  proxyTemperature?: { start: number; end: number };
  /** Overrides of the calibrated schedules' constants (tuning and benchmarks; default `ANNEAL`). */
  anneal?: Partial<AnnealSchedule>;
  kernel?: KernelChoice;
  /**
   * Diameter first: a move that raises the diameter is rejected (its evaluation stops at the
   * first BFS level past the current diameter), one that lowers it is kept whenever its evaluation completes,
   * and the best graph is the lowest (diameter, ASPL) — the ranking of Graph Golf. Default false (ASPL
   * alone): with the same swap budget diameter-first ended at a higher ASPL at (64, 4) (2.900 / 2.895 vs
   * 2.888 / 2.889, seeds 1 / 2, 10⁶ swaps) and (64, 8) (1.986 vs 1.978, seed 1) — rejecting every diameter
   * rise also removes stepping stones — and RGP's accuracy follows the ASPL.
   */
  diameterFirst?: boolean;
  /**
   * Cyclic symmetry of order g (a divisor of n; default 1 = none): the graph stays invariant under
   * i ↦ i + n/g (mod n), a move swaps a whole orbit of g edge pairs, and the ASPL is computed exactly from
   * the n/g orbit representatives as BFS sources (see `symmetry.ts`). A smaller search space and g-fold
   * cheaper evaluations, at the price of only reaching symmetric graphs. With `initial`, that graph must
   * be invariant.
   */
  symmetry?: number;
  /**
   * With `symmetry` g > 1: search under order g, then relax the symmetry level by level (g → g/p → … → 1)
   * from the best graph so far (`symmetryDescent.ts`); the swap budget is the total over levels. The result
   * need not be symmetric. Default false.
   */
  descend?: boolean;
  /**
   * Independent searches one after another, each with 1/R of the budget (with `descend`, R whole
   * descents); the best graph wins (`searchRestarts.ts`). Default 1.
   */
  restarts?: number;
  /**
   * Iterated tabu search (`tabuSearch.ts`): repeatedly a short search of this kind (annealing, or the
   * descent with `descend`) from a fresh seed, then a tabu search over every swap of its graph until it
   * stalls; the best graph wins. A step scans every move (at most `MAX_TABU_MOVES`: about 1024 edges plain, more under
   * `symmetry`, which the tabu search then keeps unless `descend`). Default false.
   */
  tabu?: boolean;
  /** Overrides of the tabu constants (tuning and benchmarks; default `TABU`). */
  tabuSchedule?: Partial<TabuSchedule>;
  /** Structured progress (the UI's live chart); called at most ~10 times a second. */
  onSample?: (s: SearchSample) => void;
  /** Milliseconds between progress reports (default 100). */
  reportEveryMs?: number;
}

export interface SearchSample {
  elapsed: number;
  swapsTried: number;
  swapsAccepted: number;
  currentAspl: number;
  bestAspl: number;
  /** True while the values come from the proxy (exact if the diameter is ≤ 3, else a lower bound). */
  estimate: boolean;
  fraction: number;
  phase: 'proxy' | 'exact';
}

export interface HistoryPoint {
  /** Seconds since the start. */
  t: number;
  swapsTried: number;
  bestAspl: number;
}

/** What ended a search (see SearchResult.stoppedBy). */
export type SearchStop = 'bound' | 'swaps' | 'seconds' | 'time-cap';

export interface SearchResult {
  n: number;
  k: number;
  seed: number;
  adjacency: Int32Array;
  aspl: number;
  diameter: number;
  distanceSum: number;
  connected: boolean;
  initialAspl: number;
  swapsTried: number;
  swapsAccepted: number;
  seconds: number;
  mooreBound: number;
  mooreDiameter: number;
  gapPct: number;
  objective: 'exact' | 'proxy';
  kernel: 'wasm' | 'ts';
  /** The swap budget in force (null under a pure time budget). */
  swapBudget: number | null;
  /** The wall-clock cap (swap budget) or budget (time budget) in seconds; null when none. */
  secondsLimit: number | null;
  /**
   * Why the search ended: 'bound' (the Moore bound was reached: no graph is better), 'swaps' (the swap
   * budget was used up: reproducible), 'seconds' (a pure time budget ran out) or 'time-cap' (the cap bit
   * before the swap budget was used up: the result depends on speed).
   */
  stoppedBy: SearchStop;
  history: HistoryPoint[];
  /** The symmetry order searched under (1: none). */
  symmetry: number;
  /** The annealing schedule used: exact (distance-sum units) or, after a proxy phase, the proxy's (covered pairs); null for hill-climbing. */
  temperature: { start: number; end: number } | null;
  /** With `descend`: what each level did, from the top order down to 1. */
  descent?: DescentLevel[];
  /** With `restarts` > 1: each restart's seed, swaps and ASPL (the result is the best of them). */
  restarts?: RestartOutcome[];
  /** With `tabu`: each start's seed, its search's ASPL, and the ASPL, steps and swaps of its tabu search. */
  tabuStarts?: TabuStart[];
}

const MAX_HISTORY = 2000;

/** Constants of the calibrated annealing schedules (see `ANNEAL`). */
export interface AnnealSchedule {
  /** False: the fixed schedules of before (exact 2 → 0.2, proxy 0.7g → 0.07g). */
  calibrate: boolean;
  /** Random moves sampled (proposed, evaluated, undone; counted in the budget, at most 1 % of it). */
  samples: number;
  exactStartPerRise: number;
  exactEndPerQuantum: number;
  proxyStartPerRise: number;
  proxyEndPerQuantum: number;
}

/**
 * The calibrated annealing schedules: T falls geometrically over the phase from `…StartPerRise` × (the mean
 * rise of the objective over `samples` random moves from the phase's starting graph) to `…EndPerQuantum` ×
 * (the smallest rise a move can cause: 2g for the distance sum, which runs over ordered pairs; g covered
 * pairs for the proxy), g the symmetry order. Starting from the moves' own scale makes one rule fit every
 * (n, k, g): a fixed T that is warm at (64, 4) is a plain hill-climb at (256, 8), where moves change the
 * sum by hundreds. Kirkpatrick, Gelatt & Vecchi (Science 1983) for the method; the start from the sampled
 * rises follows White ("Concepts of scale in simulated annealing", 1984). Measured with bench/search.ts.
 */
export const ANNEAL: AnnealSchedule = { calibrate: true, samples: 100, exactStartPerRise: 0.2, exactEndPerQuantum: 0.1, proxyStartPerRise: 0.05, proxyEndPerQuantum: 0.07 };

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Rounds to two significant digits, so default budgets read as plain numbers (380000, not 381470). */
function roundBudget(x: number): number {
  if (x < 100) return Math.max(1, Math.round(x));
  const p = Math.pow(10, Math.floor(Math.log10(x)) - 1);
  return Math.round(x / p) * p;
}

/**
 * The default swap budget for (n, k): a deterministic function of the size alone, sized for a few seconds
 * on one core of a 2020s laptop. Exact moves cost about O(n²) after early abort (≈200k/s at n = 64, 65k/s
 * at 256, 14k/s at 512, 1.3k/s at 2000 measured here), proxy moves O(k) with cache misses growing with n
 * (≈150k/s at (1024, 16), 20k/s at (4096, 32)). Tiny graphs get 2000 moves per adjacency slot at most.
 */
export function defaultSwapBudget(n: number, k: number): number {
  if (autoPlan(n, k).objective === 'proxy') return roundBudget(Math.min(1_000_000, (5e5 * 16) / k * Math.min(1, 1024 / n)));
  // Tiny graphs need few moves (2000 per adjacency slot); large ones are bounded by the cost per move.
  return roundBudget(Math.max(1000, Math.min(400_000, 2000 * n * k, 3e10 / (n * n))));
}

/**
 * Exact polishing moves after the proxy phase under a swap budget: a deterministic count (≈1 s of exact
 * moves at this size), so the split does not depend on speed.
 */
export function polishSwaps(n: number, symmetry = 1): number {
  // An exact move under symmetry g runs n/g BFS sources: about g times cheaper.
  return roundBudget(Math.max(100, (2e9 * symmetry) / (n * n)));
}

/** Which objective 'auto' picks for (n,k), and its proxy share. */
export function autoPlan(n: number, k: number, symmetry = 1): { objective: 'exact' | 'proxy'; proxyFraction: number } {
  const moore = mooreBound(n, k);
  // Below ~500 nodes an exact evaluation takes microseconds and the exact objective also sees the pairs
  // beyond distance 3 that the proxy ignores; above, the proxy's O(k) moves win by orders of magnitude.
  // Under symmetry g a proxy move is g swaps on the n² pair matrix (cache misses g times over) while an exact
  // move runs n/g sources: exact unless the representatives alone are that many. Measured at (4096, 32),
  // order 32: 4·10⁴ proxy orbit moves took 42–77 s at load 7–9, exact ones 14 s at load 8 (same quality at
  // 2·10⁴: 0.414 % vs 0.412 %).
  if (moore.diameter <= 3 && n / symmetry >= 512 && k >= 3) return { objective: 'proxy', proxyFraction: 0.95 };
  return { objective: 'exact', proxyFraction: 0 };
}

export function searchRegularGraph(opts: SearchOptions, ctx: JobContext = quietContext): SearchResult {
  const { n, k, seed } = opts;
  validateRegularParams(n, k);
  if (opts.seconds !== undefined && !(opts.seconds >= 0)) throw new RgpError('BAD_ARGUMENT', `seconds must be ≥ 0, got ${opts.seconds}.`, 'Give a time budget in seconds, e.g. --seconds 10.');
  if (opts.maxSwaps !== undefined && !(Number.isInteger(opts.maxSwaps) && opts.maxSwaps >= 0)) throw new RgpError('BAD_ARGUMENT', `maxSwaps must be a non-negative integer, got ${opts.maxSwaps}.`, 'Give a whole number of swaps.');
  const restarts = opts.restarts ?? 1;
  if (!(Number.isInteger(restarts) && restarts >= 1 && restarts <= MAX_RESTARTS)) {
    throw new RgpError('BAD_ARGUMENT', `The number of restarts must be a whole number from 1 to ${MAX_RESTARTS}, got ${opts.restarts}.`, 'Example: --restarts 16 (each gets 1/16 of the swap budget).');
  }
  if (opts.tabu) return searchWithTabu(opts, ctx, searchRegularGraph, defaultSwapBudget(n, k));
  if (restarts > 1) return searchWithRestarts(opts, ctx, searchRegularGraph, defaultSwapBudget(n, k));
  if (opts.descend && (opts.symmetry ?? 1) > 1) {
    validateSymmetry(n, k, opts.symmetry!);
    return searchByDescent(opts, ctx, searchRegularGraph, defaultSwapBudget(n, k));
  }
  const seconds = opts.seconds;
  // A swap budget unless only seconds were given: then time is the budget (and steers the schedule).
  const maxSwaps = opts.maxSwaps ?? (seconds === undefined ? defaultSwapBudget(n, k) : undefined);
  const sym = opts.symmetry ?? 1;
  validateSymmetry(n, k, sym);
  const rng = new Random(seed);
  const start = now();

  const adj = startingAdjacency(n, k, sym, opts.initial, rng);
  const graph = fromAdjacency(n, k, adj);
  // Symmetric evaluations run n/g sources: rows sized for them, not for n.
  const evaluator = new AsplEvaluator({ kernel: opts.kernel ?? 'auto', ...(sym > 1 ? { lanes: defaultLanes(n / sym) } : {}) });
  const pairsN = n * (n - 1);
  const moore = mooreBound(n, k);

  const plan = autoPlan(n, k, sym);
  let objective: 'exact' | 'proxy' = opts.objective === 'exact' ? 'exact' : opts.objective === 'proxy' ? 'proxy' : plan.objective;
  // The pair matrix gives O(1) edge tests and the proxy; under symmetry with the exact objective it is not
  // kept (each orbit move would update it g times over), and edge tests scan a row in O(k).
  const state = new SwapState(n, k, adj, sym === 1 || objective === 'proxy');
  if (objective === 'proxy' && (!state.hasProxy || k < 3)) objective = 'exact';
  const orbits = sym > 1 ? new OrbitSwapper(state, sym) : null;
  const defaultProxyFraction = (): number => {
    const share = plan.objective === 'proxy' ? plan.proxyFraction : 0.8;
    // Under a swap budget the exact polish is a count of its own (exact moves cost ~1000× a proxy move).
    if (maxSwaps === undefined || plan.objective !== 'proxy' || maxSwaps === 0) return share;
    return Math.max(share, 1 - polishSwaps(n, sym) / maxSwaps);
  };
  const proxyFraction = objective === 'proxy' ? (opts.proxyFraction ?? defaultProxyFraction()) : 0;
  const anneal = (opts.method ?? 'anneal') === 'anneal';
  let exactT = opts.exactTemperature ?? { start: 2, end: 0.2 };
  const sched: AnnealSchedule = { ...ANNEAL, ...opts.anneal };
  // An orbit move changes about g times as many pairs as a single swap: scale the proxy's default with it.
  let proxyT = opts.proxyTemperature ?? { start: 0.7 * sym, end: 0.07 * sym };

  const initialEval = evaluator.evaluate(graph, Infinity, k, Infinity, sym);
  let swapsTried = 0;
  let swapsAccepted = 0;
  const history: HistoryPoint[] = [];
  const reportEvery = opts.reportEveryMs ?? 100;
  let lastReport = start;
  let fraction = 0;

  // Progress of the budget: swaps only under a swap budget (time never steers a deterministic search).
  const fractionNow = (t: number): number => {
    if (maxSwaps !== undefined) return maxSwaps > 0 ? swapsTried / maxSwaps : 1;
    return seconds! > 0 ? (t - start) / 1000 / seconds! : 1;
  };
  let capped = false;
  const timeUp = (t: number): boolean => {
    if (maxSwaps === undefined || seconds === undefined || (t - start) / 1000 < seconds) return false;
    capped = true;
    return true;
  };

  const diameterFirst = opts.diameterFirst ?? false;
  let bestSum = Infinity;
  let bestDiam = Infinity;
  let bestAdj = Int32Array.from(adj);
  let curSum = initialEval.distanceSum;
  let curDiam = initialEval.diameter;
  if (initialEval.connected) {
    bestSum = curSum;
    bestDiam = curDiam;
  }
  /** Lexicographic (diameter, sum) with diameter first, else the sum alone. */
  const better = (sum: number, diam: number, thanSum: number, thanDiam: number, orEqual: boolean): boolean => {
    if (diameterFirst && diam !== thanDiam) return diam < thanDiam;
    return orEqual ? sum <= thanSum : sum < thanSum;
  };

  const report = (t: number, phase: 'proxy' | 'exact', cur: number, best: number, estimate: boolean) => {
    lastReport = t;
    const elapsed = (t - start) / 1000;
    const sample: SearchSample = { elapsed, swapsTried, swapsAccepted, currentAspl: cur / pairsN, bestAspl: best / pairsN, estimate, fraction: Math.min(1, fraction), phase };
    history.push({ t: elapsed, swapsTried, bestAspl: sample.bestAspl });
    if (history.length > MAX_HISTORY) thinHistory(history);
    opts.onSample?.(sample);
    ctx.progress.report({
      fraction: Math.min(1, fraction),
      message: `${swapsTried} swaps tried, ${swapsAccepted} kept · ASPL ${sample.currentAspl.toFixed(4)} (best ${sample.bestAspl.toFixed(4)}${estimate ? ', proxy' : ''}) · ${elapsed.toFixed(1)} s`,
    });
  };
  history.push({ t: 0, swapsTried: 0, bestAspl: initialEval.aspl });

  const nk = n * k;
  /** Proposes a move into `slots` (sa, sb, sc, sd); false when the two edges cannot be swapped. */
  const slots = new Int32Array(4);
  const propose = (): boolean => {
    if (orbits) return orbits.propose(rng);
    const i = rng.int(nk), j = rng.int(nk);
    const a = (i / k) | 0, b = adj[i], c = (j / k) | 0, d = adj[j];
    if (a === c || a === d || b === c || b === d) return false;
    if (state.hasEdge(a, d) || state.hasEdge(c, b)) return false;
    slots[0] = i;
    slots[1] = state.slotOf(b, a);
    slots[2] = j;
    slots[3] = state.slotOf(d, c);
    return true;
  };
  /** Applies / undoes the proposed move (one swap, or a whole orbit of them under symmetry). */
  const applyMove = (): void => {
    if (orbits) orbits.apply();
    else state.rewire(slots[0], slots[1], slots[2], slots[3]);
  };
  const undoMove = (): void => {
    if (orbits) orbits.undo();
    else state.rewire(slots[0], slots[3], slots[2], slots[1]);
  };

  /**
   * Mean rise of the objective over random moves from the current graph (`rise()` evaluates the moved
   * graph: > 0 is worse, NaN not counted); 0 when none rose. The moves are undone and count in the budget.
   */
  const meanRise = (rise: () => number): number => {
    const want = maxSwaps === undefined ? sched.samples : Math.min(sched.samples, Math.floor(maxSwaps * 0.01));
    let rises = 0, sum = 0;
    for (let tries = 0, done = 0; done < want && tries < 50 * want; tries++) {
      if (!propose()) continue;
      done++;
      swapsTried++;
      applyMove();
      const r = rise();
      undoMove();
      if (r > 0) {
        rises++;
        sum += r;
      }
    }
    return rises > 0 ? sum / rises : 0;
  };

  // ---- Phase 1: proxy objective (pairs within distance 2) ----
  if (objective === 'proxy') {
    if (!opts.proxyTemperature && sched.calibrate && anneal) {
      const end = sched.proxyEndPerQuantum * sym;
      const cov0 = state.covered;
      proxyT = { start: Math.max(end, sched.proxyStartPerRise * meanRise(() => cov0 - state.covered)), end };
    }
    let cov = state.covered;
    let bestCov = cov;
    let snapCov = cov;
    let snapshot = Int32Array.from(adj);
    let lastSnap = 0;
    const snapEvery = Math.max(1000, nk >> 2);
    const proxyEnd = proxyFraction;
    let T = proxyT.start;
    for (let it = 0; ; it++) {
      if ((it & 255) === 0) {
        ctx.signal.throwIfCancelled();
        const t = now();
        fraction = fractionNow(t);
        if (fraction >= proxyEnd || timeUp(t)) break;
        const p = fraction / proxyEnd;
        T = anneal ? proxyT.start * Math.pow(proxyT.end / proxyT.start, p) : 0;
        if (t - lastReport >= reportEvery) report(t, 'proxy', state.proxySum(), Math.min(state.proxySum(), 3 * pairsN - nk - 2 * bestCov), true);
      }
      if (maxSwaps !== undefined && swapsTried >= maxSwaps) break;
      if (!propose()) continue;
      swapsTried++;
      applyMove();
      const delta = state.covered - cov;
      if (delta >= 0 || (T > 0 && rng.float() < Math.exp(delta / T))) {
        cov = state.covered;
        swapsAccepted++;
        if (cov > bestCov) {
          bestCov = cov;
          // Snapshots are throttled: copying n·k entries on every early improvement would dominate.
          if (swapsTried - lastSnap >= snapEvery) {
            snapshot = Int32Array.from(adj);
            snapCov = cov;
            lastSnap = swapsTried;
          }
        }
      } else {
        undoMove();
      }
    }
    if (snapCov > cov) {
      adj.set(snapshot);
      state.rebuild();
    }
    const ev = evaluator.evaluate(graph, Infinity, k, Infinity, sym);
    if (ev.connected && better(ev.distanceSum, ev.diameter, bestSum, bestDiam, true)) {
      curSum = ev.distanceSum;
      curDiam = ev.diameter;
      bestSum = curSum;
      bestDiam = curDiam;
      bestAdj = Int32Array.from(adj);
    } else {
      // Disconnected (very unlikely for k ≥ 3 with maximised expansion) or worse than the start (possible
      // only on tiny budgets, or when many pairs lie beyond distance 3): go back to the best exact graph.
      adj.set(bestAdj);
      state.rebuild();
      curSum = bestSum;
      curDiam = bestDiam;
    }
  }

  // ---- Phase 2: exact objective (annealing, or hill-climbing polish after the proxy) ----
  // A graph at the Moore bound cannot be beaten (a ring at k = 2 is one from the start): stop there.
  const boundSum = moore.aspl * pairsN + 1e-6;
  let atBound = bestSum <= boundSum;
  const exactStart = fraction;
  const polishOnly = objective === 'proxy';
  if (!opts.exactTemperature && sched.calibrate && anneal && !polishOnly && !atBound) {
    const end = sched.exactEndPerQuantum * 2 * sym;
    const rise = meanRise(() => {
      const ev = evaluator.evaluate(graph, Infinity, k, Infinity, sym);
      return ev.connected ? ev.distanceSum - curSum : NaN;
    });
    exactT = { start: Math.max(end, sched.exactStartPerRise * rise), end };
  }
  let T = polishOnly || !anneal ? 0 : exactT.start;
  // Under symmetry with the quotient BFS a trial moves only the representatives' rows; a kept move is
  // then completed (`OrbitSwapper.applyToRepresentatives`).
  const repsOnly = orbits !== null && evaluator.readsRepresentativesOnly(n, sym);
  for (let it = 0; ; it++) {
    if ((it & 7) === 0 || n >= 512) {
      ctx.signal.throwIfCancelled();
      const t = now();
      fraction = fractionNow(t);
      if (fraction >= 1 || capped || timeUp(t)) break;
      if (!polishOnly && anneal) {
        const p = (fraction - exactStart) / Math.max(1e-9, 1 - exactStart);
        T = exactT.start * Math.pow(exactT.end / exactT.start, p);
      }
      if (t - lastReport >= reportEvery) report(t, 'exact', curSum, bestSum, false);
    }
    if (atBound || (maxSwaps !== undefined && swapsTried >= maxSwaps)) break;
    if (!propose()) continue;
    swapsTried++;
    const threshold = T > 0 ? curSum + Math.floor(-T * Math.log(1 - rng.float())) : curSum;
    if (repsOnly) orbits.applyToRepresentatives();
    else applyMove();
    const ev = evaluator.evaluate(graph, threshold, k, diameterFirst ? curDiam : Infinity, sym);
    if (ev.connected && !ev.aborted) {
      if (repsOnly) orbits.apply();
      curSum = ev.distanceSum;
      curDiam = ev.diameter;
      swapsAccepted++;
      if (better(curSum, curDiam, bestSum, bestDiam, false)) {
        bestSum = curSum;
        bestDiam = curDiam;
        bestAdj.set(adj);
        atBound = bestSum <= boundSum;
      }
    } else if (repsOnly) orbits.undoRepresentatives();
    else undoMove();
  }

  // The final figures from all n sources (no symmetry assumed): an independent check of the result.
  const final = evaluator.evaluate(fromAdjacency(n, k, bestAdj), Infinity, k);
  const t = now();
  fraction = 1;
  report(t, objective === 'proxy' ? 'proxy' : 'exact', curSum, final.distanceSum, false);
  return {
    ...finalFigures(n, k, seed, bestAdj, final, moore),
    initialAspl: initialEval.aspl,
    swapsTried,
    swapsAccepted,
    seconds: (t - start) / 1000,
    objective,
    kernel: evaluator.kernel,
    swapBudget: maxSwaps ?? null,
    secondsLimit: seconds ?? null,
    stoppedBy: atBound ? 'bound' : maxSwaps === undefined ? 'seconds' : capped ? 'time-cap' : 'swaps',
    history,
    symmetry: sym,
    temperature: anneal ? (polishOnly ? proxyT : exactT) : null,
  };
}
