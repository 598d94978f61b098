/**
 * CSV tables of numbers with one optional label column (RFC 4180: fields separated by a delimiter,
 * records by CRLF/LF/CR, a field in double quotes may hold delimiters, line breaks and doubled quotes).
 * One pass over the text, O(characters); numbers go straight into a growing Float32Array so a
 * 10,000 × 785 file never exists as millions of small strings at once.
 *
 * Strict on purpose: a non-numeric feature cell, a row with the wrong number of fields or a stray quote
 * is an error naming its line and column, because a silently skipped or zero-filled cell would surface
 * only later as an unexplained accuracy. Blank lines are skipped. The delimiter (comma, semicolon, tab)
 * and the header row are detected unless given.
 */
import { RgpError } from '../errors';
import type { CancelSignal } from '../job';

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvOptions {
  /** Field separator; 'auto' (the default) picks the one that splits the first rows evenly. */
  delimiter?: CsvDelimiter | 'auto';
  /** Whether the first record names the columns; 'auto' (the default) decides from the cells. */
  header?: boolean | 'auto';
  /**
   * The column kept as text (class labels): a header name, or a 0-based index (negative counts from
   * the end, −1 is the last column); null for a table of features only. Default null.
   */
  labelColumn?: string | number | null;
  /** Labels error messages (a file name). */
  name?: string;
  /** Polled every few thousand records. */
  signal?: CancelSignal;
}

export interface CsvData {
  name: string;
  delimiter: CsvDelimiter;
  /** Column names from the header row, or null when the file has none. */
  header: string[] | null;
  rowCount: number;
  columnCount: number;
  /** 1-based source line on which each data row starts (quoted fields may span lines). */
  lines: Int32Array;
  /** Every column but the label column, parsed as numbers: rowCount × featureCount, row-major. */
  features: Float32Array;
  featureCount: number;
  featureNames: string[] | null;
  /** 0-based index of the label column, or null. */
  labelColumn: number | null;
  /** The label column's cells as written (quotes removed, surrounding spaces trimmed), or null. */
  labelCells: string[] | null;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const DELIMITERS: CsvDelimiter[] = [',', ';', '\t'];

function bad(message: string, hint: string): RgpError {
  return new RgpError('BAD_DATASET', message, hint);
}

/**
 * Calls `onRecord(fields, line)` for every non-blank record, in order; stops early when it returns
 * false. `line` is the 1-based line on which the record starts.
 */
export function forEachCsvRecord(
  text: string,
  delimiter: CsvDelimiter,
  onRecord: (fields: string[], line: number) => boolean | void,
  name = 'CSV data',
): void {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        quotedAny = true;
        const openLine = line;
        let value = '';
        let start = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            throw bad(
              `${name} line ${openLine}, column ${fields.length + 1}: a quoted field is never closed.`,
              'Close the field with a double quote; a quote inside a quoted field is written twice ("").',
            );
          }
          line += countLineBreaks(text, i, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(start, q + 1);
            i = start = q + 2;
            continue;
          }
          value += text.slice(start, q);
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== delim && c !== LF && c !== CR) {
          throw bad(
            `${name} line ${line}, column ${fields.length + 1}: unexpected ${describeChar(c)} after the closing quote of a field.`,
            `A quoted field ends at its closing quote; put the delimiter ${describeChar(delim)} right after it, or double a quote that belongs to the text ("").`,
          );
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delim || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw bad(
              `${name} line ${line}, column ${fields.length + 1}: a double quote inside an unquoted field.`,
              'Quote the whole field and double the quotes inside it ("5\'11""" for 5\'11"), as RFC 4180 says.',
            );
          }
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i < n && text.charCodeAt(i) === delim) {
        i++;
        continue;
      }
      break;
    }
    if (i < n) {
      if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) i += 2;
      else i++;
      line++;
    }
    const blank = !quotedAny && fields.length === 1 && fields[0]!.trim() === '';
    if (!blank && onRecord(fields, recordLine) === false) return;
  }
}

function countLineBreaks(text: string, from: number, to: number): number {
  let k = 0;
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c === LF || (c === CR && text.charCodeAt(p + 1) !== LF)) k++;
  }
  return k;
}

function describeChar(c: number): string {
  if (c === 0x09) return 'tab';
  if (c === 0x20) return 'space';
  return `"${String.fromCharCode(c)}"`;
}

/**
 * The delimiter that splits the first (up to 20) records into the same number of fields, more than
 * one, preferring the one that gives the most fields; ',' when none does.
 */
