/**
 * The tables of an experiment report live between markers in its Markdown,
 *
 *   <!-- table:name -->
 *   | … generated … |
 *   <!-- /table:name -->
 *
 * so a script can re-render them from the data files kept beside the report, and a unit test can check that
 * the Markdown still says what the data says (test/unit/experimentReports.test.ts). Text outside the markers
 * is written by hand and never touched. O(report length).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { MeanStd } from '../../src/core/stats';

const BLOCK = /<!-- table:([\w.-]+) -->\n([\s\S]*?)<!-- \/table:\1 -->/g;

/** A Markdown table; `right` marks right-aligned columns. */
export function mdTable(header: string[], rows: string[][], right: boolean[] = header.map((_, i) => i > 0)): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (right[i] ? '---:' : '---'))), ...rows.map(line)].join('\n') + '\n';
}

/** "65.17 ± 0.69" in percent (or as given with scale 1), "–" when there is no value. */
export function pm(v: MeanStd | undefined, digits = 2, scale = 100): string {
  if (!v || v.n === 0 || !Number.isFinite(v.mean)) return '–';
  return `${(scale * v.mean).toFixed(digits)} ± ${(scale * v.std).toFixed(digits)}`;
}

/** The generated blocks of a report, by name. */
export function readBlocks(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markdown.matchAll(BLOCK)) out.set(m[1]!, m[2]!);
  return out;
}

/** The report with every named block replaced; a block the report lacks is an error (nothing is written). */
export function replaceBlocks(markdown: string, blocks: Record<string, string>): string {
  const present = readBlocks(markdown);
  const missing = Object.keys(blocks).filter((k) => !present.has(k));
  if (missing.length) throw new Error(`the report has no markers for ${missing.join(', ')}`);
  return markdown.replace(BLOCK, (all, name: string) => (name in blocks ? `<!-- table:${name} -->\n${blocks[name]}<!-- /table:${name} -->` : all));
}

/** Rewrites the report's blocks in place (temporary file + rename). */
export async function renderInto(report: string, blocks: Record<string, string>): Promise<void> {
  const text = replaceBlocks(await readFile(report, 'utf8'), blocks);
  await writeFile(`${report}.rgp-tmp`, text);
  await rename(`${report}.rgp-tmp`, report);
}
