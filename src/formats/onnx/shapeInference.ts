/**
 * Shape inference over the ONNX operators RGP understands, in NCHW as ONNX defines them. A dim is a
 * number or null (symbolic, e.g. the batch). Each rule follows the operator's definition in the ONNX
 * operator specification (Operators.md), across opsets 7–21 where attributes moved to inputs (Clip
 * min/max, Squeeze/Unsqueeze axes, Reshape's shape). An operator not in the table is "unknown": its
 * outputs have unknown shape and the layers it touches are never masked (src/formats/onnx/graph.ts).
 * O(rank) per node.
 */
import type { Shape } from '../../core/model/shapes';

export type Attrs = Record<string, number | number[] | string | string[] | null>;

export interface NodeShapeInput {
  attrs: Attrs;
  /** Shapes of the node's inputs (null: unknown or absent). */
  inputs: (Shape | null)[];
  /** Integer values of inputs that are small constants (Reshape target, axes), else null. */
  constInts: (number[] | null)[];
  opset: number;
}

/** Ops whose output 0 has the shape of input 0 (elementwise on one tensor, normalisation, dropout, …). */
const SAME_SHAPE = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Clip', 'Elu', 'Selu', 'Celu', 'Gelu',
  'Softplus', 'Softsign', 'Mish', 'Erf', 'Exp', 'Log', 'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round',
  'Softmax', 'LogSoftmax', 'Dropout', 'Identity', 'BatchNormalization', 'InstanceNormalization', 'LRN',
  'LayerNormalization', 'Cast', 'ThresholdedRelu', 'Shrink', 'Sign',
]);

/** Elementwise ops with NumPy-style broadcasting across their inputs. */
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Sum', 'Max', 'Min', 'Mean', 'Pow']);

const WINDOWED = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool']);

/** Every op type this module infers shapes for. */
export function isKnownOp(op: string): boolean {
  return SAME_SHAPE.has(op) || BROADCAST.has(op) || WINDOWED.has(op) || KNOWN_OTHERS.has(op);
}

