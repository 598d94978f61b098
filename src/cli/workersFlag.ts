/**
 * `--workers N` of `rgp sweep` and `rgp sparsify`: how many cells run side by side in worker threads
 * (src/node/cellPool.ts). Default: every core. 1 runs the cells one after another in this process.
 */
import type { Command } from 'commander';
import { RgpError } from '../core/errors';
import { defaultWorkers } from '../node/cellPool';

export function addWorkersFlag(cmd: Command): Command {
  return cmd.option('--workers <n>', `cells run side by side in worker threads (default: the number of cores, here ${defaultWorkers()}; 1 = one after another)`);
}

export function workersOf(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > 256) throw new RgpError('BAD_ARGUMENT', `--workers must be an integer from 1 to 256, got "${value}".`, `Example: --workers ${defaultWorkers()} (the cores of this machine).`);
  return n;
}
