/**
 * The dataset spec: a small JSON file that says which files hold a classification dataset and how to
 * read them — so a user can point the trainer at their own data without writing code.
 *
 *   {
 *     "format": "rgp-dataset", "version": 1,
 *     "name": "MNIST t10k",
 *     "train": { "features": "t10k-images-idx3-ubyte.gz", "labels": "t10k-labels-idx1-ubyte.gz" },
 *     "shape": [784],
 *     "normalize": { "scale": "1/255" },
 *     "split": { "rule": "first-last", "train": 8000 }
 *   }
 *
 * A source ("train", "test") is a features file and a labels file (each a path, its kind — idx, csv,
 * npy — taken from the name, or { "path", "kind" }), or one CSV file with a label column
 * ({ "csv": "iris.csv", "label": "species" }, or just "iris.csv": the last column is the label).
 * Paths are relative to the spec's folder. Without a test source, "split" says how to divide train
 * (default: stratified, 20 % test, seed 1). "normalize": "none", or { scale, offset, mean, std }
 * computing ((x·scale + offset) − mean[c]) / std[c] per channel c (the last axis of "shape"); when
 * absent, uint8 data is scaled by 1/255 and everything else is left as it is.
 *
 * Validation is strict and pure (no file access): every unknown key, wrong type or impossible value is
 * an error naming its JSON path; keys starting with "$" ("$comment", "$schema") are ignored.
 */
import { RgpError } from '../errors';
import type { CsvDelimiter } from './csv';

export const DATASET_SPEC_FORMAT = 'rgp-dataset';
export const DATASET_SPEC_VERSION = 1;

export type DatasetFileKind = 'idx' | 'csv' | 'npy';

export interface DatasetFileRef {
  /** As written in the spec (relative to the spec's folder unless absolute). */
  path: string;
  kind: DatasetFileKind;
}

export interface CsvSettings {
  header: boolean | 'auto';
  delimiter: CsvDelimiter | 'auto';
}

export type DatasetSource =
  | { layout: 'pair'; features: DatasetFileRef; labels: DatasetFileRef; csv: CsvSettings }
  | { layout: 'table'; table: DatasetFileRef; label: string | number; csv: CsvSettings };

export type Normalization =
  | { kind: 'default' }
  | { kind: 'none' }
  | { kind: 'affine'; scale: number; offset: number; mean: number[] | null; std: number[] | null };

/** `test` is a fraction when below 1, a count otherwise. */
export type SplitRule =
  | { rule: 'first-last'; train: number }
  | { rule: 'stratified'; test: number; seed: number }
  | { rule: 'random'; test: number; seed: number };

export interface DatasetSpec {
  name: string | null;
  train: DatasetSource;
  test: DatasetSource | null;
  /** Shape of one example; null keeps the files' own item shape. */
  shape: number[] | null;
  normalize: Normalization;
  classes: { count: number | null; names: string[] | null };
  /** Null when there is a test source (and then no split is allowed). */
  split: SplitRule | null;
  limit: number | null;
}

/** The split used when a spec has neither a test source nor a split rule. */
export const DEFAULT_SPLIT: SplitRule = { rule: 'stratified', test: 0.2, seed: 1 };

type Json = unknown;
type Obj = Record<string, Json>;

class Checker {
  constructor(private readonly where: string) {}

  fail(path: string, message: string, hint = 'See the dataset spec format in src/core/data/datasetSpec.ts or examples/mnist-mlp/mnist.dataset.json.'): never {
    throw new RgpError('BAD_DATASET', `${this.where}: ${path ? `"${path}" ` : ''}${message}`, hint);
  }

