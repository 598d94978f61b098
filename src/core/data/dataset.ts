/**
 * The in-memory shape every classification dataset takes once read, whatever its file format (IDX, CSV,
 * NPY, or a JSON dataset spec naming such files): features as one row-major Float32Array (already
 * normalised), integer class labels, and the split the model is trained and evaluated on.
 */

export interface TensorDataset {
  /** Number of examples. */
  count: number;
  /** Shape of one example, e.g. [784] or [28, 28, 1] or [32, 32, 3]. */
  itemShape: number[];
  /** Product of itemShape. */
  itemSize: number;
  /** count × itemSize values, row-major, normalised as the dataset spec says. */
  x: Float32Array;
  /** count class indices in [0, classes). */
  y: Int32Array;
  /** Number of classes (max label + 1 unless the spec says more). */
  classes: number;
}

export interface DatasetSplit {
  train: TensorDataset;
  test: TensorDataset;
  /** Human-readable provenance of the split, e.g. "MNIST t10k: first 8,000 train / last 2,000 test". */
  description: string;
  /** Name shown in reports (the spec's name or the file name). */
  name: string;
}
