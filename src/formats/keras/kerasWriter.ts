/**
 * A new `.keras` archive from any Keras layers model (a TF.js model.json, a legacy .h5, a .keras): what
 * `rgp convert --to keras` and training's `.keras` output write.
 *
 *   config.json       the model's own config, as read (from a TF.js model.json that is the Keras 2 /
 *                     tf.keras form the converter wrote — what tf.keras 2.13–2.15 put into its own .keras
 *                     files, and what Keras 3 reads for built-in classes)
 *   metadata.json     { keras_version, date_saved } — a fixed date, so the same model gives the same bytes
 *   model.weights.h5  `layers/<class>[_n]/vars/<i>` for every layer in config order (numbered by class, as
 *                     Keras names them), an empty `vars` group for the model; float32 datasets holding the
 *                     input's bytes unchanged. No optimizer state: a converted model starts training fresh.
 */
import { RgpError } from '../../core/errors';
import { elementCount, type ModelJson } from '../../core/model/modelJson';
import { indexWeights } from '../../core/model/weightIndex';
import { createHdf5 } from './hdf5';
import { snakeCase } from './kerasConfig';
import { writeZip } from './zipArchive';

export async function writeKerasArchive(model: ModelJson, weightData: Uint8Array, label: string): Promise<Uint8Array> {
  const index = indexWeights(model);
  for (const w of index.all) {
    if (w.spec.dtype !== 'float32' || w.spec.quantization) {
      throw new RgpError('UNSUPPORTED', `${label} stores ${w.spec.name} as ${w.spec.quantization ? `quantized ${w.spec.quantization.dtype}` : w.spec.dtype}; a .keras file is written from float32 weights only.`, 'Convert a float32 export of the model (without --quantize).');
    }
  }
  if (index.unassigned.length > 0) throw new RgpError('UNSUPPORTED', `${label} has weights no layer owns (${index.unassigned.slice(0, 3).map((w) => w.spec.name).join(', ')}), which a .keras file cannot place.`, 'Convert a model whose weights are named <layer>/<variable>.');
  const h = await createHdf5();
  let h5Bytes: Uint8Array;
  try {
    const layersGroup = h.file.create_group('layers');
    const counts = new Map<string, number>();
    for (const layer of model.layers) {
      if (layer.className === 'InputLayer') continue; // Keras keeps no group for it
      const key = snakeCase(layer.className);
      const n = counts.get(key) ?? 0;
      counts.set(key, n + 1);
      const g = layersGroup.create_group(n === 0 ? key : `${key}_${n}`);
      const vars = g.create_group('vars');
      (index.byLayer.get(layer.name) ?? []).forEach((w, i) => {
        const bytes = weightData.slice(w.offset, w.offset + w.bytes);
        vars.create_dataset({ name: String(i), data: new Float32Array(bytes.buffer, 0, elementCount(w.spec.shape)), shape: w.spec.shape, dtype: '<f' });
      });
    }
    h.file.create_group('vars');
    h5Bytes = h.finish();
  } finally {
    h.close();
  }
  const topology = model.modelTopology;
  const inner = (topology.model_config ?? topology) as Record<string, unknown>;
  const cls = inner.class_name === 'Model' ? 'Functional' : inner.class_name;
  const config = { class_name: cls, config: inner.config };
  const version = model.kerasVersion && /^\d+\.\d+/.test(model.kerasVersion) ? model.kerasVersion : '2.15.0';
  const enc = new TextEncoder();
  return writeZip([
    { name: 'metadata.json', bytes: enc.encode(JSON.stringify({ keras_version: version, date_saved: '1980-01-01@00:00:00' })), compression: 0 },
    { name: 'config.json', bytes: enc.encode(JSON.stringify(config)), compression: 0 },
    { name: 'model.weights.h5', bytes: h5Bytes, compression: 0 },
  ]);
}