  object(v: Json, path: string, allowed: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `must be an object, got ${describe(v)}.`);
    for (const key of Object.keys(v)) {
      if (key.startsWith('$') || allowed.includes(key)) continue;
      const near = closest(key, allowed);
      this.fail(join(path, key), `is not a known key${near ? `; did you mean "${near}"?` : '.'}`, `The keys allowed here are ${allowed.map((k) => `"${k}"`).join(', ')}.`);
    }
    return v as Obj;
  }

  string(v: Json, path: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, `must be a non-empty string, got ${describe(v)}.`);
    return v;
  }

  integer(v: Json, path: string, min: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(path, `must be a whole number ≥ ${min}, got ${describe(v)}.`);
    return v;
  }

  /** A finite number, or a string fraction such as "1/255" (JSON has no expressions). */
  number(v: Json, path: string): number {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string') {
      const m = /^\s*([+-]?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(v);
      if (m && Number(m[2]) !== 0) return Number(m[1]) / Number(m[2]);
    }
    this.fail(path, `must be a number (or a fraction written as a string, like "1/255"), got ${describe(v)}.`);
  }

  numbers(v: Json, path: string): number[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(path, `must be a non-empty array of numbers, got ${describe(v)}.`);
    return v.map((x, i) => this.number(x, `${path}[${i}]`));
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(v: Json): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The allowed key within edit distance 2 of `key` (case-insensitive), if any. */
function closest(key: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const a of allowed) {
    const d = editDistance(key.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const TOP_KEYS = ['format', 'version', 'name', 'train', 'test', 'shape', 'normalize', 'classes', 'split', 'limit'] as const;
const PAIR_KEYS = ['features', 'labels', 'header', 'delimiter'] as const;
const TABLE_KEYS = ['csv', 'label', 'header', 'delimiter'] as const;
const DELIMITER_NAMES: Record<string, CsvDelimiter | 'auto'> = { ',': ',', ';': ';', '\t': '\t', tab: '\t', comma: ',', semicolon: ';', auto: 'auto' };

/** The file kind a name implies (a trailing .gz is looked through), or null. */
export function kindFromFileName(path: string): DatasetFileKind | null {
  const base = path.replace(/\\/g, '/').split('/').pop()!.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv)$/.test(base)) return 'csv';
  if (base.endsWith('.npy')) return 'npy';
  if (/\.idx\d?$/.test(base) || /idx\d[-_.]ubyte$/.test(base) || /[-_.]idx\d$/.test(base)) return 'idx';
  return null;
}

/** Validates a parsed JSON dataset spec. `where` names it in messages (its file path). */
export function parseDatasetSpec(json: unknown, where: string): DatasetSpec {
  const c: Checker = new Checker(where);
  const top = c.object(json, '', TOP_KEYS);
  if (top['format'] !== DATASET_SPEC_FORMAT) {
    c.fail('format', `must be "${DATASET_SPEC_FORMAT}", got ${describe(top['format'])}.`, `Start the file with { "format": "${DATASET_SPEC_FORMAT}", "version": ${DATASET_SPEC_VERSION}, … }.`);
  }
  if (top['version'] !== DATASET_SPEC_VERSION) {
    c.fail('version', `must be ${DATASET_SPEC_VERSION}, got ${describe(top['version'])}.`, `This version of RGP reads dataset specs of version ${DATASET_SPEC_VERSION}.`);
  }
  const name = top['name'] === undefined ? null : c.string(top['name'], 'name');
  if (top['train'] === undefined) c.fail('train', 'is missing: a spec names at least its training files.');
  const train = parseSource(c, top['train'], 'train');
  const test = top['test'] === undefined ? null : parseSource(c, top['test'], 'test');

  let shape: number[] | null = null;
  if (top['shape'] !== undefined) {
    const s = top['shape'];
    if (!Array.isArray(s) || s.length === 0) c.fail('shape', `must be a non-empty array of sizes such as [28, 28, 1], got ${describe(s)}.`);
    shape = s.map((d, i) => c.integer(d, `shape[${i}]`, 1));
  }

  const normalize = parseNormalization(c, top['normalize']);
  const classes = parseClasses(c, top['classes']);

  let split: SplitRule | null = null;
  if (top['split'] !== undefined) {
    if (test) c.fail('split', 'cannot be used together with "test": the test files already are the test set.', 'Remove "split", or remove "test" to split the training files.');
    split = parseSplit(c, top['split']);
  } else if (!test) {
    split = DEFAULT_SPLIT;
  }

  const limit = top['limit'] === undefined ? null : c.integer(top['limit'], 'limit', 1);
  return { name, train, test, shape, normalize, classes, split, limit };
}

function parseSource(c: Checker, v: Json, path: string): DatasetSource {
  if (typeof v === 'string') {
    const table = parseFile(c, v, path);
    if (table.kind !== 'csv') c.fail(path, `names one ${table.kind} file; a source that is a single file must be a CSV with a label column.`, `Write { "features": …, "labels": … } for ${table.kind} files.`);
    return { layout: 'table', table, label: -1, csv: { header: 'auto', delimiter: 'auto' } };
  }
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'csv' in v) {
    const o = c.object(v, path, TABLE_KEYS);
    const table = parseFile(c, o['csv'], join(path, 'csv'));
    if (table.kind !== 'csv') c.fail(join(path, 'csv'), `must name a CSV file, got a ${table.kind} file.`);
    let label: string | number = -1;
    if (o['label'] !== undefined) {
      const l = o['label'];
      if (typeof l === 'string' && l !== '') label = l;
      else if (typeof l === 'number' && Number.isSafeInteger(l)) label = l;
      else c.fail(join(path, 'label'), `must be a column name or a 0-based column index (−1: the last column), got ${describe(l)}.`);
    }
    return { layout: 'table', table, label, csv: parseCsvSettings(c, o, path) };
  }
  const o = c.object(v, path, PAIR_KEYS);
  if (o['features'] === undefined) c.fail(join(path, 'features'), 'is missing.', `Write "${path}": { "features": "x.npy", "labels": "y.npy" }, or "${path}": { "csv": "data.csv", "label": "class" }.`);
  if (o['labels'] === undefined) c.fail(join(path, 'labels'), 'is missing: every example needs a class label.', `Name the labels file, or use "${path}": { "csv": "data.csv", "label": "class" } when the labels are a column of the CSV.`);
  return {
    layout: 'pair',
    features: parseFile(c, o['features'], join(path, 'features')),
    labels: parseFile(c, o['labels'], join(path, 'labels')),
    csv: parseCsvSettings(c, o, path),
  };
}

