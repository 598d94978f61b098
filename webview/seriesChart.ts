/**
 * A scatter/line chart with error bars for experiment results: several series (one per graph kind or
 * sparsification method, each a CSS class that picks a --vscode-charts-* colour), optional horizontal
 * baselines (the dense model), labelled axes and a legend; each series also has its own marker shape. The x axis is linear, logarithmic (training
 * FLOPs) or "kept fraction": log(1 − x) reversed, which spaces the halvings of density that pruning ratios
 * and sparsities come in (50, 75, 87.5, 93.75 %) evenly instead of crowding them at the right edge.
 * O(points) SVG elements.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear, scaleLog } from 'd3-scale';
import { line, symbol, symbolsFill } from 'd3-shape';
import { chartSvg } from './dom';

export interface SeriesPoint {
  x: number;
  y: number;
  /** Half-height of the error bar (one standard deviation), in y units. */
  err?: number;
  title: string;
}

export interface Series {
  label: string;
  /** CSS class giving the series its colour, e.g. "c-searched". */
  cls: string;
  points: SeriesPoint[];
  /** Join the points (sorted by x) with a line. */
  connect: boolean;
}

export interface Baseline {
  label: string;
  cls: string;
  y: number;
  err?: number;
}

export type XScaleKind = 'linear' | 'log' | 'keptFraction';

export interface SeriesChartInput {
  cls: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xScale: XScaleKind;
  /** Values the x axis must cover even before any point arrives (e.g. the sweep's ratios). */
  xDomainHint?: number[];
  /** Tick positions; the scale's own ticks when absent. */
  xTicks?: number[];
  xFormat: (x: number) => string;
  /** y tick labels; accuracies as percentages with the decimals the span needs when absent. */
  yFormat?: (y: number) => string;
  series: Series[];
  baselines: Baseline[];
  /** Shift series sideways by this many px each, so error bars at the same x do not hide each other. */
  dodge?: number;
}

export interface SeriesChartResult {
  points: number;
  labels: string[];
}

