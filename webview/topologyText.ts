/**
 * The text alternative of the topology canvas: a table of the graph's facts (nodes, degree, edges, ASPL
 * against the Moore bound) and, built only when the reader opens it, every node's neighbour list —
 * 1,024 rows are cheap once but not worth building for a reader who never asks.
 */
import { select } from 'd3-selection';
import { mooreBound } from '../src/core/graph/mooreBound';
import { captionedTable } from './dom';
import { percent } from './format';
import { neighboursOf, type DrawableGraph } from './topologyGraph';

export function drawTopologyFacts(container: HTMLElement, g: DrawableGraph): void {
  const table = captionedTable(container, 'Graph facts', ['quantity', 'value']);
  const bound = g.k >= 1 && g.n >= 2 ? mooreBound(g.n, g.k) : null;
  const rows: [string, string][] = [
    ['nodes n', g.n.toLocaleString('en-US')],
    ['degree k', g.degreeMin === g.degreeMax ? `${g.degreeMax} at every node` : `${g.degreeMin} to ${g.degreeMax} (not regular)`],
    ['edges', (g.edges.length / 2).toLocaleString('en-US')],
    ['ASPL', Number.isFinite(g.aspl) ? g.aspl.toFixed(4) : '—'],
  ];
  if (bound && Number.isFinite(bound.aspl)) {
    rows.push(['Moore bound on the ASPL', bound.aspl.toFixed(4)]);
    if (Number.isFinite(g.aspl)) rows.push(['above the Moore bound', `${((100 * (g.aspl - bound.aspl)) / bound.aspl).toFixed(2)} %`]);
  }
  if (g.n > 0) rows.push(['weights kept between connected groups (k/n)', percent(g.k / g.n)]);
  rows.push(['graph', g.label]);
  const tr = table.append('tbody').selectAll('tr').data(rows).join('tr');
  tr.append('th').attr('scope', 'row').text((d) => d[0]);
  tr.append('td').text((d) => d[1]);
}

/** Fills `container` with one row per node the first time `details` opens. */
export function neighbourTableOnOpen(details: HTMLDetailsElement, container: HTMLElement, g: DrawableGraph): void {
  select(container).selectAll('*').remove();
  const build = () => {
    if (!details.open || container.childElementCount > 0) return;
    const table = captionedTable(container, 'Neighbours of every node', ['node', 'neighbours']);
    const tbody = table.append('tbody').node()!;
    // Plain DOM in a fragment: a d3 join over 1,024 rows costs more and adds nothing here.
    const frag = document.createDocumentFragment();
    for (let v = 0; v < g.n; v++) {
      const row = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = String(v);
      const td = document.createElement('td');
      td.textContent = neighboursOf(g, v).join(', ');
      row.append(th, td);
      frag.append(row);
    }
    tbody.append(frag);
  };
  details.ontoggle = build;
  build();
}
