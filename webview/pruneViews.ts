import { select } from 'd3-selection';
import { captionedTable } from './dom';
import type { PruneSummary } from '../src/core/prune/report';
import { compact, percent } from './format';

/** The headline numbers of a pruning run, as stat tiles. */
export function drawPruneStats(container: HTMLElement, s: PruneSummary): void {
  const g = s.graph;
  // What the user gets first (the whole model), then what RGP did inside the masked layers.
  const tiles: [string, string][] = [
    [`${compact(s.totals.denseParams)} → ${compact(s.totals.prunedParams)}`, `parameters, whole model (−${percent(s.ratio.params)})`],
    [`${compact(s.totals.denseMacs)} → ${compact(s.totals.prunedMacs)}`, `MACs per example, whole model (−${percent(s.ratio.macs)})`],
    [percent(s.ratio.achieved), `pruned in masked layers (asked ${percent(s.ratio.requested)})`],
    [`k = ${g.k} of n = ${g.n}`, g.selfLoops ? 'degree, with self-loops' : 'graph degree'],
    [g.aspl.toFixed(4), `ASPL (start ${g.initialAspl.toFixed(3)}, diameter ${g.diameter})`],
    [`${g.gapPct.toFixed(2)} %`, `above the Moore bound ${g.mooreBound.toFixed(4)}`],
  ];
  const root = select(container);
  root.selectAll('*').remove();
  const tile = root.selectAll('div.stat').data(tiles).join('div').attr('class', 'stat');
  tile.append('span').attr('class', 'value').text((d) => d[0]);
  tile.append('span').attr('class', 'label').text((d) => d[1]);
}

/** The numbers behind the sparsity chart: one row per layer, dense vs pruned params and MACs. */
export function drawPruneTable(container: HTMLElement, s: PruneSummary): void {
  const table = captionedTable(container, 'Per layer', ['layer', 'class', 'role', 'params dense', 'params pruned', 'MACs dense', 'MACs pruned', 'density']);
  const rows = table.append('tbody').selectAll('tr').data(s.layers).join('tr');
  const n = (v: number | null) => (v === null ? '?' : v.toLocaleString('en-US'));
  rows.append('th').attr('scope', 'row').text((l) => l.name);
  rows.append('td').text((l) => l.className);
  rows.append('td').attr('title', (l) => l.reason ?? '').text((l) => l.role);
  rows.append('td').attr('class', 'num').text((l) => n(l.denseParams));
  rows.append('td').attr('class', 'num').text((l) => n(l.prunedParams));
  rows.append('td').attr('class', 'num').text((l) => n(l.denseMacs));
  rows.append('td').attr('class', 'num').text((l) => n(l.prunedMacs));
  rows.append('td').attr('class', 'num').text((l) => (l.density === undefined ? '—' : percent(l.density)));
  const foot = table.append('tfoot').append('tr');
  foot.append('th').attr('scope', 'row').attr('colspan', 3).text('total');
  for (const v of [s.totals.denseParams, s.totals.prunedParams, s.totals.denseMacs, s.totals.prunedMacs]) foot.append('td').attr('class', 'num').text(n(v));
  foot.append('td');
}