export function drawSeriesChart(container: HTMLElement, input: SeriesChartInput): SeriesChartResult {
  const width = Math.max(360, Math.min(container.clientWidth || 640, 900));
  const height = 280;
  // The legend sits in the right margin: as wide as its longest label (≈ 6.3 px per character at 11 px).
  const longest = Math.max(0, ...input.series.map((x) => x.label.length), ...input.baselines.map((b) => b.label.length));
  const margin = { top: 16, right: Math.min(260, Math.max(110, 30 + 6.3 * longest)), bottom: 46, left: 84 };
  const svg = chartSvg(container, input.cls, input.title, width, height);

  const all = input.series.flatMap((s) => s.points);
  const xs = [...all.map((p) => p.x), ...(input.xDomainHint ?? [])].filter((v) => Number.isFinite(v) && (input.xScale === 'linear' || v > 0 || input.xScale === 'keptFraction'));
  const ys = [
    ...all.flatMap((p) => [p.y - (p.err ?? 0), p.y + (p.err ?? 0)]),
    ...input.baselines.flatMap((b) => [b.y - (b.err ?? 0), b.y + (b.err ?? 0)]),
  ].filter(Number.isFinite);

  const xr: [number, number] = [margin.left + 10, width - margin.right - 10];
  let xPos: (v: number) => number;
  let xAxis;
  if (input.xScale === 'linear') {
    const lo = xs.length ? Math.min(...xs) : 0;
    const hi = xs.length ? Math.max(...xs) : 1;
    const pad = hi > lo ? (hi - lo) * 0.04 : Math.max(Math.abs(lo) * 0.05, 0.05);
    const x = scaleLinear().domain([lo - pad, hi + pad]).range(xr);
    xPos = x;
    xAxis = axisBottom(x).ticks(6);
  } else if (input.xScale === 'log') {
    const pos = xs.filter((v) => v > 0);
    const lo = pos.length ? Math.min(...pos) : 1;
    const hi = pos.length ? Math.max(...pos) : 10;
    const x = scaleLog().domain(hi > lo ? [lo / 1.25, hi * 1.25] : [lo / 2, hi * 2]).range(xr);
    xPos = x;
    xAxis = axisBottom(x).tickValues(logTicks(x.domain() as [number, number]));
  } else {
    // Kept fraction 1 − x on a log scale, reversed: 50 %, 75 %, 87.5 %, 93.75 % sit one step apart.
    const kept = xs.map((v) => 1 - v).filter((v) => v > 0);
    const lo = kept.length ? Math.min(...kept) : 0.0625;
    const hi = kept.length ? Math.max(...kept) : 0.5;
    const k = scaleLog().domain(hi > lo ? [hi * 1.15, lo / 1.15] : [hi * 2, lo / 2]).range(xr);
    xPos = (v: number) => k(1 - v);
    const ticks = input.xTicks ?? xs;
    xAxis = axisBottom(scaleLinear().domain(xr).range(xr)).tickValues([...new Set(ticks)].filter((v) => v < 1).map((v) => k(1 - v)));
    const byPos = new Map([...new Set(ticks)].filter((v) => v < 1).map((v) => [k(1 - v), v]));
    xAxis.tickFormat((p) => input.xFormat(byPos.get(Number(p)) ?? NaN));
  }
  if (input.xScale !== 'keptFraction') {
    if (input.xTicks) xAxis.tickValues(input.xTicks);
    xAxis.tickFormat((v) => input.xFormat(Number(v)));
  }

  const yLo = ys.length ? Math.min(...ys) : 0;
  const yHi = ys.length ? Math.max(...ys) : 1;
  const yPad = Math.max((yHi - yLo) * 0.08, 0.005);
  // Accuracies live in [0, 1]: pad the data's range but never past those ends.
  const y0 = Math.max(0, yLo - yPad);
  const y1 = Math.min(1, yHi + yPad);
  const y = scaleLinear()
    .domain([y0, y1 > y0 ? y1 : y0 + yPad])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const [yd0, yd1] = y.domain();
  const yFormat = input.yFormat ?? accuracyFormat(yd1 - yd0);

  svg.append('g').attr('class', 'axis x').attr('transform', `translate(0,${height - margin.bottom})`).call(xAxis);
  svg.append('g').attr('class', 'axis y').attr('transform', `translate(${margin.left},0)`).call(axisLeft(y).ticks(5).tickFormat((v) => yFormat(Number(v))));
  svg.append('text').attr('class', 'axis-label').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text(input.xLabel);
  svg
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(14,${(margin.top + height - margin.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(input.yLabel);

  for (const b of input.baselines) {
    const g = svg.append('g').attr('class', `baseline ${b.cls}`);
    if (b.err) g.append('rect').attr('class', 'band').attr('x', margin.left).attr('width', width - margin.right - margin.left).attr('y', y(b.y + b.err)).attr('height', Math.max(0, y(b.y - b.err) - y(b.y + b.err)));
    g.append('line').attr('x1', margin.left).attr('x2', width - margin.right).attr('y1', y(b.y)).attr('y2', y(b.y));
    g.append('title').text(`${b.label}: ${yFormat(b.y)}`);
  }

  const plot = svg.append('g').attr('class', 'plot');
  let drawn = 0;
  input.series.forEach((s, i) => {
    const shift = input.dodge ? (i - (input.series.length - 1) / 2) * input.dodge : 0;
    const px = (p: SeriesPoint) => xPos(p.x) + shift;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(xPos(p.x)));
    const g = plot.append('g').attr('class', `series ${s.cls}`);
    if (s.connect && pts.length > 1) {
      const sorted = [...pts].sort((a, b) => xPos(a.x) - xPos(b.x));
      g.append('path').attr('class', 'series-line').attr('d', line<SeriesPoint>().x(px).y((p) => y(p.y))(sorted));
    }
    for (const p of pts) {
      if (p.err) {
        const [top, bottom] = [y(p.y + p.err), y(p.y - p.err)];
        g.append('path').attr('class', 'err').attr('d', `M${px(p) - 3},${top}H${px(p) + 3}M${px(p)},${top}V${bottom}M${px(p) - 3},${bottom}H${px(p) + 3}`);
      }
      g.append('path')
        .attr('class', 'pt')
        .attr('d', marker(i))
        .attr('transform', `translate(${px(p)},${y(p.y)})`)
        .attr('data-x', px(p))
        .attr('data-y', y(p.y))
        .append('title')
        .text(p.title);
      drawn++;
    }
  });

  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${width - margin.right + 14},${margin.top + 6})`);
  const entries = [
    ...input.series.map((s, i) => ({ label: s.label, cls: s.cls, marker: i as number | null })),
    ...input.baselines.map((b) => ({ label: b.label, cls: b.cls, marker: null })),
  ];
  entries.forEach((e, i) => {
    const item = legend.append('g').attr('class', `legend-item ${e.cls}${e.marker === null ? ' baseline' : ''}`).attr('transform', `translate(0,${i * 18})`);
    if (e.marker === null) item.append('line').attr('x1', 0).attr('x2', 14).attr('y1', 0).attr('y2', 0);
    else item.append('path').attr('class', 'pt').attr('d', marker(e.marker)).attr('transform', 'translate(7,0)');
    item.append('text').attr('x', 20).attr('y', 4).text(e.label);
  });

  return { points: drawn, labels: [input.xLabel, input.yLabel, ...entries.map((e) => e.label)] };
}

/** Series i's marker shape: colour is not the only cue (circle, cross, diamond, square, star, …). */
function marker(i: number): string {
  return symbol(symbolsFill[i % symbolsFill.length], 44)()!;
}

/** y tick labels for accuracies: as many decimals as the span needs. */
export function accuracyFormat(span: number): (y: number) => string {
  const digits = span < 0.02 ? 2 : span < 0.2 ? 1 : 0;
  return (v) => `${(v * 100).toFixed(digits)} %`;
}

/** Ticks for a log axis: powers of ten when the domain spans enough decades, else 1-3, 1-2-5 or 1…9 steps. */
export function logTicks([d0, d1]: [number, number]): number[] {
  for (const mults of [[1], [1, 3], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let p = Math.floor(Math.log10(d0)); p <= Math.ceil(Math.log10(d1)); p++) {
      for (const m of mults) {
        const v = m * 10 ** p;
        if (v >= d0 && v <= d1) out.push(v);
      }
    }
    if (out.length >= 3) return out;
  }
  return [d0, d1];
}
