/**
 * Shape inference for the common Keras / TF.js layers, from a layer's config and its input shapes.
 *
 * Shapes exclude the batch dimension; a `null` dimension is unknown (a variable length), a `null` shape
 * is wholly unknown (the output of a layer class we do not understand). Unknown propagates: a layer fed an
 * unknown shape has an unknown output, but nothing throws — the rest of the graph is still counted.
 * Only channels_last is inferred (what TF.js uses and what the converter writes by default); a
 * channels_first layer gets an unknown output shape.
 *
 * `expectedWeights` says which weights a layer must own and their shapes, so that a manifest that does not
 * match its topology (weights from another export) is caught before anything is written.
 */
export type Dim = number | null;
export type Shape = Dim[];

export interface InferredShape {
  shape: Shape | null;
  /** false when the class is not one we understand (reported, left dense). */
  known: boolean;
}

type Config = Record<string, unknown>;

/** Layers whose output has the input's shape (elementwise or normalising). */
const SHAPE_PRESERVING = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'BatchNormalization', 'LayerNormalization', 'Masking', 'ActivityRegularization',
]);
const MERGE = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);
const INPUT = new Set(['InputLayer']);

/** The input shape a layer declares for itself (first Sequential layer or InputLayer), without batch. */
export function declaredInputShape(config: Config): Shape | null {
  for (const key of ['batch_input_shape', 'batch_shape']) {
    const v = config[key];
    if (Array.isArray(v) && v.length >= 1) return v.slice(1).map(asDim);
  }
  if (Array.isArray(config.input_shape)) return config.input_shape.map(asDim);
  if (typeof config.input_dim === 'number') return [config.input_dim];
  return null;
}

export function inferOutputShape(className: string, config: Config, inputs: readonly (Shape | null)[]): InferredShape {
  const known = isKnownClass(className);
  if (!known) return { shape: null, known: false };
  if (INPUT.has(className)) return { shape: declaredInputShape(config), known };
  if (MERGE.has(className)) return { shape: broadcastAll(inputs), known };
  if (className === 'Concatenate') return { shape: concatenate(inputs, config), known };
  const x = inputs[0] ?? null;
  if (x === null) return { shape: null, known };
  if (SHAPE_PRESERVING.has(className)) return { shape: [...x], known };
  switch (className) {
    case 'Dense':
      return { shape: x.length === 0 ? null : [...x.slice(0, -1), int(config.units)], known };
    case 'Conv1D':
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
      return { shape: convShape(className, config, x), known };
    case 'MaxPooling1D':
    case 'AveragePooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return { shape: poolShape(className.endsWith('1D') ? 1 : 2, config, x), known };
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      if (!channelsLast(config)) return { shape: null, known };
      const c = x[x.length - 1] ?? null;
      return { shape: config.keepdims === true ? [...x.slice(0, -1).map(() => 1), c] : [c], known };
    }
    case 'Flatten':
      return { shape: [product(x)], known };
    case 'Reshape':
      return { shape: reshape(config, x), known };
    case 'Embedding':
      return { shape: [...x, int(config.output_dim)], known };
    case 'ZeroPadding1D':
    case 'ZeroPadding2D':
      return { shape: zeroPad(className.endsWith('1D') ? 1 : 2, config, x), known };
  }
  return { shape: null, known };
}

export function isKnownClass(className: string): boolean {
  return (
    SHAPE_PRESERVING.has(className) || MERGE.has(className) || INPUT.has(className) ||
    [
      'Concatenate', 'Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D',
      'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D',
      'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
      'Flatten', 'Reshape', 'Embedding', 'ZeroPadding1D', 'ZeroPadding2D',
    ].includes(className)
  );
}

/**
 * The weights a layer of a known class owns (by variable name) and their shapes, `null` dims where the
 * input shape is unknown. Keras kernel layout: Dense [in, out], ConvND [k..., in/groups, out],
 * DepthwiseConv2D [kh, kw, in, multiplier], SeparableConv2D pointwise [1, 1, in·multiplier, out].
 */
export function expectedWeights(className: string, config: Config, inputs: readonly (Shape | null)[]): Record<string, Shape> {
  const x = inputs[0] ?? null;
  const cIn: Dim = x && x.length > 0 ? x[x.length - 1] : null;
  const bias = config.use_bias !== false;
  const out: Record<string, Shape> = {};
  switch (className) {
    case 'Dense': {
      const units = int(config.units);
      out.kernel = [cIn, units];
      if (bias) out.bias = [units];
      break;
    }
    case 'Conv1D':
    case 'Conv2D': {
      const rank = className === 'Conv1D' ? 1 : 2;
      const filters = int(config.filters);
      const groups = typeof config.groups === 'number' ? config.groups : 1;
      const c = channelsLast(config) ? cIn : x && x.length > 0 ? x[0] : null;
      out.kernel = [...tuple(config.kernel_size, rank), c === null ? null : c / groups, filters];
      if (bias) out.bias = [filters];
      break;
    }
    case 'DepthwiseConv2D': {
      const m = int(config.depth_multiplier ?? 1);
      const c = channelsLast(config) ? cIn : null;
      out.depthwise_kernel = [...tuple(config.kernel_size, 2), c, m];
      if (bias) out.bias = [c === null ? null : c * m];
      break;
    }
    case 'SeparableConv2D': {
      const m = int(config.depth_multiplier ?? 1);
      const filters = int(config.filters);
      const c = channelsLast(config) ? cIn : null;
      out.depthwise_kernel = [...tuple(config.kernel_size, 2), c, m];
      out.pointwise_kernel = [1, 1, c === null ? null : c * m, filters];
      if (bias) out.bias = [filters];
      break;
    }
    case 'BatchNormalization': {
      const c = x ? x[normAxis(config.axis, x.length)] ?? null : null;
      if (config.scale !== false) out.gamma = [c];
      if (config.center !== false) out.beta = [c];
      out.moving_mean = [c];
      out.moving_variance = [c];
      break;
    }
    case 'Embedding':
      out.embeddings = [int(config.input_dim), int(config.output_dim)];
      break;
  }
  return out;
}