const KNOWN_OTHERS = new Set(['Gemm', 'MatMul', 'Concat', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose']);

const ints = (a: Attrs, key: string): number[] | undefined => {
  const v = a[key];
  return Array.isArray(v) ? (v as number[]) : typeof v === 'number' ? [v] : undefined;
};
const int = (a: Attrs, key: string, fallback: number): number => (typeof a[key] === 'number' ? (a[key] as number) : fallback);
const str = (a: Attrs, key: string, fallback: string): string => (typeof a[key] === 'string' ? (a[key] as string) : fallback);

const prod = (dims: readonly (number | null)[]): number | null => dims.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);

/**
 * The shape of output 0 of a node, or undefined for an op this module does not know (null: known op, shape
 * not determinable from what is known, e.g. a dynamic Reshape target).
 */
export function inferNodeShape(op: string, n: NodeShapeInput): Shape | null | undefined {
  const x = n.inputs[0] ?? null;
  if (SAME_SHAPE.has(op)) return x ? [...x] : null;
  if (BROADCAST.has(op)) return broadcast(n.inputs);
  switch (op) {
    case 'Conv':
      return windowed(x, n.inputs[1] ?? null, n.attrs, true);
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool':
      return windowed(x, null, n.attrs, false);
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return x && x.length >= 3 ? [x[0], x[1], ...x.slice(2).map(() => 1)] : null;
    case 'Gemm': {
      const a = x, b = n.inputs[1] ?? null;
      if (!a || !b || a.length !== 2 || b.length !== 2) return null;
      const m = int(n.attrs, 'transA', 0) ? a[1] : a[0];
      const nOut = int(n.attrs, 'transB', 0) ? b[0] : b[1];
      return [m, nOut];
    }
    case 'MatMul': {
      const a = x, b = n.inputs[1] ?? null;
      if (!a || !b || a.length < 1 || b.length < 1) return null;
      if (b.length === 1) return a.slice(0, -1);
      if (a.length === 1) return [...b.slice(0, -2), b[b.length - 1]];
      if (b.length === 2) return [...a.slice(0, -1), b[1]];
      const batch = broadcast([a.slice(0, -2), b.slice(0, -2)]);
      return batch ? [...batch, a[a.length - 2], b[b.length - 1]] : null;
    }
    case 'Concat': {
      if (n.inputs.some((s) => !s)) return null;
      const shapes = n.inputs as Shape[];
      const rank = shapes[0].length;
      let axis = int(n.attrs, 'axis', 1);
      if (axis < 0) axis += rank;
      if (axis < 0 || axis >= rank || shapes.some((s) => s.length !== rank)) return null;
      const out = [...shapes[0]];
      out[axis] = prod(shapes.map((s) => s[axis])) === null ? null : shapes.reduce((s, sh) => s + (sh[axis] as number), 0);
      return out;
    }
    case 'Flatten': {
      if (!x) return null;
      let axis = int(n.attrs, 'axis', 1);
      if (axis < 0) axis += x.length;
      return [prod(x.slice(0, axis)), prod(x.slice(axis))];
    }
    case 'Reshape':
      return reshape(x, n.constInts[1] ?? null, int(n.attrs, 'allowzero', 0) === 1);
    case 'Squeeze': {
      if (!x) return null;
      const axes = n.opset >= 13 ? n.constInts[1] ?? (n.inputs.length > 1 ? null : undefined) : ints(n.attrs, 'axes');
      if (axes === null) return null;
      if (axes === undefined) return x.some((d) => d === null) ? null : x.filter((d) => d !== 1);
      const drop = new Set(axes.map((a) => (a < 0 ? a + x.length : a)));
      return x.filter((_, i) => !drop.has(i));
    }
    case 'Unsqueeze': {
      if (!x) return null;
      const axes = n.opset >= 13 ? n.constInts[1] : ints(n.attrs, 'axes');
      if (!axes) return null;
      const rank = x.length + axes.length;
      const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
      const out: Shape = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : x[j++] ?? null);
      return out;
    }
    case 'Transpose': {
      if (!x) return null;
      const perm = ints(n.attrs, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return perm.map((p) => x[p] ?? null);
    }
  }
  return undefined;
}

/** NumPy broadcasting of the known shapes (null if any is unknown or they do not broadcast). */
export function broadcast(shapes: readonly (Shape | null)[]): Shape | null {
  if (shapes.some((s) => !s)) return null;
  const list = shapes as Shape[];
  const rank = Math.max(...list.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: number | null = 1;
    for (const s of list) {
      const at = s.length - rank + i;
      const d = at >= 0 ? s[at] : 1;
      if (d === 1) continue;
      if (dim === 1) dim = d;
      else if (d !== dim) dim = d === null || dim === null ? null : NaN;
    }
    if (Number.isNaN(dim)) return null;
    out.push(dim);
  }
  return out;
}

/** Output spatial size of a window: explicit pads or auto_pad (NOTSET / SAME_UPPER / SAME_LOWER / VALID). */
function windowed(x: Shape | null, w: Shape | null, a: Attrs, conv: boolean): Shape | null {
  if (!x || x.length < 3) return null;
  const spatial = x.length - 2;
  const kernel = ints(a, 'kernel_shape') ?? (w ? (w.slice(2) as (number | null)[]) : undefined);
  if (!kernel || kernel.length !== spatial || kernel.some((k) => k === null)) return null;
  const strides = ints(a, 'strides') ?? kernel.map(() => 1);
  const dilations = ints(a, 'dilations') ?? kernel.map(() => 1);
  const pads = ints(a, 'pads') ?? kernel.flatMap(() => [0, 0]);
  const autoPad = str(a, 'auto_pad', 'NOTSET');
  const ceil = int(a, 'ceil_mode', 0) === 1;
  const out: Shape = [x[0], conv ? (w ? w[0] : null) : x[1]];
  for (let i = 0; i < spatial; i++) {
    const len = x[2 + i];
    if (len === null) {
      out.push(null);
      continue;
    }
    const k = ((kernel[i] as number) - 1) * (dilations[i] ?? 1) + 1;
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(Math.ceil(len / s));
    else if (autoPad === 'VALID') out.push(Math.floor((len - k) / s) + 1);
    else {
      const span = len + (pads[i] ?? 0) + (pads[i + spatial] ?? 0) - k;
      out.push((ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1);
    }
  }
  return out.some((d) => d !== null && d < 1) ? null : out;
}

/** Reshape with 0 (copy the input dim unless allowzero) and one −1 (inferred), tolerating a symbolic batch. */
function reshape(x: Shape | null, target: number[] | null, allowZero: boolean): Shape | null {
  if (!x || !target) return null;
  const dims: (number | null)[] = target.map((d, i) => (d === 0 && !allowZero ? x[i] ?? null : d));
  const unknownAt = dims.findIndex((d) => d === -1);
  if (unknownAt < 0) return dims.some((d) => d === null) && dims.filter((d) => d === null).length > 1 ? null : dims;
  const known = prod(dims.filter((_, i) => i !== unknownAt));
  const total = prod(x);
  if (total !== null && known !== null && known > 0) {
    dims[unknownAt] = total / known;
    return Number.isInteger(dims[unknownAt]) ? dims : null;
  }
  // A symbolic batch: with the batch dim carried over (0 or itself), −1 is the rest; a −1 batch is the batch.
  const restIn = prod(x.slice(1));
  if (x[0] === null && restIn !== null) {
    if (unknownAt === 0 && known === restIn) return [null, ...dims.slice(1)];
    if (dims[0] === null && unknownAt > 0) {
      const others = prod(dims.slice(1).filter((_, i) => i + 1 !== unknownAt));
      if (others !== null && others > 0 && restIn % others === 0) {
        dims[unknownAt] = restIn / others;
        return dims;
      }
    }
  }
  return null;
}
