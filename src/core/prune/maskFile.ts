/**
 * `masks.json`: everything needed to rebuild every mask of a pruned model, compactly.
 *
 * An RGP mask is fully determined by the adjacency and each layer's kernel shape (groups are contiguous,
 * see blockMask.ts), so the file stores each graph once and one small entry per masked layer instead of
 * megabytes of bits. Version 1 — written whenever every masked layer uses the same n, i.e. always unless
 * per-layer n overrides are given, so files of plain RGP runs read as before:
 *
 *   { "format": "rgp-masks", "version": 1, "n": 64, "k": 4, "selfLoops": false,
 *     "mapping": "Mask[..., i, o] = A[group(i), group(o)], group(c) = floor(c*n/C)",
 *     "neighbours": [[…k ids…], …n rows…],
 *     "layers": [{ "layer": "dense_2", "weight": "dense_2/kernel", "variable": "kernel",
 *                  "shape": [256, 128], "kept": 8192, "total": 32768 }] }
 *
 * Version 2 — written only when layers use different n (`--layer-groups`): one graph per distinct n, the
 * main graph first, and each layer names the n it is grouped by:
 *
 *   { "format": "rgp-masks", "version": 2, "selfLoops": false, "mapping": "…",
 *     "graphs": [{ "n": 64, "k": 4, "neighbours": [[…]] }, { "n": 16, "k": 2, "neighbours": [[…]] }],
 *     "layers": [{ "layer": "narrow", "n": 16, "weight": …, "variable": …, "shape": …, "kept": …, "total": … }] }
 *
 * A layer entry of a model whose kernels are not in Keras layout (ONNX Conv / Gemm with transB) also says
 * `"layout": "out-in-taps"` (shape [C_out, C_in, k…]); absent means Keras layout [k…, C_in, C_out].
 * A layer whose input axis is not one producer's channels — it reads a channel Concat, or a Flatten of an
 * NCHW map whose channel count n does not divide — says how it is made, `"inputParts": [{ "channels": 16,
 * "taps": 1 }, { "channels": 8, "taps": 1 }]`: each part is grouped on its own and input group g is every
 * part's group g (blockMask.InputPart); absent means one part of C_in channels.
 *
 * Training reads either with `parseMaskFile` and multiplies each listed kernel by `maskFor(entry)` (a 0/1
 * Float32Array in the kernel's own layout) after every update, keeping pruned weights at zero.
 */
import { RgpError } from '../errors';
import { blockAdjacency, inputGroupRanges, kernelGeometry, kernelMask, type BlockAdjacency, type InputPart, type KernelLayout } from './blockMask';

export interface MaskFileLayer {
  layer: string;
  /** The node count of this layer's graph (version 2 only; version 1 layers all use the file's n). */
  n?: number;
  /** The manifest name of the masked weight. */
  weight: string;
  variable: string;
  shape: number[];
  /** Only when not Keras layout. */
  layout?: KernelLayout;
  /** Only when the input axis is not one producer's channels (see the file comment). */
  inputParts?: InputPart[];
  kept: number;
  total: number;
}

export interface MaskFileGraph {
  n: number;
  k: number;
  neighbours: number[][];
}

export interface MaskFileV1 {
  format: 'rgp-masks';
  version: 1;
  n: number;
  k: number;
  selfLoops: boolean;
  mapping: string;
  neighbours: number[][];
  layers: MaskFileLayer[];
}

export interface MaskFileV2 {
  format: 'rgp-masks';
  version: 2;
  selfLoops: boolean;
  mapping: string;
  /** One graph per distinct n, the main graph first. */
  graphs: MaskFileGraph[];
  layers: MaskFileLayer[];
}

export type MaskFile = MaskFileV1 | MaskFileV2;

export const MASK_MAPPING = 'Mask[..., i, o] = A[group(i), group(o)] (+ identity with selfLoops), group(c) = floor(c*n/C), Keras kernel layout [..., C_in, C_out]; with inputParts, input i in a part of C channels x taps at channel c = floor((i - part start)/taps) has group floor(c*n/C)';

