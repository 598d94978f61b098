/**
 * How many cells of an experiment run side by side (setting `rgp.workers`; 0, the default = one per core, as
 * the CLI's `--workers`). The job worker runs them on that many nested worker threads (src/node/cellPool.ts);
 * results do not depend on it.
 */
import * as vscode from 'vscode';
import { defaultWorkers } from '../node/cellPool';

export function poolSize(): number {
  const n = vscode.workspace.getConfiguration('rgp').get<number>('workers', 0);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 256) : defaultWorkers();
}
