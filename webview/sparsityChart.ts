/**
 * Per-layer parameters, dense against pruned: a pale bar for what the layer had and a solid one for
 * what it keeps, so masked layers stand out and layers kept dense (first, last, normalisation) read as
 * full bars. Horizontal bands, one per layer with weights.
 */
import { chartSvg } from './dom';
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { max } from 'd3-array';
import type { LayerCount } from '../src/core/prune/counting';
import { compact } from './format';

export function drawSparsityChart(container: HTMLElement, layers: LayerCount[]): { bars: number; labels: string[] } {
  const rows = layers.filter((l) => l.denseParams > 0);
  const band = 22;
  const margin = { top: 28, right: 24, bottom: 44, left: 150 };
  const width = Math.max(360, Math.min(container.clientWidth || 640, 900));
  const height = margin.top + margin.bottom + band * Math.max(1, rows.length);
  const x = scaleLinear()
    .domain([0, max(rows, (l) => l.denseParams) || 1])
    .nice()
    .range([margin.left, width - margin.right]);
  const y = scaleBand<string>()
    .domain(rows.map((l) => l.name))
    .range([margin.top, height - margin.bottom])
    .padding(0.2);

  const svg = chartSvg(container, 'sparsity', 'Parameters per layer, dense and pruned', width, height);

  const g = svg.append('g').attr('class', 'bars');
  g.selectAll('rect.dense')
    .data(rows)
    .join('rect')
    .attr('class', 'dense')
    .attr('x', x(0))
    .attr('y', (l) => y(l.name)!)
    .attr('width', (l) => x(l.denseParams) - x(0))
    .attr('height', y.bandwidth());
  g.selectAll('rect.kept')
    .data(rows)
    .join('rect')
    .attr('class', (l) => `kept ${l.role}`)
    .attr('x', x(0))
    .attr('y', (l) => y(l.name)!)
    .attr('width', (l) => x(l.prunedParams) - x(0))
    .attr('height', y.bandwidth())
    .append('title')
    .text((l) => `${l.name} (${l.role}): ${l.prunedParams.toLocaleString('en-US')} of ${l.denseParams.toLocaleString('en-US')} parameters kept`);

  svg
    .append('g')
    .attr('class', 'axis x')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor((width - margin.left - margin.right) / 90))).tickFormat((d) => compact(Number(d))));
  svg.append('g').attr('class', 'axis y').attr('transform', `translate(${margin.left},0)`).call(axisLeft(y).tickSizeOuter(0));
  svg.append('text').attr('class', 'axis-label').attr('x', (margin.left + width - margin.right) / 2).attr('y', height - 8).attr('text-anchor', 'middle').text('parameters');

  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${margin.left},10)`);
  const entries: [string, string][] = [['dense', 'dense'], ['kept masked', 'kept, masked'], ['kept first', 'kept, dense layer']];
  entries.forEach(([cls, label], i) => {
    const item = legend.append('g').attr('transform', `translate(${i * 130},0)`);
    item.append('rect').attr('class', cls).attr('width', 12).attr('height', 10).attr('y', -8);
    item.append('text').attr('x', 16).attr('y', 1).text(label);
  });
  return { bars: rows.length, labels: ['parameters', ...entries.map((e) => e[1]), ...rows.map((l) => l.name)] };
}
