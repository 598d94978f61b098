/**
 * The cells of a sparsification comparison, in the one fixed order every path uses (a local run, the
 * worker pool, a plan's run-cell/merge): for each seed, the dense run (when asked), then each sparsity ×
 * sparse method. A cell is determined by its coordinates: the seed's task (split, walks, embeddings) and
 * its dense run are rebuilt from the seed wherever the cell runs, so a cell gives the same run alone or
 * beside the others.
 */
import type { SparsifyMethod } from '../../core/sparse/results';

export interface SparsifyCell {
  method: SparsifyMethod;
  /** 0 for the dense run. */
  sparsity: number;
  seed: number;
}

export function sparsifyCells(methods: readonly SparsifyMethod[], sparsities: readonly number[], seeds: readonly number[]): SparsifyCell[] {
  const sparse = methods.filter((m) => m !== 'dense');
  const cells: SparsifyCell[] = [];
  for (const seed of seeds) {
    if (methods.includes('dense')) cells.push({ method: 'dense', sparsity: 0, seed });
    for (const sparsity of sparsities) for (const method of sparse) cells.push({ method, sparsity, seed });
  }
  return cells;
}

export function sparsifyCellKey(c: SparsifyCell): string {
  return c.method === 'dense' ? `dense/seed=${c.seed}` : `${c.method}/sparsity=${c.sparsity}/seed=${c.seed}`;
}
