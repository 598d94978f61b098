/**
 * The compact ONNX section of a pruning run's view (issue 13): what the compact model gains on disk —
 * file sizes dense → masked → compact as bars, each labelled beside its bar — the weights it stores, how
 * each masked layer is realized, and, once measured, the latency of the masked model (dense ops) and of
 * the compact one with the speed-up per batch size. Labels sit beside their bars in a margin sized for
 * them, so they never cover each other; colours come from the theme (see media/rgp.css).
 */
import { select } from 'd3-selection';
import { scaleBand, scaleLinear } from 'd3-scale';
import type { BenchSummary } from '../src/jobs/benchModel';
import type { CompactSummary } from '../src/jobs/compactModel';
import { captionedTable, chartSvg } from './dom';
import { bytes, compact, percent } from './format';

/** The file-size rows drawn: the dense model only when the pruning run's report still leads to it. */
export function sizeRows(s: CompactSummary): { key: 'dense' | 'masked' | 'compact'; label: string; bytes: number }[] {
  return [
    ...(s.bytes.dense !== null ? [{ key: 'dense' as const, label: 'dense model', bytes: s.bytes.dense }] : []),
    { key: 'masked' as const, label: 'pruned (zeros stored)', bytes: s.bytes.masked },
    { key: 'compact' as const, label: 'compact ONNX', bytes: s.bytes.compact },
  ];
}

/** Stat tiles, the file-size chart and the per-layer table; returns what a test or the host can check. */
export function drawCompact(parts: { stats: HTMLElement; chart: HTMLElement; layers: HTMLElement }, s: CompactSummary): { items: number; labels: string[] } {
  const reference = s.bytes.dense ?? s.bytes.masked;
  const sizes = sizeRows(s)
    .map((r) => bytes(r.bytes))
    .join(' → ');
  const tiles: [string, string][] = [
    [sizes, `file size, ${s.bytes.dense !== null ? 'dense → pruned → compact' : 'pruned → compact'}`],
    [percent(s.bytes.compact / reference), `of the ${s.bytes.dense !== null ? 'dense' : 'pruned'} file`],
    [compact(s.parameters.stored), `weights stored, of ${compact(s.parameters.masked)} in the pruned file${s.parameters.paddingWeights ? ` (${compact(s.parameters.paddingWeights)} of them padding zeros)` : ''}`],
    [s.tuning?.denseNote ? 'dense speed' : s.execution === 'per-image' ? 'per image' : 'batched', executionLabel(s)],
  ];
  const root = select(parts.stats);
  root.selectAll('*').remove();
  const tile = root.selectAll('div.stat').data(tiles).join('div').attr('class', 'stat');
  tile.append('span').attr('class', 'value').text((d) => d[0]);
  tile.append('span').attr('class', 'label').text((d) => d[1]);

  const labels = drawSizeChart(parts.chart, s);

  const table = captionedTable(parts.layers, 'Masked layers in the compact model', ['layer', 'op', 'realization', 'n', 'groups read', 'weights kept', 'stored', 'padding']);
  const rows = table.append('tbody').selectAll('tr').data(s.layers).join('tr');
  rows.append('th').attr('scope', 'row').text((l) => l.layer);
  rows.append('td').text((l) => l.op);
  rows
    .append('td')
    .attr('title', (l) => {
      // The one form whose name does not say what runs: the file is compact, the runtime is dense.
      const note = l.form === 'expand-dense' ? 'kept weights stored; rebuilt into the dense kernel when the model loads, then run as the dense layer. ' : '';
      if (!l.timing) return `${note}not timed`;
      const dense = l.timing.denseMs === null ? 'dense not timed (large layer)' : `dense ${l.timing.denseMs.toFixed(3)} ms`;
      return `${note}timed at input ${l.timing.inputShape.join('×')}: ${l.form} ${(l.timing.formsMs[l.form] ?? NaN).toFixed(3)} ms, ${dense}`;
    })
    .text((l) => l.form);
  rows.append('td').attr('class', 'num').text((l) => String(l.n));
  rows.append('td').attr('class', 'num').text((l) => String(l.K));
  rows.append('td').attr('class', 'num').text((l) => l.keptWeights.toLocaleString('en-US'));
  rows.append('td').attr('class', 'num').text((l) => l.storedWeights.toLocaleString('en-US'));
  rows.append('td').attr('class', 'num').text((l) => l.paddingWeights.toLocaleString('en-US'));
  return { items: sizeRows(s).length, labels };
}

