/**
 * Best-known ASPL values of the Graph Golf competition (order/degree problem: the lowest ASPL of a
 * k-regular graph on n nodes; https://research.nii.ac.jp/graphgolf/), shown beside the Moore bound so a
 * user sees how close a searched graph is to the best graphs anyone has found.
 *
 * Only values we can cite are listed (from the project's mission notes on the competition's results):
 * (64, 8) 1.927 and (256, 8) 2.736 = 0.674 % above the Moore bound. The competition reports its values to
 * three decimals, and so do we. Every other (n, k) has no entry (null): absence is not a claim.
 */

export interface BestKnown {
  /** The best-known ASPL, as the competition reports it (three decimals). */
  aspl: number;
  /** Where the value comes from, for reports. */
  source: string;
}

const GRAPH_GOLF = 'Graph Golf (order/degree problem), best known';

const TABLE = new Map<string, BestKnown>([
  ['64,8', { aspl: 1.927, source: GRAPH_GOLF }],
  ['256,8', { aspl: 2.736, source: GRAPH_GOLF }],
]);

/** The best-known ASPL for (n, k), or null when we have no value to cite. O(1). */
export function bestKnownAspl(n: number, k: number): BestKnown | null {
  return TABLE.get(`${n},${k}`) ?? null;
}
