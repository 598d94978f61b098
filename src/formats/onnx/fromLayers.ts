/**
 * Keras / TF.js layers → ONNX, exactly: every weight copied bit for bit (re-laid out where ONNX wants
 * another order), outputs equal to tfjs within float tolerance. The compact realization works on ONNX,
 * so this is how a TF.js (or Keras, through the same layer graph) model gets one; `rgp convert --to onnx`
 * builds on it.
 *
 * Layout. The ONNX model takes the input exactly as the Keras model does (NHWC for images); a 4-D
 * channels-last activation is transposed once to NCHW (ONNX's Conv / pooling order) and stays NCHW until
 * a Flatten, which transposes back to NHWC first so the flattened feature order — and the next Dense
 * kernel — is Keras's. Dense kernels are stored [C_in, C_out] as they are (Gemm, transB = 0), Conv2D
 * kernels [kh, kw, C_in, C_out] → [C_out, C_in, kh, kw].
 *
 * Supported: InputLayer, Dense, Conv2D (channels_last, padding valid/same, strides, dilation),
 * DepthwiseConv2D (a Conv with group = C_in, depth_multiplier), SeparableConv2D (that, then a 1×1 Conv),
 * MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Flatten, Dropout,
 * Activation / ReLU (relu, sigmoid, tanh, softmax, linear, elu, selu, softplus), BatchNormalization
 * (channels axis), Add. Any other class is refused with the layer named.
 */
import type { onnx } from 'onnx-proto';
import { RgpError } from '../../core/errors';
import type { LayerGraph, LayerNode } from '../../core/model/layerGraph';
import type { KernelLayout } from '../../core/prune/blockMask';
import type { WeightLocation } from '../../core/model/weightIndex';
import { floatTensor, int64Tensor } from './compactLayer';
import { encodeModel } from './proto';
import { openModel } from '..';
import { neverCancelled } from '../../core/job';

export interface OnnxWeightMap {
  /** TF.js / Keras weight name → the ONNX initializer holding it, its ONNX shape and layout. */
  [weight: string]: { initializer: string; shape: number[]; layout: KernelLayout };
}

export interface LayersToOnnxResult {
  model: onnx.IModelProto;
  weights: OnnxWeightMap;
}

const OPSET = 13;
const FLOAT = 1;

type Getter = (w: WeightLocation) => Float32Array;

function unsupported(layer: LayerNode, what: string): RgpError {
  return new RgpError('UNSUPPORTED', `Layer "${layer.name}" (${layer.className}) cannot be converted to ONNX: ${what}.`, 'Supported: Dense, Conv2D, DepthwiseConv2D, SeparableConv2D, pooling, Flatten, Dropout, activations, BatchNormalization, Add.');
}

function transposeKernel(data: Float32Array, kh: number, kw: number, cIn: number, cOut: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cIn; i++)
        for (let o = 0; o < cOut; o++) out[((o * cIn + i) * kh + y) * kw + x] = data[((y * kw + x) * cIn + i) * cOut + o];
  return out;
}

/** A Keras depthwise kernel [kh, kw, C_in, m] as an ONNX grouped Conv weight [C_in·m, 1, kh, kw]. */
function depthwiseKernel(data: Float32Array, kh: number, kw: number, cIn: number, m: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < cIn; c++)
        for (let j = 0; j < m; j++) out[((c * m + j) * kh + y) * kw + x] = data[((y * kw + x) * cIn + c) * m + j];
  return out;
}

