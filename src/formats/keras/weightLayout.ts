/**
 * Where each layer's weights live in a Keras HDF5 file, for the two layouts Keras has written:
 *
 *  - `.keras` (Keras 3, tf.keras ≥ 2.13): `layers/<class>[_n]/vars/<i>`, the group named by the layer's
 *    class in snake case and numbered by class in layer order (not by the layer's name: tf.keras 2.15
 *    stores the config's `conv1d_1` at `layers/conv1d` when it is the first Conv1D), the variables by
 *    position in the layer's weight list (Dense: kernel, bias). When the `vars` group carries a `name`
 *    attribute (Keras ≥ 3.6) it must be the config's layer name.
 *  - legacy `.h5`: `model_weights/<layer>` with a `weight_names` attribute listing dataset paths inside it
 *    (`conv2d_1_1/kernel:0` in 2.0.5, `conv2d/kernel:0` in 2.10, `kernel` without `:0` from Keras 3).
 *
 * Each weight becomes `<layer>/<variable>` (kernel, bias, gamma, …: what the layer graph checks shapes
 * against), float32 only: float16 or integer (quantized) weights are refused with the layer named.
 * A layer of a class RGP does not know (custom, Lambda, a nested model) owns every dataset under its group,
 * named by its path there; the graph leaves it dense.
 */
import { RgpError } from '../../core/errors';
import { expectedWeights, isKnownClass } from '../../core/model/shapes';
import type { RawLayer } from '../../core/model/modelJson';
import { snakeCase } from './kerasConfig';
import { datasetAt, float32Problem, groupAt, stringAttr, stringListAttr, type H5Dataset, type H5Group, type MemHdf5 } from './hdf5';

export interface StoredWeight {
  layer: string;
  /** `<layer>/<variable>`: the weight's name in the ModelJson manifest. */
  name: string;
  variable: string;
  /** Dataset path in the HDF5 file. */
  path: string;
  shape: number[];
  /** false for BatchNormalization moving statistics and layers configured `trainable: false`. */
  trainable: boolean;
}

/** Group nesting deeper than this under a layer is refused (Keras nests a few levels). */
export const MAX_GROUP_DEPTH = 32;

const mismatch = (label: string, what: string) =>
  new RgpError('BAD_MODEL', `The weights in ${label} do not match the model config: ${what}.`, 'The config and the weights come from different models, or the file was edited; save the model again from Keras.');

