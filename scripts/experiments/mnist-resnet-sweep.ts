/**
 * RGP's claim in its own setting (docs/experiments/mnist-resnet-sweep.md): the ResNet-style example with
 * BatchNormalization (examples/mnist-resnet) trained from scratch with RGP's recipe, masked by searched
 * (low-ASPL), random and ring-lattice graphs at two ratios, n = 16, seeds 1–3, plus a dense baseline.
 *
 *   node esbuild.js
 *   npx tsx scripts/experiments/mnist-resnet-sweep.ts run [--parallel 2]   # missing cells only; resumable
 *   npx tsx scripts/experiments/mnist-resnet-sweep.ts render               # tables of the report from the data
 *
 * One cell = one `rgp sweep` process for one (seed, ratio) with the three graphs (the dense baseline rides
 * with the first ratio of each seed); its results.json is kept in docs/experiments/data/mnist-resnet-sweep/.
 */
import * as path from 'node:path';
import { ROOT, runCells, type Cell } from './runCells';
import { renderResnetReport } from './mnistResnetTables';

export const DATA_DIR = path.join(ROOT, 'docs', 'experiments', 'data', 'mnist-resnet-sweep');
export const REPORT = path.join(ROOT, 'docs', 'experiments', 'mnist-resnet-sweep.md');

export const SETTINGS = {
  model: 'examples/mnist-resnet/model/model.json',
  data: 'data/mnist',
  limit: 3000,
  groups: 16,
  ratios: [0.75, 0.625],
  graphs: ['searched', 'random', 'ring'],
  seeds: [1, 2, 3],
  epochs: 6,
  batchSize: 128,
  searchSwaps: 20000,
} as const;

export function cells(): Cell[] {
  const s = SETTINGS;
  const out: Cell[] = [];
  // The first ratio for every seed before the second: a stopped run leaves complete pairs at one ratio.
  for (const ratio of s.ratios) {
    for (const seed of s.seeds) {
      out.push({
        id: `ratio-${ratio}-seed-${seed}`,
        args: [
          'sweep', s.model, '--data', s.data, '--limit', String(s.limit), '--groups', String(s.groups),
          '--ratios', String(ratio), '--graphs', s.graphs.join(','), '--seeds', String(seed),
          ...(ratio === s.ratios[0] ? ['--dense'] : []),
          '--mode', 'scratch', '--optimizer', 'sgd', '--lr', '0.1', '--momentum', '0.9', '--weight-decay', '5e-4', '--schedule', 'cosine',
          '--epochs', String(s.epochs), '--batch-size', String(s.batchSize), '--search-swaps', String(s.searchSwaps), '--backend', 'wasm',
        ],
      });
    }
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const [what] = argv;
  if (what === 'run') {
    const i = argv.indexOf('--parallel');
    await runCells('mnist-resnet-sweep', cells(), DATA_DIR, i >= 0 ? Number(argv[i + 1]) : 2);
  } else if (what === 'render') {
    await renderResnetReport(DATA_DIR, REPORT);
  } else {
    console.error('usage: npx tsx scripts/experiments/mnist-resnet-sweep.ts run [--parallel N] | render');
    process.exitCode = 2;
  }
}

if (require.main === module) main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
