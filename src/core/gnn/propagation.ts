/**
 * The propagation matrices of message passing, as compressed sparse rows (CSR), and their product with a
 * dense feature matrix (SpMM):
 *   GCN (Kipf & Welling, "Semi-Supervised Classification with Graph Convolutional Networks", ICLR 2017):
 *       Â = D̃^-1/2 (A + I) D̃^-1/2, D̃ the degrees of A + I — symmetric, so Âᵀ = Â;
 *   GraphSAGE-mean (Hamilton, Ying, Leskovec, "Inductive Representation Learning on Large Graphs",
 *       NeurIPS 2017): Ā = D^-1 A, the mean over neighbours (an empty row for an isolated node); not
 *       symmetric, so its transpose is kept for the backward pass.
 * A is the undirected simple graph of the edge list: direction, duplicates, timestamps and self-loops are
 * dropped (GCN adds its own self-loops). The product runs in plain JS over the non-zeros: nnz·d
 * multiply-accumulates for a width-d matrix — the cost the accounting reports — where a dense Â·H would
 * cost N²·d (email-Eu-core: 33 k non-zeros against 1.01 M entries).
 *
 * Complexity: building O(E log E); one product O(nnz·d).
 */

export interface CsrMatrix {
  rows: number;
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float32Array;
}

export interface Propagation {
  nodeCount: number;
  matrix: CsrMatrix;
  /** The transpose when the matrix is not symmetric (mean aggregation); null when it is. */
  transpose: CsrMatrix | null;
  nnz: number;
}

function undirectedNeighbours(nodeCount: number, src: Int32Array, dst: Int32Array): Int32Array[] {
  const sets: Set<number>[] = Array.from({ length: nodeCount }, () => new Set<number>());
  for (let e = 0; e < src.length; e++) {
    const u = src[e];
    const v = dst[e];
    if (u === v) continue;
    sets[u].add(v);
    sets[v].add(u);
  }
  return sets.map((s) => Int32Array.from(s).sort());
}

function csr(rows: number, entries: (row: number, push: (col: number, val: number) => void) => void): CsrMatrix {
  const rowPtr = new Int32Array(rows + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < rows; r++) {
    entries(r, (c, v) => {
      col.push(c);
      val.push(v);
    });
    rowPtr[r + 1] = col.length;
  }
  return { rows, rowPtr, col: Int32Array.from(col), val: Float32Array.from(val) };
}

export function gcnPropagation(nodeCount: number, src: Int32Array, dst: Int32Array): Propagation {
  const nb = undirectedNeighbours(nodeCount, src, dst);
  const scale = nb.map((n) => 1 / Math.sqrt(n.length + 1));
  const matrix = csr(nodeCount, (u, push) => {
    let selfDone = false;
    for (const v of nb[u]) {
      if (!selfDone && v > u) {
        push(u, scale[u] * scale[u]);
        selfDone = true;
      }
      push(v, scale[u] * scale[v]);
    }
    if (!selfDone) push(u, scale[u] * scale[u]);
  });
  return { nodeCount, matrix, transpose: null, nnz: matrix.col.length };
}

export function meanPropagation(nodeCount: number, src: Int32Array, dst: Int32Array): Propagation {
  const nb = undirectedNeighbours(nodeCount, src, dst);
  const matrix = csr(nodeCount, (u, push) => {
    for (const v of nb[u]) push(v, 1 / nb[u].length);
  });
  // Row v of Āᵀ holds Ā[u][v] = 1/deg(u) for every neighbour u of v (the graph is undirected).
  const transpose = csr(nodeCount, (v, push) => {
    for (const u of nb[v]) push(u, 1 / nb[u].length);
  });
  return { nodeCount, matrix, transpose, nnz: matrix.col.length };
}

/** M·X for X of M.rows rows and `width` columns, row-major. */
export function spmm(m: CsrMatrix, x: Float32Array, width: number): Float32Array {
  if (x.length !== m.rows * width) throw new RangeError(`SpMM: ${x.length} values for ${m.rows}×${width}`);
  const out = new Float32Array(m.rows * width);
  const { rowPtr, col, val } = m;
  for (let r = 0; r < m.rows; r++) {
    const o = r * width;
    const end = rowPtr[r + 1];
    for (let p = rowPtr[r]; p < end; p++) {
      const a = val[p];
      const xi = col[p] * width;
      for (let c = 0; c < width; c++) out[o + c] += a * x[xi + c];
    }
  }
  return out;
}
