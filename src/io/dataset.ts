/**
 * `loadDataset(path)`: whatever a user points at — a dataset spec (.json), a folder of MNIST-style IDX
 * files, or a single CSV — read into the train/test split a model trains on. Reads each file once
 * (gunzipping when its bytes say gzip) and hands the arrays to the pure assembly in
 * src/core/data/datasetAssemble.ts; O(file sizes).
 *
 *   folder    dataset.json inside it, else IDX pairs <prefix>-images-idx3-ubyte[.gz] +
 *             <prefix>-labels-idx1-ubyte[.gz]: train + t10k (or test) pairs → those two parts; a single
 *             pair (as in data/mnist, t10k only) → first 80 % train / last 20 % test (8,000 / 2,000
 *             for MNIST t10k, the split of examples/mnist-mlp/train.ts). Items 28×28 → [28, 28, 1].
 *   .csv      label = last column, header detected, seeded stratified split 80/20 (seed 1).
 *   .json     a dataset spec (src/core/data/datasetSpec.ts); its paths are relative to its folder.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCsv, parseCsvNumber, type CsvData } from '../core/data/csv';
import { assembleDataset, type AssembledDataset, type RawFeatures, type RawLabels, type RawPart } from '../core/data/datasetAssemble';
import { parseDatasetSpec, type CsvSettings, type DatasetFileRef, type DatasetSource, type DatasetSpec } from '../core/data/datasetSpec';
import { idxDeclaredBytes, parseIdx } from '../core/data/idx';
import { parseNpy } from '../core/data/npy';
import { RgpError } from '../core/errors';
import { checkJsonDepth } from '../core/jsonDepth';
import { quietContext, type JobContext } from '../core/job';
import { fsError, readMaybeGzip, type GzipLimit } from './readBytes';

export interface LoadDatasetOptions {
  /** At most this many examples per part (train, test); overrides the spec's "limit". */
  limit?: number;
  /** Cancellation and progress; quiet by default. */
  ctx?: JobContext;
  /** Receives the absolute path of the dataset and of every file read for it (the job's inputs). */
  inputs?: string[];
}

/** The context every reader below gets: the job's, plus where to list the files read. */
type ReadContext = JobContext & { inputs?: string[] };

/** A spec is a few hundred bytes; anything this large is not one. */
const MAX_SPEC_BYTES = 1024 * 1024;

const SPEC_IN_FOLDER = 'dataset.json';

const IDX_IMAGES = /^(.+?)[-_.]images[-_.]idx(\d)[-_.]ubyte(\.gz)?$/i;
const IDX_LABELS = /^(.+?)[-_.]labels[-_.]idx1[-_.]ubyte(\.gz)?$/i;

function bad(message: string, hint: string): RgpError {
  return new RgpError('BAD_DATASET', message, hint);
}

export async function loadDataset(datasetPath: string, opts: LoadDatasetOptions = {}): Promise<AssembledDataset> {
  const limit = opts.limit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1)) {
    throw new RgpError('BAD_ARGUMENT', `The example limit must be a whole number ≥ 1, got ${limit}.`, 'Leave it out to use every example.');
  }
  const abs = path.resolve(datasetPath);
  opts.inputs?.push(abs);
  const ctx: ReadContext = { ...(opts.ctx ?? quietContext), ...(opts.inputs ? { inputs: opts.inputs } : {}) };
  const stat = await statOrNull(abs);
  if (!stat) {
    throw bad(`No dataset at ${datasetPath} (looked for ${abs}).`, 'Give a dataset spec (.json), a folder of IDX files, or a .csv file; relative paths are taken from the current folder.');
  }
  if (stat.isDirectory()) {
    if (await statOrNull(path.join(abs, SPEC_IN_FOLDER))) return loadSpecFile(path.join(abs, SPEC_IN_FOLDER), limit, ctx);
    return loadIdxFolder(abs, limit, ctx);
  }
  const lower = abs.toLowerCase();
  if (lower.endsWith('.json')) return loadSpecFile(abs, limit, ctx);
  if (/\.(csv|tsv)(\.gz)?$/.test(lower)) return loadCsvFile(abs, limit, ctx);
  if (/\.npy(\.gz)?$/.test(lower)) {
    throw bad(`${abs} is a single .npy array; it has no labels.`, 'Write a dataset spec naming the features and the labels file, e.g. { "format": "rgp-dataset", "version": 1, "train": { "features": "x.npy", "labels": "y.npy" } }.');
  }
  if (IDX_IMAGES.test(path.basename(abs)) || IDX_LABELS.test(path.basename(abs))) {
    throw bad(`${abs} is one IDX file; a dataset needs its images and its labels.`, `Point at the folder that holds both (${path.dirname(abs)}).`);
  }
  throw bad(`Cannot tell what kind of dataset ${abs} is.`, 'Give a dataset spec (.json), a folder of IDX files, or a .csv file.');
}

