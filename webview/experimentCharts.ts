/**
 * The ratio-sweep experiment (RGP's Fig. "accuracy vs pruning ratio" and "accuracy vs ASPL"): test
 * accuracy against the pruning ratio, one series per graph kind with mean ± one standard deviation over
 * seeds and the dense model as a horizontal line; and every run's accuracy against its graph's ASPL.
 * Each chart has the table behind it. Drawn from whatever runs have arrived, so a live sweep fills in.
 * O(runs) per redraw.
 */
import type { GraphKind, SweepRun } from '../src/core/train/results';
import { captionedTable } from './dom';
import { compact, percent } from './format';
import { drawSeriesChart, type Baseline, type Series } from './seriesChart';
import { meanStd } from '../src/core/stats';
import { accuracyText, groupBy } from './seriesStats';

export interface SweepView {
  ratios: number[];
  graphs: GraphKind[];
  seeds: number[];
  runs: SweepRun[];
}

export interface ExperimentElements {
  ratioChart: HTMLElement;
  ratioTable: HTMLElement;
  asplChart: HTMLElement;
  asplTable: HTMLElement;
}

export const GRAPH_LABELS: Record<GraphKind, string> = {
  searched: 'searched (low ASPL)',
  random: 'random regular',
  ring: 'ring lattice',
  dense: 'dense',
};

const ORDER: GraphKind[] = ['searched', 'random', 'ring', 'dense'];

function kinds(v: SweepView): GraphKind[] {
  const present = new Set<GraphKind>([...v.graphs, ...v.runs.map((r) => r.graph)]);
  return ORDER.filter((g) => present.has(g));
}

export function drawExperiment(el: ExperimentElements, v: SweepView): { items: number; labels: string[] } {
  const masked = kinds(v).filter((g) => g !== 'dense');
  const denseRuns = v.runs.filter((r) => r.graph === 'dense');
  const dense = meanStd(denseRuns.map((r) => r.testAccuracy));
  const baselines: Baseline[] = dense.n ? [{ label: `dense ${(dense.mean * 100).toFixed(2)} %`, cls: 'c-dense', y: dense.mean, err: dense.std }] : [];
  const ratios = [...new Set([...v.ratios, ...v.runs.filter((r) => r.graph !== 'dense').map((r) => r.ratio)])].filter((r) => r > 0 && r < 1).sort((a, b) => a - b);

  const bySeries: Series[] = masked.map((g) => {
    const cells = groupBy(v.runs.filter((r) => r.graph === g), (r) => r.ratio);
    return {
      label: GRAPH_LABELS[g],
      cls: `c-${g}`,
      connect: true,
      points: [...cells].map(([ratio, runs]) => {
        const s = meanStd(runs.map((r) => r.testAccuracy));
        return { x: ratio, y: s.mean, err: s.std, title: `${GRAPH_LABELS[g]}, ratio ${percent(ratio)}: ${accuracyText(s)} over ${s.n} seed${s.n === 1 ? '' : 's'}` };
      }),
    };
  });
  const a = drawSeriesChart(el.ratioChart, {
    cls: 'accuracy-ratio',
    title: 'Test accuracy against the pruning ratio, per graph kind',
    xLabel: 'pruning ratio (log scale of the kept fraction k/n)',
    yLabel: 'test accuracy',
    xScale: 'keptFraction',
    xDomainHint: ratios,
    xTicks: ratios,
    xFormat: percent,
    series: bySeries,
    baselines,
    dodge: 7,
  });

  const asplSeries: Series[] = masked.map((g) => ({
    label: GRAPH_LABELS[g],
    cls: `c-${g}`,
    connect: false,
    points: v.runs
      .filter((r) => r.graph === g && r.aspl !== undefined)
      .map((r) => ({ x: r.aspl!, y: r.testAccuracy, title: `${GRAPH_LABELS[g]}, ratio ${percent(r.ratio)}, seed ${r.seed}: ASPL ${r.aspl!.toFixed(3)}, ${(r.testAccuracy * 100).toFixed(2)} %` })),
  }));
  const b = drawSeriesChart(el.asplChart, {
    cls: 'accuracy-aspl',
    title: 'Test accuracy against the ASPL of the mask graph, every run',
    xLabel: 'ASPL of the graph',
    yLabel: 'test accuracy',
    xScale: 'linear',
    xFormat: (x) => x.toFixed(2),
    series: asplSeries,
    baselines,
  });

  drawRatioTable(el.ratioTable, v, ratios);
  drawRunTable(el.asplTable, v.runs.filter((r) => r.graph !== 'dense'));
  return { items: v.runs.length, labels: [...new Set([...a.labels, ...b.labels])] };
}

