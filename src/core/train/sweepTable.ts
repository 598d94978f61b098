/**
 * Sweep results as tables: one CSV row per run (RFC 4180; numbers unquoted, full precision), and the
 * per-cell summary people read — runs grouped by (ratio, graph kind), test accuracy as mean ± sample
 * standard deviation over seeds. O(runs).
 */
import type { GraphKind, SweepRun } from './results';
import { meanStd } from '../stats';

const CSV_COLUMNS = ['ratio', 'graph', 'seed', 'n', 'k', 'aspl', 'params', 'macs', 'test_accuracy', 'best_test_accuracy', 'final_loss', 'epochs', 'seconds', 'backend'] as const;

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return String(v);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function sweepCsv(runs: readonly SweepRun[]): string {
  const rows = runs.map((r) =>
    [r.ratio, r.graph, r.seed, r.n, r.k, r.aspl, r.params, r.macs, r.testAccuracy, r.bestTestAccuracy, r.finalLoss, r.curve.length, r.seconds, r.backend].map(csvField).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export interface SweepCell {
  ratio: number;
  graph: GraphKind;
  n?: number;
  k?: number;
  /** Mean ASPL over the cell's graphs (they differ per seed for searched and random graphs). */
  aspl?: number;
  params: number;
  macs: number;
  runs: number;
  accuracy: { mean: number; std: number };
  bestAccuracy: { mean: number; std: number };
  seconds: number;
}

/** Cells in first-seen order of (ratio, graph); dense first. */
export function summariseSweep(runs: readonly SweepRun[]): SweepCell[] {
  const groups = new Map<string, SweepRun[]>();
  for (const r of runs) {
    const key = `${r.graph === 'dense' ? 0 : r.ratio}|${r.graph}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const cells = [...groups.values()].map((rs): SweepCell => {
    const r0 = rs[0]!;
    const aspls = rs.map((r) => r.aspl).filter((a): a is number => a !== undefined);
    return {
      ratio: r0.ratio,
      graph: r0.graph,
      ...(r0.n !== undefined ? { n: r0.n, k: r0.k! } : {}),
      ...(aspls.length ? { aspl: aspls.reduce((a, b) => a + b, 0) / aspls.length } : {}),
      params: r0.params,
      macs: r0.macs,
      runs: rs.length,
      accuracy: meanStd(rs.map((r) => r.testAccuracy)),
      bestAccuracy: meanStd(rs.map((r) => r.bestTestAccuracy)),
      seconds: rs.reduce((a, r) => a + r.seconds, 0) / rs.length,
    };
  });
  return cells.sort((a, b) => (a.graph === 'dense' ? -1 : 0) - (b.graph === 'dense' ? -1 : 0) || a.ratio - b.ratio);
}

const pct = (m: { mean: number; std: number }) => `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std).toFixed(2)}`;

/** A fixed-width text table of the cells, for a terminal. */
export function sweepTextTable(cells: readonly SweepCell[]): string {
  const head = ['ratio', 'graph', 'n', 'k', 'ASPL', 'params', 'MACs', 'runs', 'test acc % (final)', 'best %', 's/run'];
  const rows = cells.map((c) => [
    c.graph === 'dense' ? '0' : c.ratio.toFixed(4),
    c.graph,
    c.n !== undefined ? String(c.n) : '',
    c.k !== undefined ? String(c.k) : '',
    c.aspl !== undefined ? c.aspl.toFixed(4) : '',
    c.params.toLocaleString('en-US'),
    c.macs.toLocaleString('en-US'),
    String(c.runs),
    pct(c.accuracy),
    pct(c.bestAccuracy),
    c.seconds.toFixed(1),
  ]);
  return textTable(head, rows);
}

/** Left-aligned text, right-aligned numbers, two spaces between columns. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || /^[-+0-9.,± ]+$/.test(r[i]!)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
