/**
 * Running a search as consecutive parts (the levels of a symmetry descent, the restarts of a search):
 * each part gets its share of one swap budget, and the progress, the live samples, the history and the
 * totals run forward across the parts as if they were one search.
 */
import type { JobContext, Progress } from '../job';
import type { HistoryPoint, SearchOptions, SearchResult, SearchSample } from './swapSearch';

export type Search = (opts: SearchOptions, ctx: JobContext) => SearchResult;

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
    const { opts, total, done } = this;
    // Parts rounded on the cumulative share, so they add up to the budget exactly.
    const budget =
      total !== undefined
        ? { maxSwaps: Math.round(total * (done + share)) - Math.round(total * done), ...(opts.seconds !== undefined ? { seconds: Math.max(0, (this.deadline - Date.now()) / 1000) } : {}) }
        : { seconds: opts.seconds! * share };
    const offset = { t: (Date.now() - this.start) / 1000, swaps: this.swapsTried, accepted: this.swapsAccepted };
    const progress: Progress = {
      report: (p) => ctx.progress.report({ ...p, fraction: p.fraction === undefined ? undefined : done + share * p.fraction, message: `${label}: ${p.message}` }),
    };
    const onSample = opts.onSample
      ? (s: SearchSample) => opts.onSample!({ ...s, elapsed: offset.t + s.elapsed, swapsTried: offset.swaps + s.swapsTried, swapsAccepted: offset.accepted + s.swapsAccepted, bestAspl: Math.min(bestSoFar, s.bestAspl), fraction: done + share * s.fraction })
      : undefined;
    const res = search({ ...opts, ...budget, ...part, onSample }, { signal: ctx.signal, progress });
    for (const h of res.history) this.history.push({ t: offset.t + h.t, swapsTried: offset.swaps + h.swapsTried, bestAspl: Math.min(bestSoFar, h.bestAspl) });
    this.swapsTried += res.swapsTried;
    this.swapsAccepted += res.swapsAccepted;
    this.done += share;
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
