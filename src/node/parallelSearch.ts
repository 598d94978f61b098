/**
 * Multi-core swap search: independent chains (different seeds) in worker threads, best result wins.
 * Two chains use two cores better than splitting one BFS across them: each evaluation is far too short
 * (microseconds to milliseconds) to share, and independent chains also diversify the search.
 *
 * Chain 0 uses the caller's seed, so `chains: 1` gives exactly the single-threaded result; chain i > 0
 * uses a seed derived from (seed, i). With a swap budget every chain is deterministic, and so is the winner
 * (lowest distance sum, ties to the lower chain index).
 */
import { Worker } from 'node:worker_threads';
import { fromErrorInfo, RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import { Random } from '../core/random';
import { searchRegularGraph, type SearchOptions, type SearchResult, type SearchSample } from '../core/graph/swapSearch';
import type { ChainMessage, ChainRequest } from '../worker/searchChain';

export interface ParallelSearchOptions extends SearchOptions {
  /** Number of chains (worker threads), default 2. */
  chains?: number;
}

export interface WorkerLaunch {
  /** Path or URL of the chain worker script (dist/searchChain.js, or src/worker/searchChain.ts with tsx). */
  script: string | URL;
  /** Extra Node flags for the workers, e.g. ['--import', 'tsx'] to run the TypeScript source. */
  execArgv?: string[];
}

export interface ChainSummary {
  chain: number;
  seed: number;
  aspl: number;
  swapsTried: number;
  swapsAccepted: number;
}

export interface ParallelSearchResult extends SearchResult {
  /** Index of the winning chain. */
  chain: number;
  /** Per-chain outcomes; the top-level swapsTried / swapsAccepted are totals over chains. */
  chains: ChainSummary[];
}

export function chainSeed(seed: number, chain: number): number {
  return chain === 0 ? seed : new Random((seed ^ Math.imul(chain, 0x9e3779b9)) >>> 0).nextUint32();
}

export function parallelSearch(opts: ParallelSearchOptions, launch: WorkerLaunch, ctx: JobContext = quietContext): Promise<ParallelSearchResult> {
  const chains = opts.chains ?? 2;
  if (!Number.isInteger(chains) || chains < 1 || chains > 64) {
    return Promise.reject(new RgpError('BAD_ARGUMENT', `chains must be an integer from 1 to 64, got ${chains}.`, 'Use --chains 2 to use two cores.'));
  }
  const cancel = new SharedArrayBuffer(4);
  const cell = new Int32Array(cancel);
  const { onSample, chains: _omit, ...base } = opts;
  void _omit;
  const latest: Array<SearchSample | null> = new Array(chains).fill(null);
  const results: Array<SearchResult | null> = new Array(chains).fill(null);
  const workers: Worker[] = [];

  return new Promise<ParallelSearchResult>((resolve, reject) => {
    let settled = false;
    const poll = setInterval(() => {
      if (ctx.signal.cancelled) Atomics.store(cell, 0, 1);
    }, 50);
    const finish = (err: Error | null, value?: ParallelSearchResult) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      Atomics.store(cell, 0, 1);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(value!);
    };
    const merged = () => {
      const ss = latest.filter((s): s is SearchSample => s !== null);
      if (ss.length === 0) return;
      const best = ss.reduce((p, q) => (q.bestAspl < p.bestAspl ? q : p));
      const sample: SearchSample = {
        ...best,
        swapsTried: ss.reduce((a, s) => a + s.swapsTried, 0),
        swapsAccepted: ss.reduce((a, s) => a + s.swapsAccepted, 0),
        elapsed: Math.max(...ss.map((s) => s.elapsed)),
        fraction: Math.min(...ss.map((s) => s.fraction)),
      };
      onSample?.(sample);
      ctx.progress.report({
        fraction: sample.fraction,
        message: `${chains} chains · ${sample.swapsTried} swaps tried, ${sample.swapsAccepted} kept · best ASPL ${sample.bestAspl.toFixed(4)}${sample.estimate ? ' (proxy)' : ''} · ${sample.elapsed.toFixed(1)} s`,
      });
    };
    for (let c = 0; c < chains; c++) {
      const req: ChainRequest = { chain: c, options: { ...base, seed: chainSeed(opts.seed, c) }, cancel };
      let w: Worker;
      try {
        w = new Worker(launch.script, { workerData: req, execArgv: launch.execArgv ?? [] });
      } catch (e) {
        finish(e as Error);
        return;
      }
      workers.push(w);
      w.on('message', (m: ChainMessage) => {
        if (m.type === 'sample') {
          latest[m.chain] = m.sample;
          merged();
        } else if (m.type === 'error') {
          finish(fromErrorInfo(m.error));
        } else {
          results[m.chain] = m.result;
          if (results.every((r) => r !== null)) {
            const rs = results as SearchResult[];
            let win = 0;
            for (let i = 1; i < rs.length; i++) if (rs[i].distanceSum < rs[win].distanceSum) win = i;
            finish(null, {
              ...rs[win],
              seed: opts.seed,
              swapsTried: rs.reduce((a, r) => a + r.swapsTried, 0),
              swapsAccepted: rs.reduce((a, r) => a + r.swapsAccepted, 0),
              seconds: Math.max(...rs.map((r) => r.seconds)),
              // A cap that bit in any chain makes the outcome depend on speed: say so.
              stoppedBy: rs.some((r) => r.stoppedBy === 'time-cap') ? 'time-cap' : rs[win].stoppedBy,
              chain: win,
              chains: rs.map((r, i) => ({ chain: i, seed: r.seed, aspl: r.aspl, swapsTried: r.swapsTried, swapsAccepted: r.swapsAccepted })),
            });
          }
        }
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!settled && results[c] === null) finish(new Error(`search chain ${c} exited with code ${code} before reporting`));
      });
    }
  });
}

