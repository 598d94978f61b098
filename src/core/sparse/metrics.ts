/**
 * Test metrics of the two tasks of arXiv 2209.04766: accuracy (link prediction: probability ≥ 0.5 is a
 * predicted link; node classification: arg-max class) and, for link prediction, ROC AUC computed exactly as
 * the Mann–Whitney statistic — the probability that a random positive scores above a random negative, ties
 * counting one half (average ranks). O(m log m) for m examples.
 */

/** Fraction of examples with (p ≥ 0.5) = (label = 1). */
export function binaryAccuracy(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (probabilities.length !== labels.length) throw new RangeError('probabilities and labels differ in length');
  if (labels.length === 0) return NaN;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if ((probabilities[i] >= 0.5 ? 1 : 0) === (labels[i] ? 1 : 0)) right++;
  return right / labels.length;
}

/** Fraction of rows whose arg-max (first on ties) equals the label; `scores` is rows × classes, row-major. */
export function argmaxAccuracy(scores: ArrayLike<number>, classes: number, labels: ArrayLike<number>): number {
  const rows = labels.length;
  if (scores.length !== rows * classes) throw new RangeError(`scores hold ${scores.length} values, expected ${rows}×${classes}`);
  if (rows === 0) return NaN;
  let right = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[r * classes + c] > scores[r * classes + best]) best = c;
    if (best === labels[r]) right++;
  }
  return right / rows;
}

/** ROC AUC by average ranks; NaN when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const m = labels.length;
  if (scores.length !== m) throw new RangeError('scores and labels differ in length');
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < m; ) {
    let j = i;
    while (j + 1 < m && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (labels[order[t]]) {
      positives++;
      rankSum += rank;
    }
    i = j + 1;
  }
  const negatives = m - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
