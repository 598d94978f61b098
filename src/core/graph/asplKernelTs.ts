/**
 * The pure TypeScript level step of the bit-parallel BFS, the fallback where WebAssembly SIMD is missing.
 * Same contract as the WASM kernel with rows of 128 bits (4 × 32-bit words): B[v] = A[v] | OR_{u∈N(v)} A[u],
 * returns Σ_v popcount(B[v]). Integer results are identical to the WASM kernel by construction.
 */

/** Population count of a 32-bit integer (SWAR, Hacker's Delight §5-1). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export const TS_ROW_WORDS = 4;

export function levelTs(off: Int32Array, adj: Int32Array, a: Int32Array, b: Int32Array, n: number): number {
  let cnt = 0;
  let p = off[0];
  for (let v = 0; v < n; v++) {
    const end = off[v + 1];
    const r = v << 2;
    let w0 = a[r], w1 = a[r + 1], w2 = a[r + 2], w3 = a[r + 3];
    for (; p < end; p++) {
      const u = adj[p] << 2;
      w0 |= a[u];
      w1 |= a[u + 1];
      w2 |= a[u + 2];
      w3 |= a[u + 3];
    }
    b[r] = w0;
    b[r + 1] = w1;
    b[r + 2] = w2;
    b[r + 3] = w3;
    cnt += popcount32(w0) + popcount32(w1) + popcount32(w2) + popcount32(w3);
  }
  return cnt;
}
