/**
 * The cells of a sweep, in the one fixed order every path uses (a local run, the worker pool, a plan's
 * run-cell/merge): for each seed, the dense baseline (when asked), then each ratio × graph kind. A cell is
 * fully determined by its coordinates: its weights are drawn from its seed, its graph from (kind, ratio,
 * seed) with a swap budget — never from time or from the cells run before it.
 */
import type { GraphKind } from '../../core/train/results';

export interface SweepCell {
  /** Requested ratio (absent for the dense baseline). */
  ratio?: number;
  graph: GraphKind;
  seed: number;
}

export function sweepCells(seeds: readonly number[], ratios: readonly number[], graphs: readonly Exclude<GraphKind, 'dense'>[], dense: boolean): SweepCell[] {
  const cells: SweepCell[] = [];
  for (const seed of seeds) {
    if (dense) cells.push({ graph: 'dense', seed });
    for (const ratio of ratios) for (const graph of graphs) cells.push({ ratio, graph, seed });
  }
  return cells;
}

/** A short label that names a cell in messages and cell files. */
export function sweepCellKey(c: SweepCell): string {
  return c.graph === 'dense' ? `dense/seed=${c.seed}` : `${c.graph}/ratio=${c.ratio}/seed=${c.seed}`;
}
