/**
 * From the arrays read out of dataset files to the train/test `DatasetSplit` a model trains on: checks
 * that features and labels describe the same examples, maps labels to class indices (names sorted, or
 * in the spec's order), reshapes, normalises into float32, splits (first-last, seeded stratified, seeded
 * random) and applies the example limit. Pure; O(values).
 *
 * Limits keep the test set comparable: each part is capped separately — the first `limit` examples
 * for files and for the first-last rule, a seeded stratified (or random) subset for those rules, so a
 * quick run on a class-sorted file still sees every class.
 */
import { RgpError } from '../errors';
import type { CancelSignal } from '../job';
import { Random } from '../random';
import { classNamesOf, encodeClassLabels } from './csv';
import type { DatasetSplit, TensorDataset } from './dataset';
import type { DatasetSpec, Normalization, SplitRule } from './datasetSpec';
import { splitFirstLast, stratifiedSplit, type Split } from './idx';

export interface RawFeatures {
  /** Names the file in messages. */
  source: string;
  count: number;
  itemShape: number[];
  /** count × product(itemShape) values, row-major. */
  values: ArrayLike<number>;
  /** The file stores uint8, so the default normalisation scales by 1/255. */
  uint8: boolean;
}

export interface RawLabels {
  source: string;
  count: number;
  /** Numeric labels (IDX, NPY) … */
  numbers: ArrayLike<number> | null;
  /** … or label cells as text (CSV). */
  cells: string[] | null;
  /** Locates label `i` in messages, e.g. "y.npy item 12" or "iris.csv line 14". */
  at(i: number): string;
}

export interface RawPart {
  features: RawFeatures;
  labels: RawLabels;
}

export interface AssembleOptions extends Pick<DatasetSpec, 'shape' | 'normalize' | 'classes' | 'split' | 'limit'> {
  name: string;
  /** Where the data came from, the first part of the description. */
  provenance: string;
  signal?: CancelSignal;
}

/** A split plus the class names when the labels were names (CSV) or the spec named the classes. */
export interface AssembledDataset extends DatasetSplit {
  classNames: string[] | null;
}

function bad(message: string, hint: string): RgpError {
  return new RgpError('BAD_DATASET', message, hint);
}

export function assembleDataset(train: RawPart, test: RawPart | null, opts: AssembleOptions): AssembledDataset {
  const parts = test ? [train, test] : [train];
  for (const p of parts) checkCounts(p);
  const itemShape = resolveShape(parts, opts.shape);
  const { labels, classes, classNames } = encodeLabels(parts, opts.classes);
  const xs = parts.map((p) => normalise(p.features, itemShape, opts.normalize, opts.signal));
  const norm = describeNormalisation(opts.normalize, parts[0]!.features.uint8);

  let trainIdx: Int32Array;
  let testIdx: Int32Array;
  let splitText: string;
  let limitRule: SplitRule | null = null;
  if (test) {
    trainIdx = range(train.features.count);
    testIdx = range(test.features.count);
    splitText = `${train.features.count} train (${train.features.source}) / ${test.features.count} test (${test.features.source})`;
  } else {
    const rule = opts.split!;
    const s = splitBy(rule, labels[0]!);
    trainIdx = s.train;
    testIdx = s.test;
    splitText = s.description;
    limitRule = rule;
  }
  let limitText = '';
  if (opts.limit !== null && (trainIdx.length > opts.limit || testIdx.length > opts.limit)) {
    const testLabels = labels[test ? 1 : 0]!;
    const before = [trainIdx.length, testIdx.length];
    trainIdx = limitIndices(trainIdx, labels[0]!, opts.limit, limitRule);
    testIdx = limitIndices(testIdx, testLabels, opts.limit, limitRule);
    const how = limitRule && limitRule.rule !== 'first-last' ? `a seeded ${limitRule.rule} subset (seed ${limitRule.seed})` : 'the first examples';
    limitText = `; limited to ${opts.limit} per part (${how}): ${trainIdx.length} of ${before[0]} train, ${testIdx.length} of ${before[1]} test`;
  }
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const make = (k: number, idx: Int32Array): TensorDataset => gather(xs[k]!, labels[k]!, idx, itemShape, itemSize, classes);
  return {
    name: opts.name,
    train: make(0, trainIdx),
    test: make(test ? 1 : 0, testIdx),
    description: `${opts.provenance}: ${splitText}; ${norm}${limitText}`,
    classNames,
  };
}