/** Weights of a Keras 3 `model.weights.h5`, in layer order. */
export function keras3Weights(h: MemHdf5, layers: readonly RawLayer[], label: string): StoredWeight[] {
  const { h5, file } = h;
  const root = groupAt(h5, file, 'layers');
  if (!root) throw mismatch(label, 'it has no "layers" group');
  const counts = new Map<string, number>();
  const claimed = new Set<string>();
  const out: StoredWeight[] = [];
  for (const layer of layers) {
    const key = snakeCase(layer.className);
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const groupName = n === 0 ? key : `${key}_${n}`;
    const g = groupAt(h5, root, groupName);
    if (!g) continue; // A layer with weights but no group is reported by the layer graph ("has no kernel").
    claimed.add(groupName);
    const vars = groupAt(h5, g, 'vars');
    const stored = vars ? stringAttr(vars, 'name') : undefined;
    if (stored !== undefined && stored !== layer.name) throw mismatch(label, `layers/${groupName} holds the weights of "${stored}", but the config's ${ordinal(n + 1)} ${layer.className} is "${layer.name}"`);
    if (!isKnownClass(layer.className)) {
      for (const [rel, d] of datasetsUnder(h5, g, MAX_GROUP_DEPTH, `layers/${groupName}`, label)) out.push(weight(layer, rel.replace(/\//g, '.'), `layers/${groupName}/${rel}`, d, label));
      continue;
    }
    const names = vars ? numberedDatasets(vars, `layers/${groupName}/vars`, label) : [];
    const variables = variableNames(layer, names.length, label, `layers/${groupName}/vars`);
    names.forEach((i, at) => {
      const path = `layers/${groupName}/vars/${i}`;
      out.push(weight(layer, variables[at], path, datasetAt(h5, file, path)!, label));
    });
  }
  for (const k of safeKeys(root)) {
    if (claimed.has(k)) continue;
    const g = groupAt(h5, root, k);
    if (g && datasetsUnder(h5, g, MAX_GROUP_DEPTH, `layers/${k}`, label).length > 0) throw mismatch(label, `it holds weights at layers/${k}, which no layer of the config claims`);
  }
  return out;
}

/** Weights of a legacy full-model `.h5` (`model_weights/<layer>` + `weight_names`), in layer order. */
export function legacyH5Weights(h: MemHdf5, layers: readonly RawLayer[], label: string): StoredWeight[] {
  const { h5, file } = h;
  const mw = groupAt(h5, file, 'model_weights');
  if (!mw) throw mismatch(label, 'it has no "model_weights" group');
  const names = stringListAttr(mw, 'layer_names') ?? safeKeys(mw);
  const configNames = new Set(layers.map((l) => l.name));
  for (const n of names) {
    const g = groupAt(h5, mw, n);
    if (!configNames.has(n) && g && (stringListAttr(g, 'weight_names') ?? []).length > 0) throw mismatch(label, `it holds weights for a layer "${n}", which the config does not have`);
  }
  const out: StoredWeight[] = [];
  for (const layer of layers) {
    const g = groupAt(h5, mw, layer.name);
    if (!g) continue;
    const weightNames = stringListAttr(g, 'weight_names') ?? [];
    const lastParts = weightNames.map((w) => w.split('/').pop()!.replace(/:\d+$/, ''));
    const unique = new Set(lastParts).size === lastParts.length;
    const known = isKnownClass(layer.className);
    const expected = known ? Object.keys(expectedWeights(layer.className, layer.config, [null])) : [];
    if (known && expected.length > 0 && weightNames.length !== expected.length) {
      throw mismatch(label, `layer "${layer.name}" (${layer.className}) stores ${weightNames.length} weights, but its config implies ${expected.length} (${expected.join(', ')})`);
    }
    weightNames.forEach((wn, i) => {
      const d = datasetAt(h5, g, wn);
      if (!d) throw mismatch(label, `layer "${layer.name}" lists a weight "${wn}" that is not in the file`);
      const variable = unique ? lastParts[i] : wn.replace(/:\d+$/, '').replace(/\//g, '.');
      out.push(weight(layer, variable, `model_weights/${layer.name}/${wn}`, d, label));
    });
  }
  return out;
}

function weight(layer: RawLayer, variable: string, path: string, d: H5Dataset, label: string): StoredWeight {
  const problem = float32Problem(d);
  if (problem) {
    throw new RgpError(
      'UNSUPPORTED',
      `Layer "${layer.name}" in ${label} stores ${variable} as ${problem}; RGP prunes float32 weights.`,
      'Save a float32 copy of the model (before quantizing or casting to half precision) and prune that.',
    );
  }
  const shape = d.shape ?? [];
  const trainable = layer.config.trainable !== false && !(layer.className === 'BatchNormalization' && variable.startsWith('moving_'));
  return { layer: layer.name, name: `${layer.name}/${variable}`, variable, path, shape, trainable };
}

/**
 * Names of a known layer's variables in stored order: the order the layer creates them, which is the
 * order of `expectedWeights` (Dense: kernel, bias; BatchNormalization: gamma, beta, moving_mean,
 * moving_variance, each present as the config says). A count that differs is a mismatch.
 */
function variableNames(layer: RawLayer, count: number, label: string, where: string): string[] {
  const expected = Object.keys(expectedWeights(layer.className, layer.config, [null]));
  const own = OTHER_VARIABLES[layer.className]?.(layer.config) ?? [];
  const names = expected.length > 0 ? expected : own;
  if (names.length === 0) return Array.from({ length: count }, (_, i) => String(i));
  if (count !== names.length) throw mismatch(label, `layer "${layer.name}" (${layer.className}) has ${count} weights at ${where}, but its config implies ${names.length} (${names.join(', ')})`);
  return names;
}

/** Known shape-preserving classes that own weights the shape checker does not list. */
const OTHER_VARIABLES: Record<string, (c: Record<string, unknown>) => string[]> = {
  LayerNormalization: (c) => [...(c.scale !== false ? ['gamma'] : []), ...(c.center !== false ? ['beta'] : [])],
  PReLU: () => ['alpha'],
};

/** A `vars` group's datasets `0, 1, …` in numeric order (anything else there is a mismatch). */
function numberedDatasets(vars: H5Group, where: string, label: string): number[] {
  const keys = safeKeys(vars);
  const nums = keys.map(Number).sort((a, b) => a - b);
  if (!nums.every((v, i) => v === i) || keys.some((k) => String(Number(k)) !== k)) throw mismatch(label, `${where} holds [${keys.slice(0, 8).join(', ')}], not variables numbered 0, 1, …`);
  return nums;
}

/** Every dataset below a group (relative path, dataset), sorted by path with numbers in numeric order. */
export function datasetsUnder(h5: MemHdf5['h5'], g: H5Group, depthLeft: number, where: string, label: string): [string, H5Dataset][] {
  if (depthLeft <= 0) throw new RgpError('BAD_MODEL', `${label} nests groups more than ${MAX_GROUP_DEPTH} deep at ${where}.`, 'This is not how Keras writes weights; save the model again from Keras.');
  const out: [string, H5Dataset][] = [];
  const keys = safeKeys(g).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const k of keys) {
    const d = datasetAt(h5, g, k);
    if (d) {
      out.push([k, d]);
      continue;
    }
    const sub = groupAt(h5, g, k);
    if (sub) for (const [rel, dd] of datasetsUnder(h5, sub, depthLeft - 1, `${where}/${k}`, label)) out.push([`${k}/${rel}`, dd]);
  }
  return out;
}

function safeKeys(g: H5Group): string[] {
  try {
    return g.keys();
  } catch {
    return [];
  }
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}
