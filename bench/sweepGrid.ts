/**
 * The sweep that bench/sweep.ts times and bench/sweepTrace.ts time-stamps, defined once so that the trace
 * explains the bench's figures: the bundled MNIST MLP at 87.5 % and 93.75 %, searched graph vs ring
 * lattice, plus the dense baseline, per seed.
 */
import { join } from 'node:path';
import type { SweepOptions } from '../src/jobs/sweep';

const ROOT = join(__dirname, '..');
export const SWEEP_MODEL = join(ROOT, 'examples', 'mnist-mlp', 'model', 'model.json');

export function benchSweepGrid(out: string, size: { limit: number; epochs: number; seeds: number[] }): SweepOptions {
  return {
    dataset: join(ROOT, 'data', 'mnist'),
    datasetLimit: size.limit,
    epochs: size.epochs,
    searchSwaps: 5000,
    keepFirst: false,
    ratios: [0.875, 0.9375],
    graphs: ['searched', 'ring'],
    seeds: size.seeds,
    dense: true,
    out,
  };
}
