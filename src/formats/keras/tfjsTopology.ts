/**
 * A Keras config in the form tfjs-layers deserialises (the Keras 2 / tf.keras form the TF.js converter
 * writes), so a `.keras` or `.h5` model can be loaded by `tf.loadLayersModel` for training and written as
 * a TF.js model.json. Keras 3 adds wrappers tfjs does not read; each is rewritten to its Keras 2 spelling:
 *  - `{module, class_name, config, registered_name}` → `{class_name, config}`;
 *  - a dtype policy object (`DTypePolicy` / `FloatDTypePolicy`) → its name (`"float32"`);
 *  - InputLayer `batch_shape` → `batch_input_shape`; `build_config` and `compile_config` dropped;
 *  - functional `inbound_nodes` `[{args, kwargs}]` → `[[[name, node, tensor, {}], …]]`, and a single
 *    `input_layers` / `output_layers` reference `["x", 0, 0]` → `[["x", 0, 0]]`;
 *  - the `Functional` class → `Model` (tfjs' name for it).
 * Weight values are not involved: they stay bytes and travel unchanged.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const POLICIES = new Set(['DTypePolicy', 'FloatDTypePolicy', 'Policy']);

/** The tfjs `modelTopology` for a Keras `{class_name, config}`. */
export function toTfjsTopology(topology: Obj, kerasVersion: string | null): Obj {
  const cls = topology.class_name === 'Functional' ? 'Model' : topology.class_name;
  const config = isObj(topology.config) ? { ...topology.config } : topology.config;
  if (isObj(config)) {
    if (Array.isArray(config.layers)) config.layers = config.layers.map((l) => layerEntry(l));
    for (const k of ['input_layers', 'output_layers']) {
      const v = config[k];
      if (Array.isArray(v) && typeof v[0] === 'string') config[k] = [v];
    }
    delete config.build_input_shape;
  }
  return { class_name: cls, config: Array.isArray(config) ? config.map((l) => layerEntry(l)) : config, keras_version: kerasVersion ?? undefined, backend: 'tensor_flow.js' };
}

function layerEntry(l: unknown): unknown {
  if (!isObj(l)) return l;
  const out: Obj = { class_name: l.class_name, config: plain(l.config) };
  if (typeof l.name === 'string') out.name = l.name;
  if (isObj(out.config) && out.class_name === 'InputLayer' && 'batch_shape' in out.config) {
    const { batch_shape, ...rest } = out.config;
    out.config = { ...rest, batch_input_shape: batch_shape };
  }
  if ('inbound_nodes' in l) out.inbound_nodes = inboundNodes(l.inbound_nodes);
  return out;
}

/** Any config value with Keras 3 wrappers rewritten (see the file comment). */
export function plain(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => plain(x));
  if (!isObj(v)) return v;
  if (typeof v.class_name === 'string' && POLICIES.has(v.class_name) && isObj(v.config) && typeof v.config.name === 'string') {
    return key === 'dtype' || key === '' ? v.config.name : v;
  }
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'module' || k === 'registered_name' || k === 'build_config' || k === 'compile_config' || k === 'shared_object_id') continue;
    out[k] = plain(x, k);
  }
  return out;
}

function inboundNodes(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((node) => {
    if (Array.isArray(node)) return node;
    const refs: unknown[] = [];
    if (isObj(node)) collect(node.args, refs);
    return refs;
  });
}

function collect(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out);
    return;
  }
  if (!isObj(v)) return;
  const cfg = v.config;
  if (v.class_name === '__keras_tensor__' && isObj(cfg) && Array.isArray(cfg.keras_history)) {
    const [name, node, tensor] = cfg.keras_history;
    out.push([name, node ?? 0, tensor ?? 0, {}]);
  }
}