/** How the compact model runs the batch, and the measurement that chose it. */
function executionLabel(s: CompactSummary): string {
  const t = s.tuning;
  if (!t) return 'execution (not timed)';
  if (t.denseNote) return `execution: ${t.denseNote}`;
  // Reports written before per-image execution existed carry neither field (nor `dense`, before it was timed).
  const w = t.wholeModelMs;
  if (!w || w.batched === null || w.perImage === null) return `execution${t.perImageNote ? ` (${t.perImageNote})` : ''}`;
  const dense = typeof w.dense === 'number' ? `, every layer at dense speed ${w.dense.toFixed(1)} ms` : '';
  return `execution, the faster at batch ${t.batch}: ${w.perImage.toFixed(1)} ms per image vs ${w.batched.toFixed(1)} ms batched${dense}`;
}

/** One horizontal bar per file; its size and share of the reference file printed beside the bar. */
function drawSizeChart(container: HTMLElement, s: CompactSummary): string[] {
  const rows = sizeRows(s);
  const reference = s.bytes.dense ?? s.bytes.masked;
  const band = 26;
  const margin = { top: 8, right: 170, bottom: 8, left: 160 };
  const width = Math.max(420, Math.min(container.clientWidth || 640, 900));
  const height = margin.top + margin.bottom + band * rows.length;
  const x = scaleLinear()
    .domain([0, Math.max(...rows.map((r) => r.bytes), 1)])
    .range([margin.left, width - margin.right]);
  const y = scaleBand<string>()
    .domain(rows.map((r) => r.key))
    .range([margin.top, height - margin.bottom])
    .padding(0.25);
  const svg = chartSvg(container, 'compact-sizes', `File sizes: ${rows.map((r) => `${r.label} ${bytes(r.bytes)}`).join(', ')}`, width, height);
  const g = svg.append('g').attr('class', 'bars');
  // The dense file is drawn as the sparsity chart draws dense layers (pale, outlined); the others solid.
  g.selectAll('rect')
    .data(rows)
    .join('rect')
    .attr('class', (r) => (r.key === 'dense' ? 'dense' : `size ${r.key}`))
    .attr('x', x(0))
    .attr('y', (r) => y(r.key)!)
    .attr('width', (r) => Math.max(1, x(r.bytes) - x(0)))
    .attr('height', y.bandwidth())
    .append('title')
    .text((r) => `${r.label}: ${r.bytes.toLocaleString('en-US')} bytes`);
  const texts = svg.append('g').attr('class', 'size-labels');
  texts
    .selectAll('text.row-label')
    .data(rows)
    .join('text')
    .attr('class', 'row-label')
    .attr('x', margin.left - 8)
    .attr('y', (r) => y(r.key)! + y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .text((r) => r.label);
  const valueText = (r: (typeof rows)[number]) => (r.bytes === reference ? bytes(r.bytes) : `${bytes(r.bytes)} · ${percent(r.bytes / reference)}`);
  texts
    .selectAll('text.value-label')
    .data(rows)
    .join('text')
    .attr('class', 'value-label')
    .attr('x', (r) => Math.max(x(r.bytes), x(0) + 1) + 6)
    .attr('y', (r) => y(r.key)! + y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .text(valueText);
  return [...rows.map((r) => r.label), ...rows.map(valueText)];
}

/** Latency per batch size and thread count: the pruned model (dense ops), the compact one, the speed-up. */
export function drawBench(parts: { summary: HTMLElement; table: HTMLElement }, b: BenchSummary): { items: number; labels: string[] } {
  const ms = (v: number | null) => (v === null ? '—' : v < 10 ? v.toFixed(3) : v.toFixed(1));
  const best = b.runs.filter((r) => r.speedup !== null).sort((p, q) => q.batch - p.batch)[0];
  parts.summary.textContent =
    `Measured on this machine with onnxruntime ${b.machine.onnxruntime}: ${b.warmup} warm-up and ${b.repeats} timed runs each, interleaved, median` +
    ` (load ${b.machine.loadavg.map((l) => l.toFixed(1)).join(' / ')} on ${b.machine.cpus} cores)` +
    (best ? `. At batch ${best.batch} the compact model runs ${best.speedup! >= 1 ? `${best.speedup!.toFixed(2)}× as fast` : `at ${best.speedup!.toFixed(2)}× the speed`}.` : '.');
  const table = captionedTable(parts.table, 'Latency, pruned model (dense ops) vs compact ONNX', ['batch', 'threads', 'pruned, ms', 'compact, ms', 'speed-up']);
  const rows = table.append('tbody').selectAll('tr').data(b.runs).join('tr');
  rows.append('th').attr('scope', 'row').text((r) => String(r.batch));
  rows.append('td').attr('class', 'num').text((r) => String(r.threads));
  rows.append('td').attr('class', 'num').text((r) => ms(r.denseMs));
  rows.append('td').attr('class', 'num').text((r) => ms(r.compactMs));
  rows.append('td').attr('class', 'num speedup').text((r) => (r.speedup === null ? '—' : `×${r.speedup.toFixed(2)}`));
  return { items: b.runs.length, labels: b.runs.map((r) => `batch ${r.batch}`) };
}
