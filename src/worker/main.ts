/**
 * Worker-thread entry: runs exactly one job given in workerData and reports through the protocol.
 * Heavy work lives here, never on the extension host thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../core/errors';
import { SharedCancelSignal, type JobContext } from '../core/job';
import type { SweepRun } from '../core/train/results';
import type { SparsifyRunDetail } from '../core/sparse/summary';
import { WORKER_PROTOCOL_VERSION, type JobRequest, type JobResult, type WorkerStart, type WorkerToHost } from '../protocol/worker';
import { inspectModel } from '../jobs/inspectModel';
import { pruneModel } from '../jobs/pruneModel';
import { searchGraphStructureChains } from '../jobs/graphStructure';
import { trainModel } from '../jobs/trainModel';
import { sweep } from '../jobs/sweep';
import { sparsify } from '../jobs/sparsify';
import { graphCommand } from '../cli/graphCommand';
import { onTempChange } from '../io/tempRegistry';
import * as path from 'node:path';
import { jobWorkerLaunch } from '../node/cellPool';
import { parallelSparsify, parallelSweep } from '../node/parallelGrid';
import { compactPrunedModel } from '../jobs/compactModel';
import { benchModelToFile } from '../jobs/benchModel';
import { convertModel } from '../jobs/convertModel';
import { readPlan } from '../jobs/grid/plan';
import { cellIndex, runCell } from '../jobs/grid/runCell';
import { mergeToFolder } from '../jobs/grid/merge';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

/**
 * RGP_TEST_WORKER_FAULT, set only by tests (test/integration/suite/workerDeath.test.ts, jobRunner.test.ts):
 * this worker dies mid-job, in one of the two ways a real worker dies, so that the host's handling is
 * tested on a real death rather than a mock. At the job's first graph-search sample (mid-search):
 *   exit   the thread ends at once (process.exit in a worker thread ends that thread only), code 70;
 *   throw  a timer callback throws: an uncaught exception, the thread dies with an 'error' event.
 * Unset (always, outside tests), nothing changes.
 */
const FAULT = process.env.RGP_TEST_WORKER_FAULT;
let faulted = false;
function injectFault(): void {
  if (faulted) return;
  faulted = true;
  if (FAULT === 'exit') process.exit(70);
  if (FAULT === 'throw') {
    setTimeout(() => {
      throw new Error('RGP_TEST_WORKER_FAULT: an exception thrown from a callback in the job worker');
    }, 0);
  }
}

const post = (m: WorkerToHost) => {
  port.postMessage(m);
  if (FAULT !== undefined && m.type === 'searchSample') injectFault();
};

async function run(request: JobRequest, ctx: JobContext): Promise<JobResult> {
  switch (request.kind) {
    case 'inspect':
      return { kind: 'inspect', summary: await inspectModel(request.modelPath, ctx, { ...(request.out !== undefined ? { out: request.out } : {}), overwrite: request.overwrite === true }) };
    case 'prune':
      return {
        kind: 'prune',
        summary: await pruneModel(
          request.modelPath,
          {
            ...request.options,
            onSearchStart: (start) => post({ type: 'searchStart', start }),
            onSearchSample: (sample) => post({ type: 'searchSample', sample }),
          },
          ctx,
          { chainWorker: chainWorker() },
        ),
      };
    case 'graph':
      return {
        kind: 'graph',
        graph: await searchGraphStructureChains(
          request,
          ctx,
          {
            onSearchStart: (start) => post({ type: 'searchStart', start }),
            onSearchSample: (sample) => post({ type: 'searchSample', sample }),
          },
          chainWorker(),
        ),
      };
    case 'train':
      return { kind: 'train', summary: await trainModel(request.modelPath, { ...request.options, onEpoch: (record) => post({ type: 'epoch', record }) }, ctx) };
    case 'sweep': {
      const options = { ...request.options, onRun: (run: SweepRun) => post({ type: 'sweepRun', run }) };
      const pool = (request.workers ?? 1) > 1 ? { workers: request.workers!, launch: jobWorkerLaunch() } : null;
      return { kind: 'sweep', result: pool ? await parallelSweep(request.modelPath, options, pool, ctx) : await sweep(request.modelPath, options, ctx) };
    }
    case 'sparsify': {
      const options = { ...request.options, onRun: (run: SparsifyRunDetail) => post({ type: 'sparsifyRun', run }) };
      const pool = (request.workers ?? 1) > 1 ? { workers: request.workers!, launch: jobWorkerLaunch() } : null;
      return { kind: 'sparsify', result: pool ? await parallelSparsify(options, pool, ctx) : await sparsify(options, ctx) };
    }
    case 'graphCommand':
      return { kind: 'graphCommand', output: await graphCommand(request.options, { ctx, worker: chainWorker() }) };
    case 'compact':
      return { kind: 'compact', summary: await compactPrunedModel(request.folder, request.options, ctx) };
    case 'bench':
      return { kind: 'bench', summary: await benchModelToFile(request.modelPath, request.options, request.out, request.overwrite === true, ctx) };
    case 'convert':
      return { kind: 'convert', summary: await convertModel(request.modelPath, request.options, ctx) };
    case 'runCell': {
      const loaded = await readPlan(request.planPath);
      const index = cellIndex(request.index, request.completionIndex === undefined ? {} : { JOB_COMPLETION_INDEX: request.completionIndex }, loaded.plan.cells.length);
      const { file, cell } = await runCell(loaded, index, request.out, ctx);
      return { kind: 'runCell', cell: index, key: cell.key, file, seconds: cell.result.seconds };
    }
    case 'merge': {
      const loaded = await readPlan(request.planPath);
      const result = await mergeToFolder(loaded, request.cellsDir, request.out, { overwrite: request.overwrite === true }, ctx);
      return { kind: 'merge', runs: result.runs.length, files: result.files };
    }
  }
}

/** The search-chain worker beside this one: dist/searchChain.js, or the TypeScript source under tsx. */
function chainWorker(): { script: string; execArgv?: string[] } {
  return __filename.endsWith('.ts')
    ? { script: path.join(__dirname, 'searchChain.ts'), execArgv: ['--require', 'tsx/cjs'] }
    : { script: path.join(__dirname, 'searchChain.js') };
}

// Every temporary folder the job creates is reported, so the host can remove it if it has to stop us hard.
onTempChange((change) => post({ type: 'temp', change }));

const start = workerData as WorkerStart;
if (start?.version !== WORKER_PROTOCOL_VERSION) {
  post({ type: 'error', error: { code: 'INTERNAL', message: `worker protocol mismatch: got ${String(start?.version)}, want ${WORKER_PROTOCOL_VERSION}` } });
} else {
  const ctx: JobContext = {
    signal: new SharedCancelSignal(new Int32Array(start.cancelCell)),
    progress: { report: (u) => post({ type: 'progress', ...u }) },
  };
  run(start.request, ctx).then(
    (result) => post({ type: 'result', result }),
    (e) => post({ type: 'error', error: toErrorInfo(e) }),
  );
}