function parseFile(c: Checker, v: Json, path: string): DatasetFileRef {
  if (typeof v === 'string') {
    const p = c.string(v, path);
    const kind = kindFromFileName(p);
    if (!kind) {
      c.fail(path, `names "${p}", whose kind cannot be told from its name (.csv, .npy, or IDX names like *-idx3-ubyte).`, `Write { "path": "${p}", "kind": "idx" } (or "csv", "npy").`);
    }
    return { path: p, kind };
  }
  const o = c.object(v, path, ['path', 'kind']);
  const p = c.string(o['path'], join(path, 'path'));
  const k = o['kind'];
  if (k === undefined) {
    const kind = kindFromFileName(p);
    if (!kind) c.fail(join(path, 'kind'), `is missing and cannot be told from the name "${p}".`, 'Add "kind": "idx", "csv" or "npy".');
    return { path: p, kind };
  }
  if (k !== 'idx' && k !== 'csv' && k !== 'npy') c.fail(join(path, 'kind'), `must be "idx", "csv" or "npy", got ${describe(k)}.`);
  return { path: p, kind: k };
}

function parseCsvSettings(c: Checker, o: Obj, path: string): CsvSettings {
  let header: boolean | 'auto' = 'auto';
  if (o['header'] !== undefined) {
    const h = o['header'];
    if (h !== true && h !== false && h !== 'auto') c.fail(join(path, 'header'), `must be true, false or "auto", got ${describe(h)}.`);
    header = h;
  }
  let delimiter: CsvDelimiter | 'auto' = 'auto';
  if (o['delimiter'] !== undefined) {
    const d = o['delimiter'];
    const known = typeof d === 'string' ? DELIMITER_NAMES[d] : undefined;
    if (!known) c.fail(join(path, 'delimiter'), `must be ",", ";", "\\t" (or "tab") or "auto", got ${describe(d)}.`);
    delimiter = known;
  }
  return { header, delimiter };
}