/** Reads and validates a dataset spec, then loads the files it names. */
export async function loadSpecFile(specPath: string, limit: number | undefined, ctx: JobContext = quietContext): Promise<AssembledDataset> {
  const bytes = await readFileOrExplain(specPath, 'dataset spec', null);
  if (bytes.length > MAX_SPEC_BYTES) throw bad(`${specPath} is ${bytes.length} bytes, too large for a dataset spec.`, 'A dataset spec names data files; it does not hold the data.');
  let json: unknown;
  try {
    json = JSON.parse(decodeText(bytes, specPath));
  } catch (e) {
    if (e instanceof RgpError) throw e;
    throw bad(`${specPath} is not valid JSON (${(e as Error).message}).`, 'Fix the syntax; a dataset spec is a JSON object like examples/mnist-mlp/mnist.dataset.json.');
  }
  checkJsonDepth(json, specPath, 'BAD_DATASET');
  const spec = parseDatasetSpec(json, specPath);
  const dir = path.dirname(specPath);
  const train = await readSource(spec.train, 'train', dir, specPath, ctx);
  const test = spec.test ? await readSource(spec.test, 'test', dir, specPath, ctx) : null;
  const files = (s: DatasetSource): string => (s.layout === 'pair' ? `${s.features.path} + ${s.labels.path}` : s.table.path);
  const provenance = `${spec.name ?? path.basename(specPath)} (${path.basename(specPath)}: ${files(spec.train)}${spec.test ? `; test ${files(spec.test)}` : ''})`;
  return assemble(train, test, spec, spec.name ?? path.basename(specPath).replace(/(\.dataset)?\.json$/i, ''), provenance, limit, ctx);
}

function assemble(train: RawPart, test: RawPart | null, spec: DatasetSpec, name: string, provenance: string, limit: number | undefined, ctx: JobContext): AssembledDataset {
  ctx.signal.throwIfCancelled();
  ctx.progress.report({ message: 'normalising and splitting' });
  const out = assembleDataset(train, test, { ...spec, limit: limit ?? spec.limit, name, provenance, signal: ctx.signal });
  ctx.progress.report({ fraction: 1, message: `${out.train.count} train / ${out.test.count} test examples` });
  return out;
}

function defaults(): Omit<DatasetSpec, 'train'> {
  return { name: null, test: null, shape: null, normalize: { kind: 'default' }, classes: { count: null, names: null }, split: null, limit: null };
}

async function loadCsvFile(file: string, limit: number | undefined, ctx: JobContext): Promise<AssembledDataset> {
  const source: DatasetSource = { layout: 'table', table: { path: file, kind: 'csv' }, label: -1, csv: { header: 'auto', delimiter: 'auto' } };
  const train = await readSource(source, 'train', path.dirname(file), null, ctx);
  const spec: DatasetSpec = { ...defaults(), train: source, split: { rule: 'stratified', test: 0.2, seed: 1 } };
  const base = path.basename(file);
  return assemble(train, null, spec, base.replace(/\.(csv|tsv)(\.gz)?$/i, ''), `${base} (label: last column)`, limit, ctx);
}

