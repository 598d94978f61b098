/**
 * The GNN sparsification comparison: accuracy against model sparsity (one series per method, mean ± one
 * standard deviation over seeds, the dense model as a line) and accuracy against the training FLOPs each
 * method actually spent (log x: train-and-prune methods pay for dense training, sparse training and RGP's
 * fixed mask do not), with the table behind both. O(runs) per redraw.
 */
import type { SparsifyMethod, SparsifyRun } from '../src/core/sparse/results';
import { captionedTable } from './dom';
import { compact, percent } from './format';
import { drawSeriesChart, type Baseline, type Series } from './seriesChart';
import { meanStd } from '../src/core/stats';
import { accuracyText, groupBy } from './seriesStats';

export interface SparsifyView {
  runs: SparsifyRun[];
  sparsities: number[];
  methods: SparsifyMethod[];
  seeds: number[];
}

export interface SparsifyElements {
  sparsityChart: HTMLElement;
  flopsChart: HTMLElement;
  table: HTMLElement;
}

export const METHOD_LABELS: Record<SparsifyMethod, string> = {
  dense: 'dense',
  admm: 'ADMM (train, prune)',
  slr: 'SLR (train, prune)',
  magnitude: 'magnitude (train, prune)',
  rigl: 'RigL (sparse training)',
  set: 'SET (sparse training)',
  rgp: 'RGP (regular-graph mask)',
};

const ORDER: SparsifyMethod[] = ['rgp', 'rigl', 'set', 'slr', 'admm', 'magnitude', 'dense'];

interface Cell {
  method: SparsifyMethod;
  sparsity: number;
  runs: SparsifyRun[];
}

function cells(v: SparsifyView): Cell[] {
  const present = new Set([...v.methods, ...v.runs.map((r) => r.method)]);
  const out: Cell[] = [];
  for (const method of ORDER.filter((m) => present.has(m))) {
    for (const [sparsity, runs] of groupBy(v.runs.filter((r) => r.method === method), (r) => r.sparsity)) out.push({ method, sparsity, runs });
  }
  return out.sort((a, b) => ORDER.indexOf(a.method) - ORDER.indexOf(b.method) || a.sparsity - b.sparsity);
}

export function drawSparsify(el: SparsifyElements, v: SparsifyView): { items: number; labels: string[] } {
  const all = cells(v);
  const task = v.runs[0]?.task;
  const yLabel = task === 'link' ? 'test accuracy (link, threshold 0.5)' : 'test accuracy';
  const denseCell = all.find((c) => c.method === 'dense');
  const dense = meanStd(denseCell?.runs.map((r) => r.accuracy) ?? []);
  const baselines: Baseline[] = dense.n ? [{ label: `dense ${(dense.mean * 100).toFixed(2)} %`, cls: 'c-dense', y: dense.mean, err: dense.std }] : [];
  const methods = [...new Set(all.map((c) => c.method))];
  const sparsities = [...new Set([...v.sparsities, ...v.runs.filter((r) => r.method !== 'dense').map((r) => r.sparsity)])].filter((s) => s > 0 && s < 1).sort((a, b) => a - b);

  const point = (c: Cell, x: number) => {
    const s = meanStd(c.runs.map((r) => r.accuracy));
    return { x, y: s.mean, err: s.std, title: `${METHOD_LABELS[c.method]}, sparsity ${percent(c.sparsity)}: ${accuracyText(s)} over ${s.n} seed${s.n === 1 ? '' : 's'}` };
  };
  const sparsitySeries: Series[] = methods
    .filter((m) => m !== 'dense')
    .map((m) => ({ label: METHOD_LABELS[m], cls: `c-${m}`, connect: true, points: all.filter((c) => c.method === m).map((c) => point(c, c.sparsity)) }));
  const a = drawSeriesChart(el.sparsityChart, {
    cls: 'accuracy-sparsity',
    title: 'Test accuracy against model sparsity, per method',
    xLabel: 'model sparsity (log scale of the kept fraction)',
    yLabel,
    xScale: 'keptFraction',
    xDomainHint: sparsities,
    xTicks: sparsities,
    xFormat: percent,
    series: sparsitySeries,
    baselines,
    dodge: 6,
  });

  const flopsSeries: Series[] = methods.map((m) => ({
    label: METHOD_LABELS[m],
    cls: `c-${m}`,
    connect: true,
    points: all.filter((c) => c.method === m).map((c) => point(c, meanStd(c.runs.map((r) => r.trainingFlops)).mean)),
  }));
  const b = drawSeriesChart(el.flopsChart, {
    cls: 'accuracy-flops',
    title: 'Test accuracy against training FLOPs, per method',
    xLabel: 'training FLOPs (log scale)',
    yLabel,
    xScale: 'log',
    xFormat: compact,
    series: flopsSeries,
    baselines: [],
  });

  drawSparsifyTable(el.table, all, v, task === 'link');
  return { items: v.runs.length, labels: [...new Set([...a.labels, ...b.labels])] };
}

function drawSparsifyTable(container: HTMLElement, all: Cell[], v: SparsifyView, link: boolean): void {
  const r0 = v.runs[0];
  const caption = r0 ? `${r0.dataset}, ${r0.task} prediction, ${r0.model.toUpperCase()} (mean ± std over seeds)` : 'Sparsification runs';
  const columns = ['method', 'sparsity', 'final sparsity', 'training sparsity', 'training FLOPs', 'seeds', 'test accuracy', ...(link ? ['AUC'] : [])];
  const table = captionedTable(container, caption, columns);
  const tr = table.append('tbody').selectAll('tr').data(all).join('tr');
  const mean = (c: Cell, f: (r: SparsifyRun) => number) => meanStd(c.runs.map(f)).mean;
  tr.append('th').attr('scope', 'row').text((c) => METHOD_LABELS[c.method]);
  tr.append('td').attr('class', 'num').text((c) => percent(c.sparsity));
  tr.append('td').attr('class', 'num').text((c) => percent(mean(c, (r) => r.finalSparsity)));
  tr.append('td').attr('class', 'num').text((c) => percent(mean(c, (r) => r.trainingSparsity)));
  tr.append('td').attr('class', 'num').text((c) => compact(Math.round(mean(c, (r) => r.trainingFlops))));
  tr.append('td').attr('class', 'num').text((c) => `${c.runs.length} / ${v.seeds.length || c.runs.length}`);
  tr.append('td').attr('class', 'num').text((c) => accuracyText(meanStd(c.runs.map((r) => r.accuracy))));
  if (link) tr.append('td').attr('class', 'num').text((c) => {
    const s = meanStd(c.runs.flatMap((r) => (r.auc === undefined ? [] : [r.auc])));
    return s.n ? `${s.mean.toFixed(4)}${s.n > 1 ? ` ± ${s.std.toFixed(4)}` : ''}` : '—';
  });
}
