/**
 * Learning-rate schedules, per optimizer step. Cosine annealing without restarts (Loshchilov & Hutter,
 * "SGDR", ICLR 2017, with T_max = all steps and η_min = 0) is the schedule RGP trains with (arXiv
 * 2110.15192, following graph2nn, You et al., ICML 2020):
 *
 *     η(t) = η₀ · ½ · (1 + cos(π · t / T)),   t = 0 … T−1 the step about to be taken, T the total steps.
 *
 * The first step uses η₀ and the last a small positive rate (η reaches 0 only after the last step). O(1).
 */

export type ScheduleKind = 'cosine' | 'constant';

export function learningRateAt(kind: ScheduleKind, base: number, step: number, totalSteps: number): number {
  if (kind === 'constant' || totalSteps <= 0) return base;
  const t = Math.min(Math.max(step, 0), totalSteps);
  return 0.5 * base * (1 + Math.cos((Math.PI * t) / totalSteps));
}