/** The smallest file that describes the masks: version 1 for one graph, version 2 for several. */
export function buildMaskFile(selfLoops: boolean, graphs: MaskFileGraph[], layers: Array<MaskFileLayer & { n: number }>): MaskFile {
  if (graphs.length === 1) {
    const [g] = graphs;
    return { format: 'rgp-masks', version: 1, n: g.n, k: g.k, selfLoops, mapping: MASK_MAPPING, neighbours: g.neighbours, layers: layers.map((l) => ({ layer: l.layer, weight: l.weight, variable: l.variable, shape: l.shape, ...(l.layout && l.layout !== 'taps-in-out' ? { layout: l.layout } : {}), ...(l.inputParts ? { inputParts: l.inputParts } : {}), kept: l.kept, total: l.total })) };
  }
  return {
    format: 'rgp-masks', version: 2, selfLoops, mapping: MASK_MAPPING, graphs,
    layers: layers.map(({ layout, inputParts, ...l }) => ({ ...l, ...(layout && layout !== 'taps-in-out' ? { layout } : {}), ...(inputParts ? { inputParts } : {}) })),
  };
}

export interface LoadedMasks {
  file: MaskFile;
  /** The main graph's adjacency (version 1: the only one). */
  adjacency: BlockAdjacency;
  /** Every graph's adjacency by its node count n. */
  adjacencies: ReadonlyMap<number, BlockAdjacency>;
  /** The 0/1 mask of one listed layer, in its kernel's layout. */
  maskFor(entry: MaskFileLayer): Float32Array;
}

export function parseMaskFile(json: unknown): LoadedMasks {
  const bad = (what: string) => new RgpError('BAD_MODEL', `masks.json is not usable: ${what}.`, 'Use the masks.json written by `rgp prune` next to the pruned model.');
  const f = json as Record<string, unknown> | null;
  if (!f || typeof f !== 'object' || f.format !== 'rgp-masks') throw bad('it is not an RGP mask file');
  const selfLoops = f.selfLoops === true;
  let graphs: unknown[];
  if (f.version === 1) graphs = [{ n: f.n, neighbours: f.neighbours }];
  else if (f.version === 2) {
    if (!Array.isArray(f.graphs) || f.graphs.length === 0) throw bad('it lists no graphs');
    graphs = f.graphs;
  } else throw bad(`version ${String(f.version)} is not supported`);
  if (!Array.isArray(f.layers)) throw bad('layers are missing');
  const adjacencies = new Map<number, BlockAdjacency>();
  for (const g of graphs as Array<Partial<MaskFileGraph> | null>) {
    if (!g || typeof g.n !== 'number' || !Array.isArray(g.neighbours) || g.neighbours.length !== g.n) throw bad('n or neighbours are missing');
    if (adjacencies.has(g.n)) throw bad(`two graphs have n = ${g.n}`);
    adjacencies.set(g.n, blockAdjacency(g.neighbours, selfLoops));
  }
  const mainN = (graphs[0] as MaskFileGraph).n;
  const nOf = (entry: MaskFileLayer) => (f.version === 1 ? mainN : entry.n);
  for (const l of f.layers as Array<MaskFileLayer | null>) {
    if (!l || typeof l.layer !== 'string' || !Array.isArray(l.shape) || l.shape.length < 2) throw bad('a layer entry has no name or kernel shape');
    const n = nOf(l);
    if (typeof n !== 'number' || !adjacencies.has(n)) throw bad(`layer "${l.layer}" names no graph of this file (n = ${String(n)})`);
    if (l.layout !== undefined && l.layout !== 'taps-in-out' && l.layout !== 'out-in-taps') throw bad(`layer "${l.layer}" has an unknown kernel layout`);
    const { cIn, cOut } = kernelGeometry(l.shape, l.layout);
    if (Math.min(cIn, cOut) < n) throw bad(`layer "${l.layer}" has fewer channels than n = ${n}`);
    if (l.inputParts !== undefined) {
      const parts = l.inputParts as unknown;
      if (!Array.isArray(parts) || !parts.every((p: { channels?: unknown; taps?: unknown } | null) => p && Number.isInteger(p.channels) && Number.isInteger(p.taps))) throw bad(`layer "${l.layer}" has malformed inputParts`);
      try {
        inputGroupRanges(cIn, n, l.inputParts);
      } catch {
        throw bad(`layer "${l.layer}": its inputParts do not split its ${cIn} inputs into n = ${n} groups`);
      }
    }
  }
  return {
    file: f as unknown as MaskFile,
    adjacency: adjacencies.get(mainN)!,
    adjacencies,
    maskFor: (entry) => {
      const adj = adjacencies.get(nOf(entry) ?? -1);
      if (!adj) throw bad(`layer "${entry.layer}" names no graph of this file (n = ${String(entry.n)})`);
      return kernelMask(entry.shape, adj, entry.layout, entry.inputParts);
    },
  };
}