function checkCounts(p: RawPart): void {
  if (p.features.count !== p.labels.count) {
    throw bad(
      `${p.labels.source} has ${p.labels.count} labels but ${p.features.source} has ${p.features.count} examples.`,
      'Each example needs exactly one label, in the same order; check that the labels file belongs to the features file.',
    );
  }
  if (p.features.count === 0) throw bad(`${p.features.source} holds no examples.`, 'Point at a file with data in it.');
}

function resolveShape(parts: RawPart[], shape: number[] | null): number[] {
  const sizes = parts.map((p) => p.features.itemShape.reduce((a, b) => a * b, 1));
  if (shape) {
    const size = shape.reduce((a, b) => a * b, 1);
    parts.forEach((p, k) => {
      if (sizes[k] !== size) {
        throw bad(
          `"shape" [${shape.join(', ')}] holds ${size} values, but each example of ${p.features.source} has ${sizes[k]} (shape [${p.features.itemShape.join(', ')}]).`,
          `Give a shape whose sizes multiply to ${sizes[k]}, e.g. [${sizes[k]}].`,
        );
      }
    });
    return [...shape];
  }
  if (parts.length === 2 && sizes[0] !== sizes[1]) {
    throw bad(
      `The train examples have ${sizes[0]} values each ([${parts[0]!.features.itemShape.join(', ')}]) but the test examples have ${sizes[1]} ([${parts[1]!.features.itemShape.join(', ')}]).`,
      'Train and test files must hold examples of the same shape.',
    );
  }
  return [...parts[0]!.features.itemShape];
}

function encodeLabels(parts: RawPart[], spec: DatasetSpec['classes']): { labels: Int32Array[]; classes: number; classNames: string[] | null } {
  let names: string[] | null = spec.names;
  if (!names) {
    const named = parts.filter((p) => p.labels.cells && classNamesOf(p.labels.cells));
    if (named.length > 0) {
      const numeric = parts.find((p) => p.labels.numbers);
      if (numeric) {
        throw bad(
          `${named[0]!.labels.source} labels the examples by name but ${numeric.labels.source} holds numeric labels.`,
          'Use the same kind of labels in train and test, or list the class names in the spec\'s "classes" (numeric labels then index that list).',
        );
      }
      names = classNamesOf(parts.flatMap((p) => p.labels.cells!));
    }
  }
  const limit = spec.count;
  const labels = parts.map((p) => {
    const l = p.labels;
    const out = l.cells ? encodeClassLabels(l.cells, (i) => l.at(i), names).labels : checkNumeric(l);
    if (limit !== null) {
      for (let i = 0; i < out.length; i++) {
        if (out[i]! >= limit) {
          throw bad(
            `${l.at(i)}: label ${out[i]} is out of range: the spec says ${limit} classes, so labels run from 0 to ${limit - 1}.`,
            'Fix the label, or raise "classes" in the spec.',
          );
        }
      }
    }
    return out;
  });
  let max = -1;
  for (const l of labels) for (let i = 0; i < l.length; i++) if (l[i]! > max) max = l[i]!;
  return { labels, classes: Math.max(max + 1, limit ?? 0), classNames: names };
}

function checkNumeric(l: RawLabels): Int32Array {
  const v = l.numbers!;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isInteger(x) || x < 0 || x > 0x7fffffff) {
      const what = Number.isNaN(x) ? 'NaN' : x < 0 ? 'negative' : !Number.isInteger(x) ? 'not a whole number' : 'too large';
      throw bad(`${l.at(i)}: label ${x} is ${what}; class labels are whole numbers 0, 1, 2, …`, 'Store class indices (not one-hot rows or regression targets) in the labels file.');
    }
    out[i] = x;
  }
  return out;
}

