/**
 * Does a lower ASPL train better? RGP masks on the MNIST MLP (docs/experiments/mnist-rgp-sweep.md): the main
 * sweep (searched vs ring at two ratios, dense baseline) and the random-graph and first-layer-dense controls,
 * one `rgp sweep` per (sweep, seed) cell, results.json kept in docs/experiments/data/mnist-rgp-sweep/.
 *
 *   node esbuild.js
 *   nice -n 10 npx tsx scripts/experiments/mnist-rgp-sweep.ts run [--parallel 2]   # missing cells only
 *   npx tsx scripts/experiments/mnist-rgp-sweep.ts render                          # the report's tables from the data
 *
 * The permuted-pixel control runs through the job API (see the report) and is not a cell here.
 */
import * as path from 'node:path';
import { ROOT, runCells, type Cell } from './runCells';
import { renderInto } from './markdownTables';
import { readSweepRuns, sweepBlocks } from './mnistResnetTables';

export const DATA_DIR = path.join(ROOT, 'docs', 'experiments', 'data', 'mnist-rgp-sweep');
export const REPORT = path.join(ROOT, 'docs', 'experiments', 'mnist-rgp-sweep.md');

/**
 * The report's blocks: every layer masked (`--mask-first`: the main sweep and the random-graph control) as
 * `mlp-masked-*`, and the hidden layer only (first layer dense) as `mlp-hidden-*` — never mixed in one row.
 */
export async function mnistRgpBlocks(dataDir: string): Promise<Record<string, string>> {
  return {
    ...sweepBlocks(await readSweepRuns(dataDir, ['main-', 'random-']), 2000, 'mlp-masked'),
    ...sweepBlocks(await readSweepRuns(dataDir, ['hidden-']), 2000, 'mlp-hidden'),
  };
}
const MODEL = 'examples/mnist-mlp/model/model.json';
const BASE = ['--data', 'data/mnist', '--ratios', '0.9375,0.875', '--epochs', '20'];

export function cells(): Cell[] {
  const out: Cell[] = [];
  for (const seed of [1, 2, 3]) {
    out.push({ id: `main-seed-${seed}`, args: ['sweep', MODEL, ...BASE, '--graphs', 'searched,ring', '--seeds', String(seed), '--dense', '--mask-first'] });
    out.push({ id: `random-seed-${seed}`, args: ['sweep', MODEL, ...BASE, '--graphs', 'random', '--seeds', String(seed), '--mask-first'] });
    out.push({ id: `hidden-seed-${seed}`, args: ['sweep', MODEL, ...BASE, '--graphs', 'searched,ring', '--seeds', String(seed)] });
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const [what] = argv;
  if (what === 'run') {
    const i = argv.indexOf('--parallel');
    await runCells('mnist-rgp-sweep', cells(), DATA_DIR, i >= 0 ? Number(argv[i + 1]) : 2);
  } else if (what === 'render') {
    await renderInto(REPORT, await mnistRgpBlocks(DATA_DIR));
  } else {
    console.error('usage: npx tsx scripts/experiments/mnist-rgp-sweep.ts run [--parallel N] | render');
    process.exitCode = 2;
  }
}

if (require.main === module) main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
