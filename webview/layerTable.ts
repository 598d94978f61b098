import { captionedTable } from './dom';
import type { LayerSummary } from '../src/core/model/layerSummary';
import { percent } from './format';

/** The layer table: the numbers behind the chart, one row per layer. */
export function drawLayerTable(container: HTMLElement, layers: LayerSummary[]): void {
  const table = captionedTable(container, 'Layers', ['layer', 'class', 'weight shapes', 'parameters', 'zeros']);
  const rows = table.append('tbody').selectAll('tr').data(layers).join('tr');
  rows.append('th').attr('scope', 'row').text((l) => l.name);
  rows.append('td').text((l) => l.className);
  rows.append('td').attr('class', 'shapes').text((l) => l.weights.map((w) => `[${w.shape.join('×')}]`).join(' ') || '—');
  rows.append('td').attr('class', 'num').text((l) => l.params.toLocaleString('en-US'));
  rows.append('td').attr('class', 'num').text((l) => percent(l.zeroFraction));
}
