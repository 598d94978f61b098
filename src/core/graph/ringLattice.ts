/**
 * The ring lattice (Watts & Strogatz, "Collective dynamics of 'small-world' networks", Nature 1998, with
 * rewiring probability 0): node i is joined to the k/2 nearest nodes on each side (k even). Among
 * connected k-regular graphs it is the one with the largest ASPL, which makes it the "worst graph"
 * baseline of RGP's experiments.
 *
 * Closed form of its ASPL: with h = k/2, the distance between nodes m steps apart on the ring is
 * ⌈min(m, n−m)/h⌉, and S(M) = Σ_{m=1}^{M} ⌈m/h⌉ = h·q(q+1)/2 + r(q+1) with q = ⌊M/h⌋, r = M − qh. So
 *   n odd:  ASPL = 2·S((n−1)/2) / (n−1)
 *   n even: ASPL = (2·S(n/2 − 1) + ⌈(n/2)/h⌉) / (n−1),
 * and the diameter is ⌈⌊n/2⌋/h⌉. O(1).
 */
import { RgpError } from '../errors';
import { fromAdjacency, type RegularGraph } from './graph';
import { validateRegularParams } from './regularGraph';

function ringSum(m: number, h: number): number {
  const q = Math.floor(m / h);
  const r = m - q * h;
  return (h * q * (q + 1)) / 2 + r * (q + 1);
}

function checkEven(k: number): void {
  if (k % 2 !== 0) throw new RgpError('BAD_ARGUMENT', `A ring lattice needs an even degree, got k=${k}.`, 'Use an even k for the ring lattice.');
}

export function ringLattice(n: number, k: number): RegularGraph {
  validateRegularParams(n, k);
  checkEven(k);
  const h = k / 2;
  const adj = new Int32Array(n * k);
  for (let v = 0; v < n; v++) {
    let s = v * k;
    for (let j = 1; j <= h; j++) {
      adj[s++] = (v + n - j) % n;
      adj[s++] = (v + j) % n;
    }
  }
  return fromAdjacency(n, k, adj);
}

/** Closed-form ASPL and diameter of the ring lattice (see the module comment). */
export function ringLatticeAspl(n: number, k: number): { aspl: number; diameter: number } {
  validateRegularParams(n, k);
  checkEven(k);
  const h = k / 2;
  const total = n % 2 === 1 ? 2 * ringSum((n - 1) / 2, h) : 2 * ringSum(n / 2 - 1, h) + Math.ceil(n / 2 / h);
  return { aspl: total / (n - 1), diameter: Math.ceil(Math.floor(n / 2) / h) };
}
