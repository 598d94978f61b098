/**
 * The models of the GNN sparsification comparison as explicit weight matrices, so that masks and the cost
 * of every matrix are exact. A model is a stack of blocks; block b computes
 *     Z_b = Σ_terms  agg_t( H_{b-1} · W_t ) + bias_b,    H_b = act(Z_b)
 * where agg_t is the identity, the GCN matrix Â or the mean matrix Ā (see propagation.ts). In the first
 * block the input X is fixed, so agg·X is computed once and the term is (agg·X)·W; later blocks aggregate
 * the product, agg·(H·W), whichever is the narrower side here.
 *
 *   mlp, link  (arXiv 2209.04766): [emb(u) ‖ emb(v)] 16 → 128 (ReLU) → 1 (sigmoid, BCE)
 *   mlp, node  (arXiv 2209.04766): emb 64 → 256 (ReLU) → 128 (ReLU) → C (softmax, cross-entropy)
 *   gcn, node: the same widths; the first two blocks are Kipf & Welling graph convolutions Â·H·W (two
 *              propagation steps), the classifier 128 → C is a plain linear layer — so every sparsity
 *              removes the same number of weights as in the MLP.
 *   sage, node: GraphSAGE-mean (Hamilton et al. 2017) without the output normalisation: each of the first two
 *              blocks has a self matrix and a neighbour matrix, H·W_self + Ā·H·W_neigh (the split form of
 *              [H ‖ ĀH]·W); then the linear classifier.
 * Every weight matrix is sparsified — the link MLP has only two, so keeping the first and last dense as RGP
 * does would leave nothing to prune; the study sparsifies all weight layers. Biases stay dense.
 * Input gradients are not needed (nor computed, nor counted) for first-block terms, whose input is data.
 */
import { RgpError } from '../errors';
import type { SparsifyModel, SparsifyTask } from '../sparse/results';

export type Aggregation = 'none' | 'gcn' | 'mean';

export interface WeightTerm {
  name: string;
  block: number;
  cIn: number;
  cOut: number;
  aggregation: Aggregation;
}

export interface Block {
  width: number;
  activation: 'relu' | 'output';
  /** Indices into `Architecture.terms`. */
  terms: number[];
}

export interface Architecture {
  task: SparsifyTask;
  model: SparsifyModel;
  inputWidth: number;
  /** 1 for link prediction (a logit), C for node classification. */
  outputWidth: number;
  blocks: Block[];
  /** Every weight matrix, in block order: the sparsified layers. */
  terms: WeightTerm[];
  /** True when a step runs on the whole graph (GCN/SAGE), false for mini-batches of examples (MLP). */
  fullGraph: boolean;
}

export function buildArchitecture(task: SparsifyTask, model: SparsifyModel, inputWidth: number, classes: number): Architecture {
  if (task === 'link' && model !== 'mlp') {
    throw new RgpError(
      'UNSUPPORTED',
      `Link prediction with the ${model} model is not implemented.`,
      'Use --model mlp for link prediction (the study\'s pipeline); gcn and sage run node classification.',
    );
  }
  const widths = task === 'link' ? [128] : [256, 128];
  const outputWidth = task === 'link' ? 1 : classes;
  if (task === 'node' && !(classes >= 2)) throw new RgpError('BAD_DATASET', `Node classification needs at least 2 classes, got ${classes}.`, 'Check the labels file.');
  const terms: WeightTerm[] = [];
  const blocks: Block[] = [];
  let cIn = inputWidth;
  const add = (block: number, cOut: number, aggregation: Aggregation, name: string): number => {
    terms.push({ name, block, cIn, cOut, aggregation });
    return terms.length - 1;
  };
  widths.forEach((w, b) => {
    const t: number[] = [];
    if (model === 'mlp') t.push(add(b, w, 'none', `dense${b + 1}`));
    else if (model === 'gcn') t.push(add(b, w, 'gcn', `gcn${b + 1}`));
    else {
      t.push(add(b, w, 'none', `sage${b + 1}_self`));
      t.push(add(b, w, 'mean', `sage${b + 1}_neigh`));
    }
    blocks.push({ width: w, activation: 'relu', terms: t });
    cIn = w;
  });
  blocks.push({ width: outputWidth, activation: 'output', terms: [add(widths.length, outputWidth, 'none', 'out')] });
  return { task, model, inputWidth, outputWidth, blocks, terms, fullGraph: model !== 'mlp' };
}

/** Whether a term's input gradient is needed: not in the first block, whose input is data. */
export function needsInputGradient(term: WeightTerm): boolean {
  return term.block > 0;
}
