/** The two containers every view starts from: an accessible, scalable SVG and a captioned table. */
import { select, type Selection } from 'd3-selection';

/** Clears `container` and adds an SVG of the given size that scales down with the panel. */
export function chartSvg(container: HTMLElement, cls: string, label: string, width: number, height: number): Selection<SVGSVGElement, unknown, null, undefined> {
  const root = select(container);
  root.selectAll('*').remove();
  return root
    .append('svg')
    .attr('class', `chart ${cls}`)
    .attr('role', 'img')
    .attr('aria-label', label)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('width', width)
    .attr('height', height);
}

/** Clears `container` and adds a table with a caption and column headers; returns the table. */
export function captionedTable(container: HTMLElement, caption: string, columns: string[]): Selection<HTMLTableElement, unknown, null, undefined> {
  const root = select(container);
  root.selectAll('*').remove();
  const table = root.append('table').attr('class', 'layers');
  table.append('caption').text(caption);
  table
    .append('thead')
    .append('tr')
    .selectAll('th')
    .data(columns)
    .join('th')
    .attr('scope', 'col')
    .text((d) => d);
  return table;
}