/** Converts a layer graph with its float32 weights. */
export function layersToOnnx(graph: LayerGraph, weight: Getter, name = 'model'): LayersToOnnxResult {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const weights: OnnxWeightMap = {};
  const inputs: onnx.IValueInfoProto[] = [];
  /** Layer name → its output tensor and whether that tensor is NCHW (a transposed channels-last 4-D tensor). */
  const out = new Map<string, { tensor: string; nchw: boolean; rank: number }>();
  let counter = 0;
  const fresh = (base: string) => `${base}/${++counter}`;
  const add = (op: string, ins: string[], base: string, attribute: onnx.IAttributeProto[] = []) => {
    const o = fresh(base);
    nodes.push({ opType: op, input: ins, output: [o], name: `${base}/${op}${counter}`, attribute, domain: '' });
    return o;
  };
  const ints = (n: string, v: number[]): onnx.IAttributeProto => ({ name: n, type: 7, ints: v });
  const int = (n: string, v: number): onnx.IAttributeProto => ({ name: n, type: 2, i: v });
  const float = (n: string, v: number): onnx.IAttributeProto => ({ name: n, type: 1, f: v });
  const str = (n: string, v: string): onnx.IAttributeProto => ({ name: n, type: 3, s: new TextEncoder().encode(v) });
  const wOf = (layer: LayerNode, variable: string) => layer.weights.find((w) => w.variable === variable);
  /** kernel_shape, strides, dilations and padding of a Keras 2-D convolution as ONNX Conv attributes. */
  const convAttrs = (layer: LayerNode, kh: number, kw: number): onnx.IAttributeProto[] => {
    const c = layer.config;
    const pair = (v: unknown, dflt: number): number[] => (Array.isArray(v) ? (v as number[]) : typeof v === 'number' ? [v, v] : [dflt, dflt]);
    const strides = pair(c.strides, 1);
    const dilations = pair(c.dilation_rate, 1);
    const attrs = [ints('kernel_shape', [kh, kw]), ints('strides', strides), ints('dilations', dilations)];
    if (c.padding === 'same') {
      // TF pads (out − 1)·s + (k − 1)·d + 1 − in in total, the odd pixel at the end: SAME_UPPER. With a
      // dilation the pads are written out when the input size is known, so no runtime's reading of
      // auto_pad with dilations matters.
      const hw = layer.inputShapes[0]?.slice(0, 2) ?? [null, null];
      if (dilations.some((d) => d > 1) && hw.every((d) => typeof d === 'number')) {
        const total = [kh, kw].map((k, i) => {
          const len = hw[i] as number;
          return Math.max((Math.ceil(len / strides[i]) - 1) * strides[i] + (k - 1) * dilations[i] + 1 - len, 0);
        });
        // ONNX pads: [h_begin, w_begin, h_end, w_end].
        attrs.push(ints('pads', [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))]));
      } else attrs.push(str('auto_pad', 'SAME_UPPER'));
    } else if (c.padding !== 'valid' && c.padding !== undefined) throw unsupported(layer, `padding "${String(c.padding)}"`);
    return attrs;
  };
  const activation = (t: string, act: unknown, layer: LayerNode, rank: number): string => {
    switch (act ?? 'linear') {
      case 'linear': return t;
      case 'relu': return add('Relu', [t], layer.name);
      case 'sigmoid': return add('Sigmoid', [t], layer.name);
      case 'tanh': return add('Tanh', [t], layer.name);
      case 'softplus': return add('Softplus', [t], layer.name);
      case 'elu': return add('Elu', [t], layer.name);
      case 'selu': return add('Selu', [t], layer.name, [float('alpha', 1.6732632423543772), float('gamma', 1.0507009873554805)]);
      case 'softmax': return add('Softmax', [t], layer.name, [int('axis', rank === 4 ? 1 : -1)]);
      default: throw unsupported(layer, `activation "${String(act)}"`);
    }
  };
  for (const layer of graph.layers) {
    const c = layer.config;
    const declareInput = (tensor: string, shape: ReadonlyArray<number | null>) => {
      inputs.push({ name: tensor, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((d, i) => (d === null || i === 0 ? { dimParam: 'batch' } : { dimValue: d })) } } } });
      return { tensor, nchw: false, rank: shape.length };
    };
    const batchShape = (): Array<number | null> | null => {
      const s = (c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape) as Array<number | null> | undefined;
      if (s) return s;
      const per = layer.inputShapes[0] ?? (layer.className === 'InputLayer' ? layer.outputShape : null);
      return per ? [null, ...per] : null;
    };
    if (layer.inbound.length === 0 && layer.className !== 'InputLayer') {
      const s = batchShape();
      if (!s) throw unsupported(layer, 'no input shape');
      out.set(`${layer.name}:input`, declareInput(`${layer.name}:input`, s));
    }
    const inbound = layer.inbound.length === 0 && layer.className !== 'InputLayer' ? [`${layer.name}:input`] : layer.inbound;
    const src = inbound.map((p) => {
      const v = out.get(p);
      if (!v) throw unsupported(layer, `its input "${p}" is not available`);
      return v;
    });
    const x = src[0];
    const toNchw = (v: { tensor: string; nchw: boolean; rank: number }) => (v.rank === 4 && !v.nchw ? add('Transpose', [v.tensor], layer.name, [ints('perm', [0, 3, 1, 2])]) : v.tensor);
    switch (layer.className) {
      case 'InputLayer': {
        const s = batchShape();
        if (!s) throw unsupported(layer, 'no input shape');
        out.set(layer.name, declareInput(layer.name, s));
        break;
      }
      case 'Dense': {
        if (!x || x.rank !== 2) throw unsupported(layer, 'only 2-D inputs are supported');
        const k = wOf(layer, 'kernel')!;
        const b = wOf(layer, 'bias');
        const [cIn, cOut] = k.spec.shape;
        inits.push(floatTensor(k.spec.name, [cIn, cOut], weight(k)));
        weights[k.spec.name] = { initializer: k.spec.name, shape: [cIn, cOut], layout: 'taps-in-out' };
        const ins = [x.tensor, k.spec.name];
        if (b) {
          inits.push(floatTensor(b.spec.name, [cOut], weight(b)));
          ins.push(b.spec.name);
        }
        const y = add('Gemm', ins, layer.name);
        out.set(layer.name, { tensor: activation(y, c.activation, layer, 2), nchw: false, rank: 2 });
        break;
      }
      case 'Conv2D': {
        if (!x || x.rank !== 4) throw unsupported(layer, 'the input is not 4-D');
        if (c.data_format === 'channels_first') throw unsupported(layer, 'channels_first');
        if ((c.groups as number | undefined ?? 1) !== 1) throw unsupported(layer, 'grouped convolution');
        const k = wOf(layer, 'kernel')!;
        const b = wOf(layer, 'bias');
        const [kh, kw, cIn, cOut] = k.spec.shape;
        const onnxName = `${k.spec.name}/oihw`;
        inits.push(floatTensor(onnxName, [cOut, cIn, kh, kw], transposeKernel(weight(k), kh, kw, cIn, cOut)));
        weights[k.spec.name] = { initializer: onnxName, shape: [cOut, cIn, kh, kw], layout: 'out-in-taps' };
        const ins = [toNchw(x), onnxName];
        if (b) {
          inits.push(floatTensor(b.spec.name, [cOut], weight(b)));
          ins.push(b.spec.name);
        }
        const y = add('Conv', ins, layer.name, convAttrs(layer, kh, kw));
        out.set(layer.name, { tensor: activation(y, c.activation, layer, 4), nchw: true, rank: 4 });
        break;
      }
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        // Depthwise: Conv with group = C_in, kernel [kh, kw, C_in, m] → [C_in·m, 1, kh, kw] (output channel
        // c·m + j is input channel c's j-th filter, as in TF). Separable: that (strides, dilation and padding
        // apply here) → a 1×1 pointwise Conv [filters, C_in·m, 1, 1] with the bias → the activation.
        if (!x || x.rank !== 4) throw unsupported(layer, 'the input is not 4-D');
        if (c.data_format === 'channels_first') throw unsupported(layer, 'channels_first');
        const dk = wOf(layer, 'depthwise_kernel');
        if (!dk) throw unsupported(layer, 'no depthwise_kernel weight');
        const [kh, kw, cIn, m] = dk.spec.shape;
        const dwName = `${dk.spec.name}/oihw`;
        inits.push(floatTensor(dwName, [cIn * m, 1, kh, kw], depthwiseKernel(weight(dk), kh, kw, cIn, m)));
        weights[dk.spec.name] = { initializer: dwName, shape: [cIn * m, 1, kh, kw], layout: 'out-in-taps' };
        const b = wOf(layer, 'bias');
        const dwAttrs = [...convAttrs(layer, kh, kw), int('group', cIn)];
        let y: string;
        if (layer.className === 'DepthwiseConv2D') {
          const ins = [toNchw(x), dwName];
          if (b) {
            inits.push(floatTensor(b.spec.name, [cIn * m], weight(b)));
            ins.push(b.spec.name);
          }
          y = add('Conv', ins, layer.name, dwAttrs);
        } else {
          const pk = wOf(layer, 'pointwise_kernel');
          if (!pk) throw unsupported(layer, 'no pointwise_kernel weight');
          const [, , pIn, cOut] = pk.spec.shape;
          if (pIn !== cIn * m) throw unsupported(layer, `a pointwise kernel for ${pIn} channels after ${cIn * m} depthwise outputs`);
          const depthwise = add('Conv', [toNchw(x), dwName], layer.name, dwAttrs);
          const pwName = `${pk.spec.name}/oihw`;
          inits.push(floatTensor(pwName, [cOut, pIn, 1, 1], transposeKernel(weight(pk), 1, 1, pIn, cOut)));
          weights[pk.spec.name] = { initializer: pwName, shape: [cOut, pIn, 1, 1], layout: 'out-in-taps' };
          const ins = [depthwise, pwName];
          if (b) {
            inits.push(floatTensor(b.spec.name, [cOut], weight(b)));
            ins.push(b.spec.name);
          }
          y = add('Conv', ins, layer.name, [ints('kernel_shape', [1, 1])]);
        }
        out.set(layer.name, { tensor: activation(y, c.activation, layer, 4), nchw: true, rank: 4 });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        if (!x || x.rank !== 4) throw unsupported(layer, 'the input is not 4-D');
        const pool = (c.pool_size as number[] | undefined) ?? [2, 2];
        const strides = (c.strides as number[] | null | undefined) ?? pool;
        const attrs = [ints('kernel_shape', pool), ints('strides', strides)];
        if (c.padding === 'same') attrs.push(str('auto_pad', 'SAME_UPPER'));
        if (layer.className === 'AveragePooling2D' && c.padding === 'same') attrs.push(int('count_include_pad', 0));
        const y = add(layer.className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [toNchw(x)], layer.name, attrs);
        out.set(layer.name, { tensor: y, nchw: true, rank: 4 });
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        if (!x || x.rank !== 4) throw unsupported(layer, 'the input is not 4-D');
        const y = add(layer.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool', [toNchw(x)], layer.name);
        out.set(layer.name, { tensor: add('Flatten', [y], layer.name, [int('axis', 1)]), nchw: false, rank: 2 });
        break;
      }
      case 'Flatten': {
        if (!x) throw unsupported(layer, 'no input');
        const t = x.rank === 4 && x.nchw ? add('Transpose', [x.tensor], layer.name, [ints('perm', [0, 2, 3, 1])]) : x.tensor;
        out.set(layer.name, { tensor: add('Flatten', [t], layer.name, [int('axis', 1)]), nchw: false, rank: 2 });
        break;
      }
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'GaussianNoise':
      case 'GaussianDropout':
        out.set(layer.name, x!);
        break;
      case 'Activation':
        out.set(layer.name, { ...x!, tensor: activation(x!.tensor, c.activation, layer, x!.rank) });
        break;
      case 'ReLU': {
        if (c.max_value !== undefined && c.max_value !== null) throw unsupported(layer, 'max_value');
        out.set(layer.name, { ...x!, tensor: add('Relu', [x!.tensor], layer.name) });
        break;
      }
      case 'BatchNormalization': {
        const rank = x!.rank;
        const axis = Array.isArray(c.axis) ? (c.axis as number[])[0] : ((c.axis as number | undefined) ?? -1);
        if (!(axis === -1 || axis === rank - 1)) throw unsupported(layer, `axis ${axis}`);
        const C = (wOf(layer, 'moving_mean') ?? wOf(layer, 'gamma'))!.spec.shape[0];
        const get = (v: string, dflt: number) => {
          const w = wOf(layer, v);
          if (w) {
            inits.push(floatTensor(w.spec.name, [C], weight(w)));
            return w.spec.name;
          }
          const nm = `${layer.name}/${v}_const`;
          inits.push(floatTensor(nm, [C], new Float32Array(C).fill(dflt)));
          return nm;
        };
        const ins = [get('gamma', 1), get('beta', 0), get('moving_mean', 0), get('moving_variance', 1)];
        const eps = (c.epsilon as number | undefined) ?? 1e-3;
        if (rank === 4) {
          const y = add('BatchNormalization', [toNchw(x!), ...ins], layer.name, [float('epsilon', eps)]);
          out.set(layer.name, { tensor: y, nchw: true, rank: 4 });
        } else if (rank === 2) {
          const y = add('BatchNormalization', [x!.tensor, ...ins], layer.name, [float('epsilon', eps)]);
          out.set(layer.name, { tensor: y, nchw: false, rank: 2 });
        } else throw unsupported(layer, `rank ${rank} input`);
        break;
      }
      case 'Add': {
        if (src.length < 2) throw unsupported(layer, 'fewer than two inputs');
        const anyNchw = src.some((s) => s.nchw && s.rank === 4);
        const ts = src.map((s) => (anyNchw ? toNchw(s) : s.tensor));
        let y = ts[0];
        for (let i = 1; i < ts.length; i++) y = add('Add', [y, ts[i]], layer.name);
        out.set(layer.name, { tensor: y, nchw: anyNchw, rank: src[0].rank });
        break;
      }
      default:
        throw unsupported(layer, 'no ONNX mapping for this class');
    }
  }
  const outputs = graph.outputs.map((nm) => {
    const v = out.get(nm)!;
    // Hand the output back in Keras order.
    const t = v.rank === 4 && v.nchw ? add('Transpose', [v.tensor], nm, [ints('perm', [0, 2, 3, 1])]) : v.tensor;
    const final = `${nm}:output`;
    nodes.push({ opType: 'Identity', input: [t], output: [final], name: `${nm}/output`, attribute: [], domain: '' });
    return { name: final, type: { tensorType: { elemType: FLOAT } } };
  });
  void int64Tensor;
  const model: onnx.IModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'rgp-vscode',
    producerVersion: '0.1.0',
    graph: { name, node: nodes, initializer: inits, input: inputs, output: outputs },
  };
  return { model, weights };
}

/** Opens a TF.js (or any layers-format) model and converts it; returns the encoded ONNX model. */
export async function layersFolderToOnnx(modelPath: string): Promise<Uint8Array> {
  const m = await openModel(modelPath, { signal: neverCancelled });
  const r = layersToOnnx(m.graph, (w) => {
    const { bytes, byteOffset } = m.weightBytes(w);
    const out = new Float32Array(w.bytes / 4);
    new Uint8Array(out.buffer).set(bytes.subarray(byteOffset, byteOffset + w.bytes));
    return out;
  });
  return encodeModel(r.model);
}
