/**
 * ASPL over the edge-swap search: the best ASPL found so far against seconds, with the Moore bound (the
 * floor no k-regular graph on n nodes can go below) as a dashed line, so the remaining gap is visible, and
 * the best-known graph's ASPL (Graph Golf) where one can be cited.
 * Redrawn whole on every sample: a few hundred points draw in well under a frame.
 */
import { chartSvg } from './dom';
import { scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { extent, max, min } from 'd3-array';
import { line } from 'd3-shape';

export interface AsplPoint {
  t: number;
  aspl: number;
}

export interface AsplChartInput {
  points: AsplPoint[];
  mooreBound?: number;
  /** The best-known graph for this (n, k) (Graph Golf), when one can be cited, as a reference line. */
  reference?: { aspl: number; label: string };
}

/** Vertical distance kept between the right-hand labels (one 11 px line and a little air). */
const LABEL_GAP_PX = 14;

export function drawAsplHistory(container: HTMLElement, input: AsplChartInput): { labels: string[]; points: number } {
  const width = Math.max(360, Math.min(container.clientWidth || 640, 900));
  const height = 240;
  const margin = { top: 14, right: 136, bottom: 44, left: 56 };
  const pts = input.points.filter((p) => Number.isFinite(p.aspl));
  const ys = [...pts.map((p) => p.aspl), ...(input.mooreBound !== undefined ? [input.mooreBound] : []), ...(input.reference ? [input.reference.aspl] : [])];
  const [t0, t1] = extent(pts, (p) => p.t) as [number | undefined, number | undefined];
  const x = scaleLinear()
    .domain([0, Math.max(t1 ?? 1, t0 ?? 0, 1e-3)])
    .range([margin.left, width - margin.right]);
  const lo = min(ys) ?? 0;
  const hi = max(ys) ?? 1;
  const pad = Math.max((hi - lo) * 0.08, 0.01);
  const y = scaleLinear()
    .domain([lo - pad, hi + pad])
    .nice()
    .range([height - margin.bottom, margin.top]);

  const svg = chartSvg(container, 'aspl', 'ASPL during the graph search', width, height);

  svg
    .append('g')
    .attr('class', 'axis x')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(axisBottom(x).ticks(6));
  svg
    .append('g')
    .attr('class', 'axis y')
    .attr('transform', `translate(${margin.left},0)`)
    .call(axisLeft(y).ticks(5));
  svg.append('text').attr('class', 'axis-label').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text('seconds');
  svg
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(14,${(margin.top + height - margin.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text('ASPL');

  const labels = ['seconds', 'ASPL'];
  const hline = (value: number, cls: string, label: string) => {
    svg.append('line').attr('class', cls).attr('x1', margin.left).attr('x2', width - margin.right).attr('y1', y(value)).attr('y2', y(value));
    svg.append('text').attr('class', `${cls}-label`).attr('x', width - margin.right + 6).attr('y', y(value) + 4).text(label);
    labels.push(label);
  };
  if (input.mooreBound !== undefined) hline(input.mooreBound, 'moore', `Moore bound ${input.mooreBound.toFixed(3)}`);
  if (input.reference) hline(input.reference.aspl, 'reference', input.reference.label);

  if (pts.length > 0) {
    // A step line: the best ASPL only changes when a swap is kept.
    const stepped: AsplPoint[] = [];
    for (const p of pts) {
      if (stepped.length) stepped.push({ t: p.t, aspl: stepped[stepped.length - 1].aspl });
      stepped.push(p);
    }
    svg
      .append('path')
      .attr('class', 'aspl-line')
      .attr('d', line<AsplPoint>().x((p) => x(p.t)).y((p) => y(p.aspl))(stepped));
    const last = pts[pts.length - 1];
    svg.append('circle').attr('class', 'aspl-dot').attr('cx', x(last.t)).attr('cy', y(last.aspl)).attr('r', 3.5);
    const atBound = input.mooreBound !== undefined && last.aspl <= input.mooreBound + 1e-9;
    const lastLabel = atBound ? `best ${last.aspl.toFixed(3)} (bound)` : `best ${last.aspl.toFixed(3)}`;
    // Never on top of the bound's label: at least a line apart (above it: the best is never below the bound).
    let labelY = y(last.aspl) + 4;
    if (input.mooreBound !== undefined) labelY = Math.min(labelY, y(input.mooreBound) + 4 - LABEL_GAP_PX);
    // Nor on the reference's (best-known) label: above it while the search is above the reference, below it
    // once the search beats it (still above the bound's), and above it when there is no room below.
    if (input.reference) {
      const refY = y(input.reference.aspl) + 4;
      if (Math.abs(labelY - refY) < LABEL_GAP_PX) {
        const below = refY + LABEL_GAP_PX;
        const roomBelow = input.mooreBound === undefined || below <= y(input.mooreBound) + 4 - LABEL_GAP_PX;
        labelY = last.aspl < input.reference.aspl && roomBelow ? below : refY - LABEL_GAP_PX;
      }
    }
    svg.append('text').attr('class', 'aspl-label').attr('x', width - margin.right + 6).attr('y', labelY).text(lastLabel);
    labels.push(lastLabel);
  }
  return { labels, points: pts.length };
}