export function detectCsvDelimiter(text: string): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestFields = 1;
  for (const d of DELIMITERS) {
    let fields = -1;
    let even = true;
    let seen = 0;
    try {
      forEachCsvRecord(text, d, (f) => {
        if (fields < 0) fields = f.length;
        else if (f.length !== fields) even = false;
        return even && ++seen < 20;
      });
    } catch {
      continue;
    }
    if (even && fields > bestFields) {
      best = d;
      bestFields = fields;
    }
  }
  return best;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a CSV cell holds (surrounding spaces allowed), or NaN when it is not a plain decimal number. */
export function parseCsvNumber(cell: string): number {
  // Fast path for the common cell, a short run of digits (pixel values, counts, class indices).
  const n = cell.length;
  if (n > 0 && n < 10) {
    let v = 0;
    let k = 0;
    for (; k < n; k++) {
      const d = cell.charCodeAt(k) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (k === n) return v;
  }
  const s = cell.trim();
  return NUMBER.test(s) ? Number(s) : NaN;
}

/** Parses a CSV text into numeric features and, when asked for, one text column of labels. */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvData {
  const name = opts.name ?? 'CSV data';
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw bad(`${name} is empty.`, 'A CSV dataset needs at least one row of numbers.');
  }
  const delimiter = !opts.delimiter || opts.delimiter === 'auto' ? detectCsvDelimiter(text) : opts.delimiter;

  const firstTwo: string[][] = [];
  forEachCsvRecord(text, delimiter, (f) => firstTwo.push(f) < 2, name);
  const first = firstTwo[0]!;
  const columnCount = first.length;
  const hasHeader = opts.header === undefined || opts.header === 'auto' ? looksLikeHeader(firstTwo) : opts.header;
  const header = hasHeader ? first.map((h) => h.trim()) : null;

  const labelColumn = resolveLabelColumn(opts.labelColumn ?? null, header, columnCount, name);
  const featureCount = columnCount - (labelColumn === null ? 0 : 1);
  const featureNames = header ? header.filter((_, j) => j !== labelColumn) : null;

  let capacity = 1024;
  let features = new Float32Array(capacity * featureCount);
  let lines = new Int32Array(capacity);
  const labelCells: string[] | null = labelColumn === null ? null : [];
  let rows = 0;
  let headerLine = 0;
  let skippedHeader = !hasHeader;

  forEachCsvRecord(
    text,
    delimiter,
    (fields, line) => {
      if (!skippedHeader) {
        skippedHeader = true;
        headerLine = line;
        return;
      }
      if (fields.length !== columnCount) {
        const against = hasHeader ? `the header (line ${headerLine})` : `the first row`;
        throw bad(
          `${name} line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, but ${against} has ${columnCount}.`,
          `Every row needs the same number of fields; a field that contains the delimiter ${describeChar(delimiter.charCodeAt(0))} must be quoted.`,
        );
      }
      if (rows === capacity) {
        capacity *= 2;
        const f = new Float32Array(capacity * featureCount);
        f.set(features);
        features = f;
        const l = new Int32Array(capacity);
        l.set(lines);
        lines = l;
      }
      let o = rows * featureCount;
      for (let j = 0; j < columnCount; j++) {
        const cell = fields[j]!;
        if (j === labelColumn) {
          labelCells!.push(cell.trim());
          continue;
        }
        const v = parseCsvNumber(cell);
        if (Number.isNaN(v)) throw notANumber(name, line, j, cell, header, delimiter);
        if (!Number.isFinite(v)) {
          throw bad(`${name} line ${line}, column ${columnLabel(j, header)}: ${cell.trim()} is too large for a 32-bit float.`, 'Rescale the column.');
        }
        features[o++] = v;
      }
      lines[rows++] = line;
      if ((rows & 4095) === 0) opts.signal?.throwIfCancelled();
    },
    name,
  );
  if (rows === 0) {
    throw bad(`${name} has a header row but no data rows.`, 'Add rows of numbers below the header.');
  }
  return {
    name,
    delimiter,
    header,
    rowCount: rows,
    columnCount,
    lines: lines.slice(0, rows),
    features: features.slice(0, rows * featureCount),
    featureCount,
    featureNames,
    labelColumn,
    labelCells,
  };
}

/**
 * A header unless the first record is numbers: some column is text in the first record but a number
 * in the second (a label column of names is text in both), or, with one record only, every cell is text.
 */