function parseNormalization(c: Checker, v: Json): Normalization {
  if (v === undefined) return { kind: 'default' };
  if (v === 'none') return { kind: 'none' };
  if (typeof v === 'string') c.fail('normalize', `must be "none" or an object like { "scale": "1/255" } or { "mean": [...], "std": [...] }, got ${describe(v)}.`);
  const o = c.object(v, 'normalize', ['scale', 'offset', 'mean', 'std']);
  const scale = o['scale'] === undefined ? 1 : c.number(o['scale'], 'normalize.scale');
  if (scale === 0) c.fail('normalize.scale', 'is 0, which would erase every feature.');
  const offset = o['offset'] === undefined ? 0 : c.number(o['offset'], 'normalize.offset');
  const mean = o['mean'] === undefined ? null : c.numbers(o['mean'], 'normalize.mean');
  const std = o['std'] === undefined ? null : c.numbers(o['std'], 'normalize.std');
  if ((mean === null) !== (std === null)) c.fail(mean ? 'normalize.std' : 'normalize.mean', 'is missing: "mean" and "std" go together.');
  if (mean && std) {
    if (mean.length !== std.length) c.fail('normalize.std', `has ${std.length} values but "normalize.mean" has ${mean.length}; give one per channel (or one for all).`);
    std.forEach((s, i) => {
      if (!(s > 0)) c.fail(`normalize.std[${i}]`, `must be > 0, got ${s}.`);
    });
  }
  return { kind: 'affine', scale, offset, mean, std };
}

function parseClasses(c: Checker, v: Json): DatasetSpec['classes'] {
  if (v === undefined) return { count: null, names: null };
  if (typeof v === 'number') return { count: c.integer(v, 'classes', 1), names: null };
  if (!Array.isArray(v) || v.length === 0) c.fail('classes', `must be a class count or an array of class names, got ${describe(v)}.`);
  const names = v.map((n, i) => c.string(n, `classes[${i}]`));
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) c.fail(`classes[${i}]`, `repeats the class name "${n}".`);
    seen.add(n);
  });
  return { count: names.length, names };
}

function parseSplit(c: Checker, v: Json): SplitRule {
  const head = c.object(v, 'split', ['rule', 'train', 'test', 'seed']);
  const rule = head['rule'];
  if (rule === 'first-last') {
    c.object(v, 'split', ['rule', 'train']);
    if (head['train'] === undefined) c.fail('split.train', 'is missing: how many examples, from the start, are for training.');
    return { rule, train: c.integer(head['train'], 'split.train', 1) };
  }
  if (rule === 'stratified' || rule === 'random') {
    c.object(v, 'split', ['rule', 'test', 'seed']);
    if (head['test'] === undefined) c.fail('split.test', 'is missing: the test share, a fraction (0.2) or a count (2000).');
    const t = head['test'];
    if (typeof t !== 'number' || !(t > 0) || (t >= 1 && !Number.isSafeInteger(t))) {
      c.fail('split.test', `must be a fraction between 0 and 1 or a whole number of examples ≥ 1, got ${describe(t)}.`);
    }
    const seed = head['seed'] === undefined ? 1 : c.integer(head['seed'], 'split.seed', 0);
    return { rule, test: t, seed };
  }
  c.fail('split.rule', `must be "first-last", "stratified" or "random", got ${describe(rule)}.`);
}
