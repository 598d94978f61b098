/**
 * Tables of docs/experiments/gnn-sparsification.md from its data files (one `rgp sparsify` results.json per
 * dataset · task · model, see gnn-sparsification.ts): per method × sparsity the test accuracy (and AUC for
 * links) mean ± sample std over seeds, training FLOPs relative to the seed's dense run with training / final
 * sparsity, the test pairs with seen and unseen endpoints (links), and the headline FLOPs ratio of sparse
 * training to train-and-prune. A cell whose counted final sparsity falls short of the request by more than
 * a tenth of a point (RGP where no feasible degree reaches it) is marked †.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SparsifyMethod, SparsifyResult } from '../../src/core/sparse/results';
import { flopsRatios, summarise, type SparsifyRunDetail, type SummaryCell } from '../../src/core/sparse/summary';
import { meanStd } from '../../src/core/stats';
import { mdTable, pm, renderInto } from './markdownTables';

export const GNN_CELLS = ['collegemsg-link-mlp', 'email-eu-core-node-mlp', 'email-eu-core-node-gcn'] as const;
const METHODS: SparsifyMethod[] = ['magnitude', 'admm', 'slr', 'rigl', 'set', 'rgp'];

const pct = (s: number): string => `${+(100 * s).toFixed(3)} %`;

function grid(cells: SummaryCell[], sparsities: number[], value: (c: SummaryCell) => string): string {
  const rows: string[][] = [];
  for (const m of METHODS) {
    const mine = cells.filter((c) => c.method === m);
    if (!mine.length) continue;
    rows.push([m, ...sparsities.map((s) => {
      const c = mine.find((x) => x.sparsity === s);
      if (!c) return '–';
      const short = c.finalSparsity.mean < s - 0.001 ? ' †' : '';
      return value(c) + short;
    })]);
  }
  return mdTable(['method', ...sparsities.map(pct)], rows);
}

export function gnnBlocks(id: string, result: SparsifyResult): Record<string, string> {
  const runs = result.runs as SparsifyRunDetail[];
  const cells = summarise(runs);
  const s = result.sparsities;
  const dense = cells.find((c) => c.method === 'dense');
  const denseRuns = runs.filter((r) => r.method === 'dense');
  const blocks: Record<string, string> = {};
  const denseLine = dense
    ? `Dense: accuracy ${pm(dense.accuracy)} %${dense.auc ? `, AUC ${pm(dense.auc)} %` : ''}, validation accuracy ${pm(meanStd(denseRuns.map((r) => r.valAccuracy)))} %; training FLOPs of the dense run ${meanStd(denseRuns.map((r) => r.trainingFlops)).mean.toExponential(3)}. ${runs.length} runs, ${result.seconds.toFixed(0)} s, backend ${result.backend}.\n\n`
    : '';
  blocks[`${id}-accuracy`] = denseLine + grid(cells, s, (c) => pm(c.accuracy));
  if (result.task === 'link') blocks[`${id}-auc`] = grid(cells, s, (c) => pm(c.auc));
  blocks[`${id}-flops`] = grid(cells, s, (c) => `${c.relativeFlops ? (100 * c.relativeFlops.mean).toFixed(1) : '–'} · ${(100 * c.trainingSparsity.mean).toFixed(1)} / ${(100 * c.finalSparsity.mean).toFixed(2)}`);
  if (result.link) {
    const rows = result.link.splits.map((x) => [
      `${x.seed}`, `${x.trainWindowEdges} / ${x.valWindowEdges} / ${x.testWindowEdges}`, `${x.trainPositives} / ${x.valPositives} / ${x.testPositives}`,
      `${x.trainSeenNodes} / ${x.earlierSeenNodes}`, `${x.testSeenPairs}`, `${x.testUnseenPairs} (${x.testUnseenPositives} positive)`, `${x.selfLoopsDropped}`,
    ]);
    const split = mdTable(['seed', 'window edges train / val / test', 'positives train / val / test', 'nodes seen: train window / before test cut', 'test pairs, both ends seen', 'test pairs, an end unseen', 'self-loops'], rows, [true, true, true, true, true, true, true]);
    const groups: string[][] = [];
    for (const m of ['dense', ...METHODS] as SparsifyMethod[]) {
      for (const sp of m === 'dense' ? [0] : s) {
        const rs = runs.filter((r) => r.method === m && r.sparsity === sp && r.testByEndpoints);
        if (!rs.length) continue;
        groups.push([m, m === 'dense' ? '–' : pct(sp), pm(meanStd(rs.map((r) => r.testByEndpoints!.seen.accuracy))), pm(meanStd(rs.map((r) => r.testByEndpoints!.seen.auc ?? NaN))), pm(meanStd(rs.map((r) => r.testByEndpoints!.unseen.accuracy)))]);
      }
    }
    blocks[`${id}-endpoints`] = `Protocol: link model **${result.link.linkModel}**; test features from **${result.link.testFeatures === 'train' ? 'the training window' : 'a refit on training + validation'}**; negatives between **${result.link.negativeNodes} nodes**; self-loops ${result.link.selfLoops}.\n\n` + split + '\n' + mdTable(['method', 'sparsity', 'accuracy %, both ends seen', 'AUC %, both ends seen', 'accuracy %, an end unseen (all positives)'], groups);
  }
  return blocks;
}

export function headlineBlock(results: Array<[string, SparsifyResult]>): string {
  const rows: string[][] = [];
  for (const [id, r] of results) {
    for (const x of flopsRatios(r.runs, 0.9)) {
      if (x.trainPrune === 'magnitude' && x.sparse !== 'rigl') continue;
      rows.push([id, pct(x.sparsity), `${x.sparse} / ${x.trainPrune}`, `${x.ratio.toFixed(3)} (1/${(1 / x.ratio).toFixed(1)})`]);
    }
  }
  return mdTable(['data · task · model', 'sparsity', 'ratio', 'training FLOPs ratio (means over seeds)'], rows, [false, true, false, true]);
}

export async function readGnnResults(dataDir: string): Promise<Array<[string, SparsifyResult]>> {
  const out: Array<[string, SparsifyResult]> = [];
  for (const id of GNN_CELLS) out.push([id, JSON.parse(await readFile(path.join(dataDir, `${id}.json`), 'utf8')) as SparsifyResult]);
  return out;
}

export async function gnnReportBlocks(dataDir: string): Promise<Record<string, string>> {
  const results = await readGnnResults(dataDir);
  const blocks: Record<string, string> = { headline: headlineBlock(results) };
  for (const [id, r] of results) Object.assign(blocks, gnnBlocks(id, r));
  return blocks;
}

export async function renderGnnReport(dataDir: string, report: string): Promise<void> {
  await renderInto(report, await gnnReportBlocks(dataDir));
}
