/**
 * Tables of docs/experiments/mnist-resnet-sweep.md from its data files (one `rgp sweep` results.json per
 * (ratio, seed) cell, see mnist-resnet-sweep.ts): per graph kind the test accuracy mean ± sample std over the
 * seeds present, and per seed the paired differences searched − ring and searched − random (same seed ⇒ same
 * initial weights and batch order), with their mean and the binomial standard error of one run for scale.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SweepResult, SweepRun } from '../../src/core/train/results';
import { meanStd } from '../../src/core/stats';
import { mdTable, pm, renderInto } from './markdownTables';

export async function readSweepRuns(dataDir: string, prefixes?: readonly string[]): Promise<SweepRun[]> {
  const files = (await readdir(dataDir).catch(() => [] as string[])).filter((f) => f.endsWith('.json') && (!prefixes || prefixes.some((p) => f.startsWith(p)))).sort();
  const runs: SweepRun[] = [];
  for (const f of files) runs.push(...(JSON.parse(await readFile(path.join(dataDir, f), 'utf8')) as SweepResult).runs);
  return runs;
}

/** The report's blocks: `resnet-cells` and `resnet-paired`. */
export function sweepBlocks(runs: readonly SweepRun[], testCount: number, prefix: string): Record<string, string> {
  const kinds = ['dense', 'searched', 'random', 'ring'] as const;
  const ratios = [...new Set(runs.filter((r) => r.graph !== 'dense').map((r) => r.ratio))].sort((a, b) => b - a);
  const rows: string[][] = [];
  const dense = runs.filter((r) => r.graph === 'dense');
  if (dense.length) rows.push(['0', 'dense', '–', '–', dense[0]!.params.toLocaleString('en-US'), `${dense.length}`, pm(meanStd(dense.map((r) => r.testAccuracy))), pm(meanStd(dense.map((r) => r.bestTestAccuracy)))]);
  for (const ratio of ratios) {
    for (const g of kinds.slice(1)) {
      const rs = runs.filter((r) => r.graph === g && r.ratio === ratio);
      if (!rs.length) continue;
      const aspl = meanStd(rs.map((r) => r.aspl ?? NaN));
      rows.push([ratio.toString(), g, `${rs[0]!.k}`, aspl.mean.toFixed(4), rs[0]!.params.toLocaleString('en-US'), `${rs.length}`, pm(meanStd(rs.map((r) => r.testAccuracy))), pm(meanStd(rs.map((r) => r.bestTestAccuracy)))]);
    }
  }
  const cells = mdTable(['ratio', 'graph', 'k', 'ASPL (mean)', 'params', 'seeds', 'test acc % (final)', 'best epoch %'], rows, [false, false, true, true, true, true, true, true]);

  const paired: string[][] = [];
  const acc = runs.length ? runs.reduce((t, r) => t + r.testAccuracy, 0) / runs.length : 0.98;
  const se = Math.sqrt((acc * (1 - acc)) / testCount);
  for (const ratio of ratios) {
    for (const other of ['ring', 'random'] as const) {
      const diffs: number[] = [];
      const perSeed: string[] = [];
      const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
      for (const seed of seeds) {
        const a = runs.find((r) => r.graph === 'searched' && r.ratio === ratio && r.seed === seed);
        const b = runs.find((r) => r.graph === other && r.ratio === ratio && r.seed === seed);
        if (!a || !b) continue;
        const d = 100 * (a.testAccuracy - b.testAccuracy);
        diffs.push(d);
        perSeed.push(`${seed}: ${d >= 0 ? '+' : ''}${d.toFixed(2)}`);
      }
      if (!diffs.length) continue;
      const m = meanStd(diffs);
      paired.push([ratio.toString(), `searched − ${other}`, perSeed.join(', '), `${m.mean >= 0 ? '+' : ''}${m.mean.toFixed(2)}`, diffs.length > 1 ? m.std.toFixed(2) : '–']);
    }
  }
  const pairedTable = mdTable(['ratio', 'difference (points)', 'per seed', 'mean', 'std over seeds'], paired, [false, false, false, true, true])
    + `\nFor scale: one run's accuracy on ${testCount.toLocaleString('en-US')} test digits has a binomial standard error of ≈ ${(100 * se).toFixed(2)} points at the runs' mean accuracy (${(100 * acc).toFixed(1)} %), so a paired difference of two runs ≈ ${(100 * se * Math.SQRT2).toFixed(2)}.\n`;
  return { [`${prefix}-cells`]: cells, [`${prefix}-paired`]: pairedTable };
}

export async function resnetBlocks(dataDir: string): Promise<Record<string, string>> {
  return sweepBlocks(await readSweepRuns(dataDir), 2000, 'resnet');
}

export async function renderResnetReport(dataDir: string, report: string): Promise<void> {
  await renderInto(report, await resnetBlocks(dataDir));
}
