/**
 * `masks.json`: everything needed to rebuild every mask of a pruned model, compactly.
 *
 * An RGP mask is fully determined by the shared adjacency and each layer's kernel shape (groups are
 * contiguous, see blockMask.ts), so the file stores the graph once and one small entry per masked layer
 * instead of megabytes of bits:
 *
 *   { "format": "rgp-masks", "version": 1, "n": 64, "k": 4, "selfLoops": false,
 *     "mapping": "Mask[..., i, o] = A[group(i), group(o)], group(c) = floor(c*n/C)",
 *     "neighbours": [[…k ids…], …n rows…],
 *     "layers": [{ "layer": "dense_2", "weight": "dense_2/kernel", "variable": "kernel",
 *                  "shape": [256, 128], "kept": 8192, "total": 32768 }] }
 *
 * Training reads it with `parseMaskFile` and multiplies each listed kernel by `maskFor(entry)` (a 0/1
 * Float32Array in the kernel's own Keras layout) after every update, keeping pruned weights at zero.
 */
import { RgpError } from '../errors';
import { blockAdjacency, kernelMask, type BlockAdjacency } from './blockMask';

export interface MaskFileLayer {
  layer: string;
  /** The manifest name of the masked weight. */
  weight: string;
  variable: string;
  shape: number[];
  kept: number;
  total: number;
}

export interface MaskFile {
  format: 'rgp-masks';
  version: 1;
  n: number;
  k: number;
  selfLoops: boolean;
  mapping: string;
  neighbours: number[][];
  layers: MaskFileLayer[];
}

export const MASK_MAPPING = 'Mask[..., i, o] = A[group(i), group(o)] (+ identity with selfLoops), group(c) = floor(c*n/C), Keras kernel layout [..., C_in, C_out]';

export interface LoadedMasks {
  file: MaskFile;
  adjacency: BlockAdjacency;
  /** The 0/1 mask of one listed layer, in its kernel's layout. */
  maskFor(entry: MaskFileLayer): Float32Array;
}

export function parseMaskFile(json: unknown): LoadedMasks {
  const bad = (what: string) => new RgpError('BAD_MODEL', `masks.json is not usable: ${what}.`, 'Use the masks.json written by `rgp prune` next to the pruned model.');
  const f = json as Partial<MaskFile> | null;
  if (!f || typeof f !== 'object' || f.format !== 'rgp-masks') throw bad('it is not an RGP mask file');
  if (f.version !== 1) throw bad(`version ${String(f.version)} is not supported`);
  if (!Array.isArray(f.neighbours) || !Array.isArray(f.layers) || typeof f.n !== 'number' || f.neighbours.length !== f.n) throw bad('n, neighbours or layers are missing');
  const adjacency = blockAdjacency(f.neighbours, f.selfLoops === true);
  for (const l of f.layers) {
    if (!l || typeof l.layer !== 'string' || !Array.isArray(l.shape) || l.shape.length < 2) throw bad('a layer entry has no name or kernel shape');
    const cIn = l.shape[l.shape.length - 2], cOut = l.shape[l.shape.length - 1];
    if (Math.min(cIn, cOut) < f.n) throw bad(`layer "${l.layer}" has fewer channels than n = ${f.n}`);
  }
  return { file: f as MaskFile, adjacency, maskFor: (entry) => kernelMask(entry.shape, adjacency) };
}