/** Spatial size after a sliding window: Keras' conv_output_length (valid / same / causal). */
export function windowOutput(len: Dim, kernel: number, stride: number, padding: string, dilation = 1): Dim {
  if (len === null) return null;
  if (padding === 'same' || padding === 'causal') return Math.ceil(len / stride);
  const eff = dilation * (kernel - 1) + 1;
  return Math.max(0, Math.floor((len - eff) / stride) + 1);
}

function convShape(className: string, config: Config, x: Shape): Shape | null {
  if (!channelsLast(config)) return null;
  const rank = className === 'Conv1D' ? 1 : 2;
  if (x.length !== rank + 1) return null;
  const k = tuple(config.kernel_size, rank);
  const s = tuple(config.strides ?? 1, rank);
  const d = tuple(config.dilation_rate ?? 1, rank);
  const padding = String(config.padding ?? 'valid');
  const spatial = x.slice(0, rank).map((len, i) => windowOutput(len, k[i], s[i], padding, d[i]));
  const c = x[rank];
  const channels = className === 'DepthwiseConv2D' ? (c === null ? null : c * int(config.depth_multiplier ?? 1)) : int(config.filters);
  return [...spatial, channels];
}

function poolShape(rank: number, config: Config, x: Shape): Shape | null {
  if (!channelsLast(config) || x.length !== rank + 1) return null;
  const p = tuple(config.pool_size ?? 2, rank);
  const s = config.strides == null ? p : tuple(config.strides, rank);
  const padding = String(config.padding ?? 'valid');
  return [...x.slice(0, rank).map((len, i) => windowOutput(len, p[i], s[i], padding)), x[rank]];
}

function zeroPad(rank: number, config: Config, x: Shape): Shape | null {
  if (x.length !== rank + 1) return null;
  const raw = config.padding ?? 1;
  const pads: number[][] = [];
  for (let i = 0; i < rank; i++) {
    const p = Array.isArray(raw) ? raw[i] : raw;
    pads.push(Array.isArray(p) ? p.map(Number) : [Number(p), Number(p)]);
  }
  return [...x.slice(0, rank).map((len, i) => (len === null ? null : len + pads[i][0] + pads[i][1])), x[rank]];
}

function reshape(config: Config, x: Shape): Shape | null {
  const target = Array.isArray(config.target_shape) ? config.target_shape.map(Number) : null;
  if (!target) return null;
  const free = target.indexOf(-1);
  if (free < 0) return target;
  const total = product(x);
  const rest = target.reduce((p, d, i) => (i === free ? p : p * d), 1);
  const out: Shape = [...target];
  out[free] = total === null || rest === 0 ? null : total / rest;
  return out;
}

/** Elementwise merge: Keras broadcasts equal-rank shapes with 1s; unknown dims take the other side. */
function broadcastAll(inputs: readonly (Shape | null)[]): Shape | null {
  if (inputs.length === 0 || inputs.some((s) => s === null)) return null;
  const shapes = inputs as Shape[];
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const v = s[i - (rank - s.length)] ?? 1;
      if (v === null) d = d === 1 ? null : d;
      else if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

function concatenate(inputs: readonly (Shape | null)[], config: Config): Shape | null {
  if (inputs.length === 0 || inputs.some((s) => s === null)) return null;
  const shapes = inputs as Shape[];
  const rank = shapes[0].length;
  const axisRaw = typeof config.axis === 'number' ? config.axis : -1;
  // Keras counts the batch axis; our shapes do not.
  const axis = axisRaw < 0 ? rank + axisRaw : axisRaw - 1;
  if (axis < 0 || axis >= rank) return null;
  const out = [...shapes[0]];
  let sum: Dim = 0;
  for (const s of shapes) sum = sum === null || s[axis] === null ? null : sum + (s[axis] as number);
  out[axis] = sum;
  return out;
}

function normAxis(axis: unknown, rank: number): number {
  const a = Array.isArray(axis) ? Number(axis[0]) : typeof axis === 'number' ? axis : -1;
  return a < 0 ? rank + a : a - 1;
}

export function channelsLast(config: Config): boolean {
  return config.data_format === undefined || config.data_format === null || config.data_format === 'channels_last';
}

export function product(shape: readonly Dim[]): Dim {
  let p = 1;
  for (const d of shape) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

function tuple(v: unknown, rank: number): number[] {
  if (Array.isArray(v)) return v.slice(0, rank).map(Number);
  return new Array(rank).fill(Number(v));
}

function int(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function asDim(v: unknown): Dim {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
