/**
 * How many cells of an experiment run side by side (setting `rgp.workers`; 0 = one per core). The default
 * is 1 in VS Code: the pool's cancel and streaming inside the extension's worker are not yet covered by the
 * real-VS-Code suite (a pooled experiment there did not stream its runs in time), so it is opt-in. The job
 * worker runs them on that many nested worker threads (src/node/cellPool.ts); results do not depend on it.
 */
import * as vscode from 'vscode';
import { defaultWorkers } from '../node/cellPool';

export function poolSize(): number {
  const n = vscode.workspace.getConfiguration('rgp').get<number>('workers', 1);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 256) : defaultWorkers();
}
