/**
 * Which formats the training jobs (train, sweep) take. Training runs in tfjs on a layers model; ONNX
 * models are pruned and inspected, not trained — the jobs say so before reading anything, instead of
 * failing later on a file that is not a model.json. O(1): the extension decides, as in detectFormat.
 */
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { MODEL_EXTENSIONS } from './index';

/** Throws a clear UNSUPPORTED error when `modelPath` names an ONNX model; `job` names the job ("Training"). */
export function checkTrainableFormat(modelPath: string, job: string): void {
  if (MODEL_EXTENSIONS[path.extname(modelPath).toLowerCase()] !== 'onnx') return;
  const name = path.basename(modelPath);
  throw new RgpError(
    'UNSUPPORTED',
    `${job} needs a TF.js layers model (model.json) or a Keras model; ${name} is an ONNX model, which RGP prunes and inspects but does not train.`,
    `Prune it with rgp prune ${name} --ratio … (or RGP: Prune Model), then fine-tune the masked network in the framework it came from, keeping the zeros of masks.json.`,
  );
}
