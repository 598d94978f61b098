/**
 * Train-and-prune vs sparse training vs RGP on graph models (docs/experiments/gnn-sparsification.md).
 *
 *   node esbuild.js
 *   npx tsx scripts/experiments/gnn-sparsification.ts run [--only <cell>] [--force]  # missing cells (or --force all)
 *   npx tsx scripts/experiments/gnn-sparsification.ts render                          # the report's tables from the data
 *
 * One cell = one `rgp sparsify` run over every method × sparsity × seed of one (dataset, task, model); its
 * results.json is kept in docs/experiments/data/gnn-sparsification/<cell>.json.
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { renderGnnReport } from './gnnTables';
import { ROOT, runCells, type Cell } from './runCells';

export const DATA_DIR = path.join(ROOT, 'docs', 'experiments', 'data', 'gnn-sparsification');
export const REPORT = path.join(ROOT, 'docs', 'experiments', 'gnn-sparsification.md');
const COMMON = ['--methods', 'dense,magnitude,admm,slr,rigl,set,rgp', '--sparsities', '0.5,0.75,0.875,0.9375,0.96875,0.984', '--seeds', '1,2,3'];

export const CELLS: Cell[] = [
  { id: 'collegemsg-link-mlp', args: ['sparsify', '--dataset', 'collegemsg', '--task', 'link', '--model', 'mlp', ...COMMON, '--epochs', '10'] },
  { id: 'email-eu-core-node-mlp', args: ['sparsify', '--dataset', 'email-eu-core', '--task', 'node', '--model', 'mlp', ...COMMON, '--epochs', '100'] },
  { id: 'email-eu-core-node-gcn', args: ['sparsify', '--dataset', 'email-eu-core', '--task', 'node', '--model', 'gcn', ...COMMON, '--epochs', '200'] },
];

async function main(argv: string[]): Promise<void> {
  const [what] = argv;
  if (what === 'run') {
    const i = argv.indexOf('--only');
    const cells = i >= 0 ? CELLS.filter((c) => c.id === argv[i + 1]) : CELLS;
    if (argv.includes('--force')) for (const c of cells) await rm(path.join(DATA_DIR, `${c.id}.json`), { force: true });
    await runCells('gnn-sparsification', cells, DATA_DIR, 1);
  } else if (what === 'render') {
    await renderGnnReport(DATA_DIR, REPORT);
  } else {
    console.error('usage: npx tsx scripts/experiments/gnn-sparsification.ts run [--only <cell>] [--force] | render');
    process.exitCode = 2;
  }
}

if (require.main === module) main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