function normalise(f: RawFeatures, itemShape: number[], n: Normalization, signal?: CancelSignal): Float32Array {
  const v = f.values;
  const total = v.length;
  const out = new Float32Array(total);
  let scale = 1;
  let offset = 0;
  let mean: number[] | null = null;
  let std: number[] | null = null;
  if (n.kind === 'default' && f.uint8) scale = 1 / 255;
  if (n.kind === 'affine') ({ scale, offset, mean, std } = n);
  const channels = itemShape[itemShape.length - 1]!;
  if (mean && mean.length !== 1 && mean.length !== channels) {
    throw bad(
      `"normalize.mean" has ${mean.length} values but the examples have ${channels} channel${channels === 1 ? '' : 's'} (the last axis of shape [${itemShape.join(', ')}]).`,
      `Give one mean and std per channel (${channels}), or a single value for all.`,
    );
  }
  for (let i = 0; i < total; i++) {
    const raw = v[i]!;
    let y = raw * scale + offset;
    if (mean) {
      const c = mean.length === 1 ? 0 : i % channels;
      y = (y - mean[c]!) / std![c]!;
    }
    out[i] = y;
    if (!Number.isFinite(out[i]!)) {
      const size = total / f.count;
      throw bad(
        `${f.source}: example ${Math.floor(i / size)}, value ${i % size} is ${raw}${Number.isFinite(raw) ? ` (${y} after normalising, beyond float32)` : ''}.`,
        'Features must be finite numbers; fill or drop missing values before training.',
      );
    }
    if ((i & 0xfffff) === 0xfffff) signal?.throwIfCancelled();
  }
  return out;
}

function describeNormalisation(n: Normalization, uint8: boolean): string {
  if (n.kind === 'none' || (n.kind === 'default' && !uint8)) return 'values as stored';
  if (n.kind === 'default') return 'uint8 scaled by 1/255';
  const parts: string[] = [];
  if (n.scale !== 1) parts.push(`scaled by ${Math.abs(n.scale - 1 / 255) < 1e-15 ? '1/255' : n.scale}`);
  if (n.offset !== 0) parts.push(`offset ${n.offset}`);
  if (n.mean) parts.push(`standardised per channel (mean ${n.mean.join(', ')}; std ${n.std!.join(', ')})`);
  return parts.length ? parts.join(', ') : 'values as stored';
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function testCountOf(rule: { test: number }, n: number): number {
  const count = rule.test < 1 ? Math.round(n * rule.test) : rule.test;
  if (count < 1 || count >= n) {
    throw bad(
      `"split.test" ${rule.test} of ${n} examples gives ${count} test examples; both train and test need at least one.`,
      `Choose a test fraction or count that leaves examples on both sides (1 … ${n - 1}).`,
    );
  }
  return count;
}

function splitBy(rule: SplitRule, labels: Int32Array): Split {
  const n = labels.length;
  if (rule.rule === 'first-last') {
    if (rule.train >= n) {
      throw bad(`"split.train" is ${rule.train} but there are only ${n} examples, which leaves none to test on.`, `Choose a training count below ${n}.`);
    }
    return splitFirstLast(n, rule.train);
  }
  const testCount = testCountOf(rule, n);
  if (rule.rule === 'stratified') return stratifiedSplit(labels, testCount, rule.seed);
  const order = new Random(rule.seed).shuffle(range(n));
  return {
    test: order.slice(0, testCount).sort(),
    train: order.slice(testCount).sort(),
    description: `seeded random split (seed ${rule.seed}): ${n - testCount} train / ${testCount} test`,
  };
}

function limitIndices(idx: Int32Array, labels: Int32Array, limit: number, rule: SplitRule | null): Int32Array {
  if (idx.length <= limit) return idx;
  if (!rule || rule.rule === 'first-last') return idx.slice(0, limit);
  if (rule.rule === 'stratified') {
    const picked = stratifiedSplit(Array.from(idx, (i) => labels[i]!), limit, rule.seed).test;
    return picked.map((k) => idx[k]!);
  }
  return new Random(rule.seed).fork().shuffle(idx.slice()).slice(0, limit).sort();
}

function gather(x: Float32Array, y: Int32Array, idx: Int32Array, itemShape: number[], itemSize: number, classes: number): TensorDataset {
  const n = idx.length;
  const outX = new Float32Array(n * itemSize);
  const outY = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = idx[j]!;
    outX.set(x.subarray(i * itemSize, (i + 1) * itemSize), j * itemSize);
    outY[j] = y[i]!;
  }
  return { count: n, itemShape: [...itemShape], itemSize, x: outX, y: outY, classes };
}