async function loadIdxFolder(dir: string, limit: number | undefined, ctx: JobContext): Promise<AssembledDataset> {
  const names = await fs.readdir(dir);
  const pairs = new Map<string, { images?: string; labels?: string }>();
  const prefer = (old: string | undefined, next: string): string => (old && !old.toLowerCase().endsWith('.gz') ? old : next);
  for (const n of names.sort()) {
    const im = IDX_IMAGES.exec(n);
    const lb = IDX_LABELS.exec(n);
    const key = (im ?? lb)?.[1]!.toLowerCase();
    if (!key) continue;
    const p = pairs.get(key) ?? {};
    if (im) p.images = prefer(p.images, n);
    else p.labels = prefer(p.labels, n);
    pairs.set(key, p);
  }
  const lookedFor = `${SPEC_IN_FOLDER}, or IDX pairs like train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] and t10k-images-idx3-ubyte[.gz] + t10k-labels-idx1-ubyte[.gz]`;
  if (pairs.size === 0) throw bad(`No dataset found in the folder ${dir}: looked for ${lookedFor}.`, 'Point at a dataset spec, a .csv file, or a folder with such files.');
  for (const [prefix, p] of pairs) {
    if (!p.images || !p.labels) {
      const missing = p.images ? `${prefix}-labels-idx1-ubyte[.gz]` : `${prefix}-images-idx3-ubyte[.gz]`;
      throw bad(`${dir} has ${p.images ?? p.labels} but no matching ${missing}.`, 'Put both files of the pair in the folder (or remove the stray one).');
    }
  }
  const trainKey = pairs.has('train') ? 'train' : null;
  const testKey = pairs.has('t10k') ? 't10k' : pairs.has('test') ? 'test' : null;
  let parts: { train: string; test: string | null };
  if (trainKey && testKey) parts = { train: trainKey, test: testKey };
  else if (pairs.size === 1) parts = { train: [...pairs.keys()][0]!, test: null };
  else {
    throw bad(`${dir} holds several IDX pairs (${[...pairs.keys()].join(', ')}) and none is clearly train and test.`, 'Name them train-… and t10k-… (or test-…), or write a dataset spec that says which is which.');
  }
  const source = (key: string): DatasetSource => ({
    layout: 'pair',
    features: { path: pairs.get(key)!.images!, kind: 'idx' },
    labels: { path: pairs.get(key)!.labels!, kind: 'idx' },
    csv: { header: 'auto', delimiter: 'auto' },
  });
  const train = await readSource(source(parts.train), 'train', dir, null, ctx);
  const test = parts.test ? await readSource(source(parts.test), 'test', dir, null, ctx) : null;
  const spec: DatasetSpec = {
    ...defaults(),
    train: source(parts.train),
    split: test ? null : { rule: 'first-last', train: Math.round(0.8 * train.features.count) },
  };
  const p = pairs.get(parts.train)!;
  const provenance = test
    ? `IDX folder ${path.basename(dir)} (${p.images} + ${p.labels}; test ${pairs.get(parts.test!)!.images} + ${pairs.get(parts.test!)!.labels})`
    : `IDX folder ${path.basename(dir)} (${p.images} + ${p.labels}, ${train.features.count} examples)`;
  return assemble(train, test, spec, path.basename(dir), provenance, limit, ctx);
}

// ---- reading one source ----

async function readSource(src: DatasetSource, part: 'train' | 'test', dir: string, where: string | null, ctx: JobContext): Promise<RawPart> {
  if (src.layout === 'table') {
    const text = decodeText(await readRef(src.table, `${part} CSV`, dir, where, ctx), src.table.path);
    const csv = parseCsv(text, { ...csvOpts(src.csv), labelColumn: src.label, name: src.table.path, signal: ctx.signal });
    if (csv.featureCount === 0) {
      throw bad(`${src.table.path} has only the label column; there are no features.`, 'A CSV dataset holds the features in its other columns.');
    }
    return {
      features: { source: src.table.path, count: csv.rowCount, itemShape: [csv.featureCount], values: csv.features, uint8: false },
      labels: csvLabels(csv, src.table.path),
    };
  }
  const features = await readFeatures(src.features, src.csv, part, dir, where, ctx);
  const labels = await readLabels(src.labels, src.csv, features.count, part, dir, where, ctx);
  return { features, labels };
}

function csvOpts(s: CsvSettings): { header: boolean | 'auto'; delimiter: CsvSettings['delimiter'] } {
  return { header: s.header, delimiter: s.delimiter };
}

async function readFeatures(ref: DatasetFileRef, csv: CsvSettings, part: string, dir: string, where: string | null, ctx: JobContext): Promise<RawFeatures> {
  const bytes = await readRef(ref, `${part} features`, dir, where, ctx);
  const name = ref.path;
  if (ref.kind === 'csv') {
    const t = parseCsv(decodeText(bytes, name), { ...csvOpts(csv), labelColumn: null, name, signal: ctx.signal });
    return { source: name, count: t.rowCount, itemShape: [t.featureCount], values: t.features, uint8: false };
  }
  const arr = ref.kind === 'idx' ? parseIdx(bytes, name) : parseNpy(bytes, name);
  if (arr.shape.length === 0) throw bad(`${name} holds a single value (a 0-d array), not examples.`, 'Save an array whose first axis runs over the examples.');
  let itemShape = arr.shape.slice(1);
  if (itemShape.length === 0) itemShape = [1];
  // IDX image files (idx3: count × rows × columns) are single-channel images.
  else if (ref.kind === 'idx' && itemShape.length === 2) itemShape = [...itemShape, 1];
  return { source: name, count: arr.shape[0]!, itemShape, values: arr.data, uint8: arr.dtype === 'uint8' };
}

