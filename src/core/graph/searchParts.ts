/**
 * Running a search as consecutive parts (the levels of a symmetry descent, the restarts of a search):
 * each part gets its share of one swap budget, and the progress, the live samples, the history and the
 * totals run forward across the parts as if they were one search.
 */
import type { JobContext, Progress } from '../job';
import type { DistanceResult } from './aspl';
import type { HistoryPoint, SearchOptions, SearchResult, SearchSample } from './swapSearch';

export type Search = (opts: SearchOptions, ctx: JobContext) => SearchResult;

/** Most history points kept over all parts (each part keeps at most 2000 of its own). */
const MAX_PARTS_HISTORY = 4000;

/** The fields of a search result that describe its final graph: exact distances against the Moore bound. */
export function finalFigures(n: number, k: number, seed: number, adjacency: Int32Array, final: DistanceResult, moore: { aspl: number; diameter: number }) {
  return {
    n,
    k,
    seed,
    adjacency,
    aspl: final.aspl,
    diameter: final.diameter,
    distanceSum: final.distanceSum,
    connected: final.connected,
    mooreBound: moore.aspl,
    mooreDiameter: moore.diameter,
    gapPct: (100 * (final.aspl - moore.aspl)) / moore.aspl,
  };
}

/** Halves a history in place — every other point, the newest kept — so a chart keeps its shape at bounded size. */
export function thinHistory(history: HistoryPoint[]): void {
  let w = 0;
  for (let i = 0; i < history.length; i++) if (i % 2 === 1 || i === history.length - 1) history[w++] = history[i];
  history.length = w;
}

/** What the parts so far add up to. */
export class SearchParts {
  readonly start = Date.now();
  /** The swap budget over all parts (undefined under a pure time budget). */
  readonly total: number | undefined;
  private readonly deadline: number;
  readonly history: HistoryPoint[] = [];
  swapsTried = 0;
  swapsAccepted = 0;
  /** Share of the budget the parts so far had. */
  done = 0;
  first: SearchResult | null = null;
  /** True once a part stopped at the wall-clock cap. */
  capped = false;

  constructor(private readonly opts: SearchOptions, defaultBudget: number) {
    this.total = opts.maxSwaps ?? (opts.seconds === undefined ? defaultBudget : undefined);
    this.deadline = opts.seconds === undefined ? Infinity : this.start + opts.seconds * 1000;
  }

  /**
   * Runs one part with `share` of the budget and the options `part` overrides. `label` prefixes its progress
   * messages; `bestSoFar` is the best ASPL of the earlier parts (samples and history never show worse).
   */
  run(search: Search, ctx: JobContext, share: number, part: Partial<SearchOptions>, label: string, bestSoFar: number): SearchResult {
    const { total, done } = this;
    // Parts rounded on the cumulative share, so they add up to the budget exactly.
    const budget = total !== undefined ? { maxSwaps: Math.round(total * (done + share)) - Math.round(total * done), ...this.cap() } : { seconds: this.opts.seconds! * share };
    const res = this.runPart(search, ctx, share, { ...budget, ...part }, label, bestSoFar);
    this.done += share;
    return res;
  }

  /**
   * Runs one part with at most `maxSwaps` of the swap budget (a part that may stop early — a tabu search
   * that stalls — and leaves the rest to the next); its share is what it used. Needs a swap budget.
   */
  runFor(search: Search, ctx: JobContext, maxSwaps: number, part: Partial<SearchOptions>, label: string, bestSoFar: number): SearchResult {
    const total = this.total!;
    const res = this.runPart(search, ctx, maxSwaps / total, { maxSwaps, ...this.cap(), ...part }, label, bestSoFar);
    this.done = this.swapsTried / total;
    return res;
  }

  /** The wall-clock cap left for the next part, when there is one. */
  private cap(): { seconds?: number } {
    return this.opts.seconds !== undefined ? { seconds: Math.max(0, (this.deadline - Date.now()) / 1000) } : {};
  }

  private runPart(search: Search, ctx: JobContext, share: number, part: Partial<SearchOptions>, label: string, bestSoFar: number): SearchResult {
    const { opts, done } = this;
    const offset = { t: (Date.now() - this.start) / 1000, swaps: this.swapsTried, accepted: this.swapsAccepted };
    const progress: Progress = {
      report: (p) => ctx.progress.report({ ...p, fraction: p.fraction === undefined ? undefined : done + share * p.fraction, message: `${label}: ${p.message}` }),
    };
    const onSample = opts.onSample
      ? (s: SearchSample) => opts.onSample!({ ...s, elapsed: offset.t + s.elapsed, swapsTried: offset.swaps + s.swapsTried, swapsAccepted: offset.accepted + s.swapsAccepted, bestAspl: Math.min(bestSoFar, s.bestAspl), fraction: done + share * s.fraction })
      : undefined;
    const res = search({ ...opts, ...part, onSample }, { signal: ctx.signal, progress });
    for (const h of res.history) this.history.push({ t: offset.t + h.t, swapsTried: offset.swaps + h.swapsTried, bestAspl: Math.min(bestSoFar, h.bestAspl) });
    // Many parts (hundreds of tabu starts) would pile up their histories.
    if (this.history.length > MAX_PARTS_HISTORY) thinHistory(this.history);
    this.swapsTried += res.swapsTried;
    this.swapsAccepted += res.swapsAccepted;
    this.first ??= res;
    if (res.stoppedBy === 'time-cap') this.capped = true;
    return res;
  }

  /** The best part's graph with the totals over all parts. */
  result(best: SearchResult): SearchResult {
    return {
      ...best,
      seed: this.opts.seed,
      initialAspl: this.first!.initialAspl,
      swapsTried: this.swapsTried,
      swapsAccepted: this.swapsAccepted,
      seconds: (Date.now() - this.start) / 1000,
      swapBudget: this.total ?? null,
      secondsLimit: this.opts.seconds ?? null,
      stoppedBy: best.stoppedBy === 'bound' ? 'bound' : this.capped ? 'time-cap' : this.total === undefined ? 'seconds' : 'swaps',
      history: this.history,
    };
  }
}
