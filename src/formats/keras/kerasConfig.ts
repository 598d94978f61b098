/**
 * A Keras model config (`config.json` of a `.keras`, the `model_config` attribute of a legacy `.h5`) read
 * into the pieces of a `ModelJson`, so the TF.js layer graph, planner and counting run on it unchanged —
 * a TF.js layers model is this same config, converted for the browser.
 *
 * What differs between the writers and is normalised here:
 *  - Keras 3 wraps every object as `{module, class_name, config, registered_name}` and adds `build_config`;
 *    the class name is what matters (a custom `registered_name` like `pkg>MyLayer` keeps its class name,
 *    which RGP does not know, so that layer alone is left dense). Nothing in a config is ever executed:
 *    a Lambda's code is a string we never look at.
 *  - A Keras 3 Sequential may have no InputLayer: its input shape is then in `build_input_shape` or
 *    `build_config.input_shape`, and is given to the first layer as `batch_input_shape`.
 *  - Functional `inbound_nodes` in Keras 3's `args`/`kwargs` form or the nested-list form of Keras 2 are
 *    both read by the layer graph (src/core/model/layerGraph.ts).
 * The text is checked for nesting depth before it is parsed (a config nested thousands deep is refused in
 * one line instead of overflowing a stack).
 */
import { RgpError } from '../../core/errors';
import { MAX_JSON_DEPTH, textNestingDepth } from '../../core/jsonDepth';
import type { RawLayer } from '../../core/model/modelJson';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deeper than any config Keras writes (about 12 levels) by a wide margin: the limit every JSON reader uses. */
export const MAX_CONFIG_DEPTH = MAX_JSON_DEPTH;

export interface KerasConfig {
  topologyClass: string;
  modelName: string;
  layers: RawLayer[];
  /** `{class_name, config}` with the layer list normalised as above; what the layer graph reads. */
  modelTopology: Obj;
  kerasVersion: string | null;
  trainingConfig: unknown;
}

const badConfig = (label: string, what: string) =>
  new RgpError('BAD_MODEL', `The model config in ${label} is malformed: ${what}.`, 'Save the model again from Keras; the file may be damaged or hand-edited.');

/** Parses config text, refusing excessive nesting first. */
export function parseConfigText(text: string, label: string): unknown {
  const depth = textNestingDepth(text, MAX_CONFIG_DEPTH);
  if (depth > MAX_CONFIG_DEPTH) throw badConfig(label, `it is nested ${depth} levels deep (at most ${MAX_CONFIG_DEPTH} are read)`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badConfig(label, `it is not valid JSON (${(e as Error).message})`);
  }
}

/** The model config (already parsed) read into layers and a topology the layer graph understands. */
export function readKerasConfig(json: unknown, label: string, kerasVersion: string | null, trainingConfig: unknown = null): KerasConfig {
  if (!isObj(json)) throw badConfig(label, 'it is not a JSON object');
  const topologyClass = json.class_name;
  if (typeof topologyClass !== 'string') throw badConfig(label, 'it has no "class_name"');
  if (!['Sequential', 'Functional', 'Model'].includes(topologyClass)) {
    throw new RgpError('UNSUPPORTED', `The model in ${label} is a ${topologyClass}, a subclassed model whose layers Keras does not describe.`, 'Build the model with keras.Sequential or the functional API and save it again.');
  }
  const config = json.config;
  const list = Array.isArray(config) ? config : isObj(config) ? config.layers : undefined;
  if (!Array.isArray(list)) throw badConfig(label, `the ${topologyClass} has no layer list`);
  const modelName = isObj(config) && typeof config.name === 'string' ? config.name : topologyClass;

  const entries = list.map((l, i): Obj => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) throw badConfig(label, `layer #${i} has no class_name/config`);
    return { ...l, config: { ...l.config } };
  });
  const layers: RawLayer[] = entries.map((l, i) => {
    const cfg = l.config as Obj;
    const name = typeof cfg.name === 'string' ? cfg.name : typeof l.name === 'string' ? l.name : undefined;
    if (!name) throw badConfig(label, `layer #${i} (${String(l.class_name)}) has no name`);
    if (name.includes('/')) throw badConfig(label, `the layer name "${name}" contains "/", which Keras does not write`);
    return { className: l.class_name as string, name, config: cfg };
  });
  const seen = new Set<string>();
  for (const l of layers) {
    if (seen.has(l.name)) throw badConfig(label, `two layers are both named "${l.name}"`);
    seen.add(l.name);
  }
  if (topologyClass === 'Sequential' && layers.length > 0) giveSequentialInput(layers[0], entries[0], json, config);
  const topologyConfig = Array.isArray(config) ? entries : { ...(config as Obj), layers: entries };
  return { topologyClass, modelName, layers, modelTopology: { class_name: topologyClass, config: topologyConfig }, kerasVersion, trainingConfig };
}

/** A Keras 3 Sequential without an InputLayer: the first layer gets the built input shape. */
function giveSequentialInput(first: RawLayer, entry: Obj, model: Obj, config: unknown): void {
  const c = first.config;
  if (first.className === 'InputLayer' || ['batch_input_shape', 'batch_shape', 'input_shape', 'input_dim'].some((k) => k in c)) return;
  const candidates = [isObj(config) ? config.build_input_shape : undefined, isObj(model.build_config) ? model.build_config.input_shape : undefined, isObj(entry.build_config) ? entry.build_config.input_shape : undefined];
  const shape = candidates.find((s) => Array.isArray(s) && s.length >= 1);
  if (shape) c.batch_input_shape = shape;
}

/** Keras' `to_snake_case` of a class name: how Keras 3 names a layer's group in model.weights.h5. */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