function drawRatioTable(container: HTMLElement, v: SweepView, ratios: number[]): void {
  const table = captionedTable(container, 'Accuracy per pruning ratio and graph kind (mean ± std over seeds)', ['graph', 'pruning ratio', 'k / n', 'ASPL', 'seeds', 'test accuracy', 'best epoch accuracy', 'parameters']);
  const rows: Array<{ g: GraphKind; ratio: number; runs: SweepRun[] }> = [];
  for (const g of kinds(v)) {
    const own = v.runs.filter((r) => r.graph === g);
    if (g === 'dense') rows.push({ g, ratio: 0, runs: own });
    else for (const ratio of ratios) rows.push({ g, ratio, runs: own.filter((r) => r.ratio === ratio) });
  }
  const tr = table.append('tbody').selectAll('tr').data(rows).join('tr');
  tr.append('th').attr('scope', 'row').text((d) => GRAPH_LABELS[d.g]);
  tr.append('td').attr('class', 'num').text((d) => percent(d.ratio));
  tr.append('td').attr('class', 'num').text((d) => (d.runs[0]?.k !== undefined ? `${d.runs[0].k} / ${d.runs[0].n}` : '—'));
  tr.append('td').attr('class', 'num').text((d) => {
    const s = meanStd(d.runs.flatMap((r) => (r.aspl === undefined ? [] : [r.aspl])));
    return s.n ? s.mean.toFixed(3) : '—';
  });
  tr.append('td').attr('class', 'num').text((d) => `${d.runs.length} / ${v.seeds.length || d.runs.length}`);
  tr.append('td').attr('class', 'num').text((d) => accuracyText(meanStd(d.runs.map((r) => r.testAccuracy))));
  tr.append('td').attr('class', 'num').text((d) => accuracyText(meanStd(d.runs.map((r) => r.bestTestAccuracy))));
  tr.append('td').attr('class', 'num').text((d) => (d.runs.length ? compact(d.runs[0].params) : '—'));
}

function drawRunTable(container: HTMLElement, runs: SweepRun[]): void {
  const table = captionedTable(container, 'Every masked run', ['graph', 'pruning ratio', 'seed', 'ASPL', 'test accuracy', 'final loss', 'seconds']);
  const sorted = [...runs].sort((a, b) => ORDER.indexOf(a.graph) - ORDER.indexOf(b.graph) || a.ratio - b.ratio || a.seed - b.seed);
  const tr = table.append('tbody').selectAll('tr').data(sorted).join('tr');
  tr.append('th').attr('scope', 'row').text((r) => GRAPH_LABELS[r.graph]);
  tr.append('td').attr('class', 'num').text((r) => percent(r.ratio));
  tr.append('td').attr('class', 'num').text((r) => String(r.seed));
  tr.append('td').attr('class', 'num').text((r) => (r.aspl === undefined ? '—' : r.aspl.toFixed(3)));
  tr.append('td').attr('class', 'num').text((r) => `${(r.testAccuracy * 100).toFixed(2)} %`);
  tr.append('td').attr('class', 'num').text((r) => r.finalLoss.toFixed(4));
  tr.append('td').attr('class', 'num').text((r) => r.seconds.toFixed(1));
}
