/**
 * Worker-thread entry for one swap-search chain (bundled as dist/searchChain.js). It receives its options
 * and a shared cancel cell through `workerData`, posts `sample` messages while it runs and one `result`
 * (or `error`) message at the end. Started by `src/node/parallelSearch.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo, type ErrorInfo } from '../core/errors';
import { SharedCancelSignal } from '../core/job';
import { searchRegularGraph, type SearchOptions, type SearchResult, type SearchSample } from '../core/graph/swapSearch';

export interface ChainRequest {
  chain: number;
  options: Omit<SearchOptions, 'onSample'>;
  /** Int32Array cell 0 becomes non-zero on cancel. */
  cancel: SharedArrayBuffer;
}

export type ChainMessage =
  | { type: 'sample'; chain: number; sample: SearchSample }
  | { type: 'result'; chain: number; result: SearchResult }
  | { type: 'error'; chain: number; error: ErrorInfo };

function run(req: ChainRequest): void {
  const port = parentPort!;
  const signal = new SharedCancelSignal(new Int32Array(req.cancel));
  try {
    const result = searchRegularGraph(
      { ...req.options, onSample: (sample) => port.postMessage({ type: 'sample', chain: req.chain, sample } satisfies ChainMessage) },
      { signal, progress: { report() {} } },
    );
    port.postMessage({ type: 'result', chain: req.chain, result } satisfies ChainMessage, [result.adjacency.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ type: 'error', chain: req.chain, error: toErrorInfo(e) } satisfies ChainMessage);
  }
}

if (parentPort && workerData && typeof workerData === 'object' && 'options' in workerData) run(workerData as ChainRequest);
