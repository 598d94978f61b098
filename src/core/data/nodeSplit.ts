/**
 * The node-classification split of "Towards Sparsification of Graph Neural Networks" (arXiv 2209.04766):
 * the labelled nodes (label ≥ 0) in a seeded random order, cut 60 / 20 / 20 into train / validation / test.
 * Set sizes are round(f·L) for train and validation, the rest for test (L labelled nodes); `stratified`
 * cuts every class the same way instead, so small classes appear in every set. Each returned set is sorted
 * ascending. O(L) plus the sort.
 */
import { RgpError } from '../errors';
import { Random } from '../random';

export interface NodeSplit {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

export function nodeSplit(
  labels: Int32Array,
  opts: { seed: number; fractions?: [number, number, number]; stratified?: boolean },
): NodeSplit {
  const fractions = opts.fractions ?? [0.6, 0.2, 0.2];
  const sum = fractions[0] + fractions[1] + fractions[2];
  if (fractions.some((f) => !(f >= 0)) || Math.abs(sum - 1) > 1e-9) {
    throw new RgpError('BAD_ARGUMENT', `split fractions must be three non-negative shares summing to 1, got [${fractions.join(', ')}].`, 'For example [0.6, 0.2, 0.2].');
  }
  const rng = new Random(opts.seed);
  const groups: number[][] = [];
  if (opts.stratified) {
    for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) (groups[labels[i]] ??= []).push(i);
  } else {
    const all: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) all.push(i);
    groups.push(all);
  }
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  let labelled = 0;
  for (const g of groups) {
    if (!g) continue;
    labelled += g.length;
    rng.shuffle(g);
    const nTrain = Math.round(fractions[0] * g.length);
    const nVal = Math.min(g.length - nTrain, Math.round(fractions[1] * g.length));
    for (let k = 0; k < g.length; k++) (k < nTrain ? train : k < nTrain + nVal ? val : test).push(g[k]);
  }
  if (labelled === 0) throw new RgpError('BAD_DATASET', 'No node has a label (all labels are -1).', 'Give a label file that matches the edge list.');
  const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();
  return { train: sorted(train), val: sorted(val), test: sorted(test) };
}
