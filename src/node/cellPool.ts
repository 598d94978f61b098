/**
 * Runs the cells of one sweep or sparsification comparison on every core: N worker threads, each running
 * the ordinary job (src/worker/main.ts through the job runner) with a shared claim array, so each worker
 * takes the next unclaimed cell whenever it finishes one (src/jobs/grid/cellSelection.ts). A cell's run
 * depends only on its coordinates, so the assembled result equals a serial run's, in the grid's order,
 * whatever order the cells finished in; `onRun` sees each run as it finishes, with its grid index.
 *
 * Cancel (ctx.signal) stops every worker: each gets the job runner's cancel, and the pool settles only
 * once every thread has exited. A worker's error stops the others and is what the pool throws.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../core/errors';
import type { JobContext } from '../core/job';
import type { SparsifyResult } from '../core/sparse/results';
import type { SparsifyRunDetail } from '../core/sparse/summary';
import type { SweepResult, SweepRun } from '../core/train/results';
import { startJob, type RunningJob } from '../host/jobRunner';
import type { Part } from '../jobs/grid/assemble';
import { claimedBy, newClaims } from '../jobs/grid/cellSelection';
import type { SparsifyJobOptions, SweepJobOptions } from '../protocol/worker';
import type { DatasetSplit } from '../core/data/dataset';
import { datasetChannel } from './sharedDataset';

export type PoolRequest = { kind: 'sweep'; modelPath: string; options: SweepJobOptions } | { kind: 'sparsify'; options: SparsifyJobOptions };

export interface JobWorkerLaunch {
  /** dist/worker.js, or src/worker/main.ts with execArgv ['--require', 'tsx/cjs'] (the entry module of a worker ignores --import). */
  script: string;
  execArgv?: string[];
}

/** The job worker beside this code: the bundle's worker.js, or the TypeScript source under tsx. */
export function jobWorkerLaunch(): JobWorkerLaunch {
  return __filename.endsWith('.ts') ? { script: path.join(__dirname, '..', 'worker', 'main.ts'), execArgv: ['--require', 'tsx/cjs'] } : { script: path.join(__dirname, 'worker.js') };
}

/** The default pool size: every core the process may use. */
export function defaultWorkers(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export interface PoolOptions {
  workers: number;
  launch: JobWorkerLaunch;
  /** Each run as it finishes, with its cell's grid index. */
  onRun?: (run: SweepRun | SparsifyRunDetail, index: number) => void;
  /**
   * The sweep's dataset, still being read by the host (src/node/sharedDataset.ts): the workers start at
   * once and each receives the split when it is ready. A failure to read it stops the pool and is thrown.
   */
  dataset?: Promise<DatasetSplit>;
}

export async function runCellPool(request: PoolRequest, cellCount: number, pool: PoolOptions, ctx: JobContext): Promise<Part<SweepResult | SparsifyResult>[]> {
  const workers = Math.max(1, Math.min(pool.workers, cellCount));
  const claims = newClaims(cellCount);
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (ctx.signal.cancelled) abort.abort();
  }, 50);
  let finished = 0;
  const jobs: RunningJob[] = [];
  const channels = pool.dataset && request.kind === 'sweep' ? Array.from({ length: workers }, datasetChannel) : [];
  // Whoever stops the pool first (a cancel, a worker's error, the dataset) also releases the workers still waiting for the data.
  abort.signal.addEventListener('abort', () => channels.forEach((c) => c.close()), { once: true });
  const delivered = Promise.resolve(channels.length > 0 ? pool.dataset : undefined).then(
    (split) => split && channels.forEach((c) => c.send(split)),
    (e: unknown) => {
      abort.abort();
      throw e;
    },
  );
  try {
    for (let w = 0; w < workers; w++) {
      let streamed = 0;
      const cells = { claims, worker: w };
      const channel = channels[w];
      const req =
        request.kind === 'sweep'
          ? { ...request, options: { ...request.options, cells, ...(channel ? { dataset: { port: channel.port } } : {}) } }
          : { ...request, options: { ...request.options, cells } };
      jobs.push(
        startJob(pool.launch.script, req, {
          ...(channel ? { transfer: [channel.port] } : {}),
          signal: abort.signal,
          // Not the parent's flags by default: a parent under a loader (tsx: the benches, the tests) would
          // hand its hooks to every worker, which then pushes the 11 MB bundle through them — about 2 s and
          // 100 MiB more per worker. The bundle needs no flags; the sources under tsx name their own.
          execArgv: pool.launch.execArgv ?? [],
          onProgress: (p) => ctx.progress.report({ fraction: (finished + (p.fraction ?? 0)) / cellCount, message: `${finished}/${cellCount} cells · worker ${w + 1}: ${p.message}` }),
          onRecord: (m) => {
            if (m.type === 'epoch') return;
            // A worker claims its cells in ascending order and runs each right after claiming it.
            const index = claimedBy(claims, w)[streamed++]!;
            finished++;
            pool.onRun?.(m.run, index);
          },
        }),
      );
    }
    const [, ...results] = await Promise.all([
      delivered,
      ...jobs.map((j) =>
        j.result.catch((e: unknown) => {
          abort.abort();
          throw e;
        }),
      ),
    ]);
    return results.map((r, w) => {
      if (r.kind !== 'sweep' && r.kind !== 'sparsify') throw new Error(`pool worker ${w} returned a ${r.kind} result`);
      return { source: `worker ${w + 1}`, result: r.result, indices: claimedBy(claims, w) };
    });
  } catch (e) {
    throw ctx.signal.cancelled ? new CancelledError() : e;
  } finally {
    clearInterval(poll);
    await Promise.all(jobs.map((j) => j.exited));
  }
}
