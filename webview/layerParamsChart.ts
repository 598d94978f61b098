/**
 * Parameters per layer as horizontal bars (one band per layer, log-free linear scale so the share of
 * each layer in the total reads directly). Layers without weights are listed but draw no bar.
 */
import { chartSvg } from './dom';
import { scaleBand, scaleLinear } from 'd3-scale';
import { axisBottom, axisLeft } from 'd3-axis';
import { max } from 'd3-array';
import type { LayerSummary } from '../src/core/model/layerSummary';
import { compact } from './format';

export interface ChartResult {
  bars: number;
  labels: string[];
}

export function drawLayerParamsChart(container: HTMLElement, layers: LayerSummary[]): ChartResult {
  const barHeight = 22;
  const margin = { top: 12, right: 24, bottom: 44, left: 150 };
  const width = Math.max(360, Math.min(container.clientWidth || 640, 900));
  const height = margin.top + margin.bottom + barHeight * Math.max(1, layers.length);
  const innerW = width - margin.left - margin.right;

  const svg = chartSvg(container, 'params', 'Parameters per layer', width, height);

  const y = scaleBand<string>()
    .domain(layers.map((l) => l.name))
    .range([margin.top, height - margin.bottom])
    .padding(0.2);
  const x = scaleLinear()
    .domain([0, max(layers, (l) => l.params) || 1])
    .nice()
    .range([margin.left, margin.left + innerW]);

  const withWeights = layers.filter((l) => l.params > 0);
  svg
    .append('g')
    .attr('class', 'bars')
    .selectAll('rect')
    .data(withWeights)
    .join('rect')
    .attr('x', x(0))
    .attr('y', (l) => y(l.name)!)
    .attr('width', (l) => x(l.params) - x(0))
    .attr('height', y.bandwidth())
    .append('title')
    .text((l) => `${l.name}: ${l.params.toLocaleString('en-US')} parameters`);

  svg
    .append('g')
    .attr('class', 'axis x')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerW / 90))).tickFormat((d) => compact(Number(d))));
  svg
    .append('g')
    .attr('class', 'axis y')
    .attr('transform', `translate(${margin.left},0)`)
    .call(axisLeft(y).tickSizeOuter(0));
  svg
    .append('text')
    .attr('class', 'axis-label')
    .attr('x', margin.left + innerW / 2)
    .attr('y', height - 8)
    .attr('text-anchor', 'middle')
    .text('parameters');

  return { bars: withWeights.length, labels: ['parameters', ...layers.map((l) => l.name)] };
}
