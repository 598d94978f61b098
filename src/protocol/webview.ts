/**
 * Messages between the extension host and the RGP webview. The webview draws only what it is sent;
 * it answers `ready` when its script has loaded and `rendered` after each view is drawn (tests and the
 * host use that to know what the user is actually looking at).
 */
import type { SearchSample } from '../core/graph';
import type { ModelSummary } from '../core/model/layerSummary';
import type { PruneSummary } from '../core/prune/report';
import type { SearchStart } from '../jobs/pruneModel';

export const WEBVIEW_PROTOCOL_VERSION = 2;

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export type HostToWebview =
  | { type: 'job'; title: string; state: JobState; message?: string }
  | { type: 'progress'; fraction?: number; message: string }
  | { type: 'modelSummary'; modelPath: string; summary: ModelSummary }
  | { type: 'searchStart'; start: SearchStart }
  | { type: 'searchSample'; sample: SearchSample }
  | { type: 'pruneResult'; summary: PruneSummary };

/** `layers`: parameters per layer; `aspl`: the search's ASPL history; `sparsity`: dense vs pruned per layer. */
export type RenderedView = 'layers' | 'aspl' | 'sparsity';

export type WebviewToHost =
  | { type: 'ready'; version: typeof WEBVIEW_PROTOCOL_VERSION }
  | { type: 'rendered'; view: RenderedView; items: number; labels: string[] }
  | { type: 'error'; message: string };

/** State the webview keeps across reloads (vscode.setState) so a restored panel redraws at once. */
export interface WebviewState {
  version: typeof WEBVIEW_PROTOCOL_VERSION;
  last?: Extract<HostToWebview, { type: 'modelSummary' }>;
  prune?: Extract<HostToWebview, { type: 'pruneResult' }>;
  job?: Extract<HostToWebview, { type: 'job' }>;
}