function looksLikeHeader(records: string[][]): boolean {
  const [a, b] = records;
  // An empty cell is a missing value, not a column name: it never makes a row a header.
  const isText = (s: string | undefined): boolean => s !== undefined && s.trim() !== '' && Number.isNaN(parseCsvNumber(s));
  const isNumber = (s: string | undefined): boolean => s !== undefined && !Number.isNaN(parseCsvNumber(s));
  if (!b) return a!.every(isText);
  return a!.some((cell, j) => isText(cell) && isNumber(b[j]));
}

function resolveLabelColumn(label: string | number | null, header: string[] | null, columns: number, name: string): number | null {
  if (label === null) return null;
  if (typeof label === 'string') {
    if (!header) {
      throw bad(`${name} has no header row, so there is no column named "${label}".`, 'Name the label column by its 0-based index instead, or add a header row.');
    }
    const j = header.indexOf(label);
    if (j < 0) {
      throw bad(`${name} has no column named "${label}"; its columns are ${header.map((h) => `"${h}"`).join(', ')}.`, 'Use one of those names (they are case-sensitive) or a 0-based column index.');
    }
    return j;
  }
  const j = label < 0 ? columns + label : label;
  if (!Number.isInteger(label) || j < 0 || j >= columns) {
    throw bad(`${name} has ${columns} columns, so there is no label column ${label}.`, `Use a 0-based index from 0 to ${columns - 1}, or −1 for the last column.`);
  }
  return j;
}

function columnLabel(j: number, header: string[] | null): string {
  return header && header[j] ? `${j + 1} ("${header[j]}")` : `${j + 1}`;
}

function notANumber(name: string, line: number, j: number, cell: string, header: string[] | null, delimiter: CsvDelimiter): RgpError {
  const shown = cell.trim() === '' ? 'the cell is empty' : `"${cell.length > 40 ? cell.slice(0, 40) + '…' : cell}" is not a number`;
  const decimalComma = /^\s*[+-]?\d+,\d+\s*$/.test(cell);
  return bad(
    `${name} line ${line}, column ${columnLabel(j, header)}: ${shown}.`,
    decimalComma && delimiter !== ','
      ? 'Write decimals with a point (1.5, not 1,5).'
      : 'Every column except the label column must hold plain decimal numbers (missing values are not allowed); choose the label column if this is it.',
  );
}

/** How a column of label cells maps to class indices. */
export interface ClassEncoding {
  labels: Int32Array;
  /** Class names in index order when the labels were names; null when they were integers already. */
  classNames: string[] | null;
}

/** The sorted (by UTF-16 code units, so locale-independent) distinct names, or null when every cell is a number. */
export function classNamesOf(cells: readonly string[]): string[] | null {
  if (cells.every((c) => !Number.isNaN(parseCsvNumber(c)))) return null;
  return [...new Set(cells)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Label cells → class indices. Numbers must be whole and ≥ 0 and are used as they are; names map to
 * their position in `names` (default: `classNamesOf(cells)`). `where(i)` locates cell `i` in messages.
 */
export function encodeClassLabels(cells: readonly string[], where: (i: number) => string, names?: readonly string[] | null): ClassEncoding {
  const list = names === undefined ? classNamesOf(cells) : names;
  const labels = new Int32Array(cells.length);
  if (list) {
    const index = new Map(list.map((n, k) => [n, k] as const));
    for (let i = 0; i < cells.length; i++) {
      const k = index.get(cells[i]!);
      if (k === undefined) {
        const v = parseCsvNumber(cells[i]!);
        if (Number.isInteger(v) && v >= 0 && v < list.length) {
          labels[i] = v;
          continue;
        }
        throw bad(
          `${where(i)}: label "${cells[i]}" is not one of the ${list.length} classes (${preview(list)}).`,
          'Fix the label, or list every class name in the dataset spec\'s "classes".',
        );
      }
      labels[i] = k;
    }
    return { labels, classNames: [...list] };
  }
  for (let i = 0; i < cells.length; i++) {
    const v = parseCsvNumber(cells[i]!);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw bad(`${where(i)}: label ${cells[i]} is not a class index; numeric labels must be whole numbers ≥ 0.`, 'Use class indices 0, 1, 2, … or class names.');
    }
    labels[i] = v;
  }
  return { labels, classNames: null };
}

function preview(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((n) => `"${n}"`).join(', ');
  return names.length > 8 ? `${shown}, …` : shown;
}
