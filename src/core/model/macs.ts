/**
 * Exact multiply-accumulates (MACs) per example, the unit RGP's FLOP claims should be checked in.
 *
 * Conventions (chosen to match how the paper and most papers count "FLOPs" of a forward pass, but exact):
 *  - Dense: C_in·C_out per position (a Dense on a rank-3 input [T, C_in] costs T·C_in·C_out).
 *  - ConvND: every output position costs one dot product over the kernel, so MACs = |kernel|·positions,
 *    i.e. kh·kw·(C_in/groups)·C_out·H_out·W_out (Conv1D: k·C_in·C_out·L_out).
 *  - DepthwiseConv2D: kh·kw·C_in·multiplier·H_out·W_out; SeparableConv2D: that plus the pointwise
 *    C_in·multiplier·C_out·H_out·W_out.
 *  - Bias adds, activations, pooling, merges (Add/Concatenate), Embedding lookups: 0 — they are
 *    additions, comparisons or copies, not multiply-accumulates.
 *  - BatchNormalization: 0 — at inference it folds into the preceding conv/dense (a per-channel scale and
 *    shift), which is how deployed models run it.
 * A pruned (masked) kernel costs only its kept entries: kept·positions. Because an RGP mask is the same
 * for every spatial tap and every output position, this is exact, not an estimate.
 * Returns null when a shape needed for the count is unknown.
 */
import { product, type Shape } from './shapes';

/** Output positions a kernel is applied at, or null if unknown. */
export function kernelPositions(className: string, input: Shape | null, output: Shape | null): number | null {
  switch (className) {
    case 'Dense':
      return input && input.length >= 1 ? product(input.slice(0, -1)) : null;
    case 'Conv1D':
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
      return output && output.length >= 2 ? product(output.slice(0, -1)) : null;
  }
  return 0;
}

/** The kernels that carry multiplies, by variable name, for a class (empty: no MACs). */
export function macKernels(className: string): readonly string[] {
  switch (className) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D':
      return ['kernel'];
    case 'DepthwiseConv2D':
      return ['depthwise_kernel'];
    case 'SeparableConv2D':
      return ['depthwise_kernel', 'pointwise_kernel'];
  }
  return [];
}

/**
 * MACs of one layer per example. `kernelEntries(variable)` gives the (kept) entries of a kernel — the
 * kernel's size for the dense count, the mask's kept count for the pruned one.
 */
export function layerMacs(
  className: string,
  input: Shape | null,
  output: Shape | null,
  kernelEntries: (variable: string) => number | undefined,
): number | null {
  const kernels = macKernels(className);
  if (kernels.length === 0) return 0;
  const positions = kernelPositions(className, input, output);
  if (positions === null) return null;
  let macs = 0;
  for (const v of kernels) {
    const e = kernelEntries(v);
    if (e === undefined) return null;
    macs += e * positions;
  }
  return macs;
}