/**
 * `chains` independent chains, the best kept — on worker threads when `launch` is given, else one after
 * another on this thread. Both give the same graph for the same options, seed and chain count (chain i
 * always runs with `chainSeed(seed, i)`, the winner is the lowest distance sum, ties to the lower index),
 * so a job's masks do not depend on where it ran; only the wall-clock time does (a `seconds` cap is split
 * between chains run on one thread, so it bites at the same total time). `chains: 1` (default) is exactly
 * `searchRegularGraph`.
 */
export async function searchChains(opts: ParallelSearchOptions, launch: WorkerLaunch | null, ctx: JobContext = quietContext): Promise<SearchResult & { chain: number; chains: ChainSummary[] }> {
  const chains = opts.chains ?? 1;
  if (!Number.isInteger(chains) || chains < 1 || chains > 64) {
    throw new RgpError('BAD_ARGUMENT', `chains must be an integer from 1 to 64, got ${chains}.`, 'Use --search-chains 2 to use two cores.');
  }
  const { chains: _omit, ...base } = opts;
  void _omit;
  if (chains > 1 && launch) return parallelSearch(opts, launch, ctx);
  const rs: SearchResult[] = [];
  for (let c = 0; c < chains; c++) {
    const inner: JobContext = chains === 1 ? ctx : {
      signal: ctx.signal,
      progress: { report: (u) => ctx.progress.report({ ...u, fraction: (c + (u.fraction ?? 0)) / chains, message: `chain ${c + 1}/${chains}: ${u.message}` }) },
    };
    // On one thread the chains share the wall-clock cap (on workers each has it in parallel).
    rs.push(searchRegularGraph({ ...base, seed: chainSeed(opts.seed, c), ...(base.seconds !== undefined ? { seconds: base.seconds / chains } : {}) }, inner));
  }
  let win = 0;
  for (let i = 1; i < rs.length; i++) if (rs[i].distanceSum < rs[win].distanceSum) win = i;
  return {
    ...rs[win],
    seed: opts.seed,
    swapsTried: rs.reduce((a, r) => a + r.swapsTried, 0),
    swapsAccepted: rs.reduce((a, r) => a + r.swapsAccepted, 0),
    seconds: rs.reduce((a, r) => a + r.seconds, 0),
    stoppedBy: rs.some((r) => r.stoppedBy === 'time-cap') ? 'time-cap' : rs[win].stoppedBy,
    chain: win,
    chains: rs.map((r, i) => ({ chain: i, seed: r.seed, aspl: r.aspl, swapsTried: r.swapsTried, swapsAccepted: r.swapsAccepted })),
  };
}
