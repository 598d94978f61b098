/**
 * Where every manifest weight lives: its weight group, byte offset and size inside the group's
 * concatenated shards, and the layer that owns it. Masking edits bytes in place at these offsets, so
 * they are computed once, from the manifest alone, in manifest order (the order the bytes are stored).
 */
import { elementCount, storedBytes, type ModelJson, type WeightSpec } from './modelJson';

export interface WeightLocation {
  spec: WeightSpec;
  /** Index of the weight group (its shards concatenated). */
  group: number;
  /** Byte offset inside the group. */
  offset: number;
  bytes: number;
  /** Owning layer, or undefined when no layer name prefixes the weight name. */
  layer: string | undefined;
  /** The variable part of the name: `kernel`, `bias`, `gamma`, … (`:0` suffixes dropped). */
  variable: string;
  elements: number;
}

export interface WeightIndex {
  all: WeightLocation[];
  byLayer: Map<string, WeightLocation[]>;
  unassigned: WeightLocation[];
}

/**
 * The layer a weight belongs to: names are `<layer>/<variable>` (tfjs) or carry an outer model prefix
 * `<model>/<layer>/<variable>` (converter, nested models); the longest matching layer name wins, so
 * `dense_1` never claims `dense_10/kernel`.
 */
export function ownerOf(weightName: string, layerNames: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const l of layerNames) {
    const at = weightName.startsWith(l + '/') ? 0 : weightName.indexOf('/' + l + '/');
    if (at >= 0 && (best === undefined || l.length > best.length)) best = l;
  }
  return best;
}

function variableOf(weightName: string, layer: string | undefined): string {
  let rest = weightName;
  if (layer !== undefined) {
    const at = weightName.startsWith(layer + '/') ? 0 : weightName.indexOf('/' + layer + '/') + 1;
    rest = weightName.slice(at + layer.length + 1);
  }
  return rest.replace(/:\d+$/, '');
}

export function indexWeights(model: ModelJson): WeightIndex {
  const names = model.layers.map((l) => l.name);
  const byLayer = new Map<string, WeightLocation[]>();
  for (const n of names) byLayer.set(n, []);
  const all: WeightLocation[] = [];
  const unassigned: WeightLocation[] = [];
  model.weightGroups.forEach((g, group) => {
    let offset = 0;
    for (const spec of g.weights) {
      const layer = ownerOf(spec.name, names);
      const bytes = storedBytes(spec);
      const loc: WeightLocation = { spec, group, offset, bytes, layer, variable: variableOf(spec.name, layer), elements: elementCount(spec.shape) };
      all.push(loc);
      if (layer === undefined) unassigned.push(loc);
      else byLayer.get(layer)!.push(loc);
      offset += bytes;
    }
  });
  return { all, byLayer, unassigned };
}