async function readLabels(ref: DatasetFileRef, csv: CsvSettings, expected: number, part: string, dir: string, where: string | null, ctx: JobContext): Promise<RawLabels> {
  const bytes = await readRef(ref, `${part} labels`, dir, where, ctx);
  const name = ref.path;
  if (ref.kind === 'csv') {
    const text = decodeText(bytes, name);
    const t = parseCsv(text, { ...csvOpts(csv), header: csv.header === 'auto' ? false : csv.header, labelColumn: 0, name, signal: ctx.signal });
    if (t.columnCount !== 1) {
      throw bad(`${name} has ${t.columnCount} columns; a labels file holds one label per line.`, 'Keep only the label column, or use { "csv": …, "label": … } for a CSV that holds both features and labels.');
    }
    // One column of names leaves the usual header test nothing to compare, so the features decide: a
    // first cell that is a name is the column's title when there is one line more than examples (or,
    // when the counts disagree anyway, when that name never occurs again).
    const cells = t.labelCells!;
    const titled = cells.length === expected + 1 || (cells.length !== expected && cells.indexOf(cells[0]!, 1) < 0);
    if (csv.header === 'auto' && cells.length > 1 && Number.isNaN(parseCsvNumber(cells[0]!)) && titled) {
      return csvLabels({ ...t, rowCount: t.rowCount - 1, lines: t.lines.subarray(1), labelCells: cells.slice(1) }, name);
    }
    return csvLabels(t, name);
  }
  const arr = ref.kind === 'idx' ? parseIdx(bytes, name) : parseNpy(bytes, name);
  const at = (i: number): string => `${name} item ${i}`;
  const shape = arr.shape;
  if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) {
    return { source: name, count: shape[0]!, numbers: arr.data, cells: null, at };
  }
  if (shape.length === 2 && shape[1]! > 1) return { source: name, count: shape[0]!, numbers: fromOneHot(arr.data, shape[0]!, shape[1]!, name), cells: null, at };
  throw bad(`${name} has shape (${shape.join(', ')}); labels need one value per example (shape (n,)).`, 'Save the class index of each example as a 1-D array; check that the features and labels files were not swapped.');
}

/** Rows that are exactly one-hot (one 1, the rest 0) → the index of the 1; anything else is refused. */
function fromOneHot(data: ArrayLike<number>, n: number, c: number, name: string): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let hot = -1;
    for (let j = 0; j < c; j++) {
      const v = data[i * c + j]!;
      if (v === 1 && hot < 0) hot = j;
      else if (v !== 0) hot = -2;
    }
    if (hot < 0) {
      throw bad(`${name} has shape (${n}, ${c}) but row ${i} is not one-hot (exactly one 1, the rest 0).`, 'Save the class index of each example as a 1-D array (numpy.argmax(y, axis=1)).');
    }
    out[i] = hot;
  }
  return out;
}

function csvLabels(t: CsvData, name: string): RawLabels {
  const lines = t.lines;
  return { source: name, count: t.rowCount, numbers: null, cells: t.labelCells!, at: (i) => `${name} line ${lines[i]}` };
}

/**
 * Reads a file a source names, resolving it against `dir`; `spec` is the spec that named it (null when
 * the file was found, not named), so a missing file says who named it and where it was looked for.
 */
async function readRef(ref: DatasetFileRef, role: string, dir: string, spec: string | null, ctx: ReadContext): Promise<Uint8Array> {
  ctx.signal.throwIfCancelled();
  const abs = path.resolve(dir, ref.path);
  ctx.inputs?.push(abs);
  ctx.progress.report({ message: `reading ${ref.path}` });
  return readFileOrExplain(abs, `${role} file "${ref.path}"`, spec, ref.kind === 'idx' ? { declared: idxDeclaredBytes } : {});
}

async function readFileOrExplain(abs: string, what: string, spec: string | null, limit: GzipLimit = {}): Promise<Uint8Array> {
  const st = await statOrNull(abs);
  if (!st) {
    throw bad(
      `The ${what}${spec ? ` named in ${spec}` : ''} was not found (looked for ${abs}).`,
      spec ? `Paths in a dataset spec are relative to the spec's folder (${path.dirname(spec)}); check the name and that the file is there.` : 'Check the path.',
    );
  }
  if (st.isDirectory()) throw bad(`The ${what} (${abs}) is a folder, not a file.`, 'Name the file inside it.');
  return readMaybeGzip(abs, limit);
}

async function statOrNull(p: string): Promise<import('node:fs').Stats | null> {
  try {
    return await fs.stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw fsError(p, e);
  }
}

function decodeText(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad(`${name} is not UTF-8 text.`, 'Save the file as UTF-8 (CSV and JSON files are text; a binary file needs its own kind, idx or npy).');
  }
}
