/**
 * Circular layout: node i on the unit circle at angle 2πi/n, starting at twelve o'clock and going
 * clockwise, so node order (and a ring lattice's structure) reads directly and every chord is an edge.
 * O(n). Positions are interleaved x, y pairs in layout units.
 */
export function circularLayout(n: number): Float64Array {
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
    xy[2 * i] = Math.cos(a);
    xy[2 * i + 1] = Math.sin(a);
  }
  return xy;
}
