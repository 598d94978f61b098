/**
 * ONNX in and out: the building blocks other parts reuse (the compact realization, exporters) and the
 * format reader the model table dispatches to.
 */
export { decodeModel, encodeModel, defaultOpset, toInt, onnx, MIN_OPSET, MAX_KNOWN_OPSET } from './proto';
export { ONNX_DTYPES, FLOAT32, INT64, tensorInfo, checkWeightType, intValues, floatValues, elementCountOf, type TensorInfo, type TensorData } from './tensors';
export { resolveExternalPath, readExternalFiles, externalName, type ExternalFile } from './externalData';
export { inferNodeShape, broadcast, isKnownOp, type Attrs } from './shapeInference';
export { readAttributes } from './attributes';
export { buildOnnxLayerGraph, type Placement } from './graph';
export { loadOnnxModel, type OnnxModelData, type OnnxInitializer } from './model';
export { writeOnnxModel, onnxOutputFiles, modelBytes } from './writer';
export { openOnnxModel, onnxLayerGraph, summariseOnnx } from './reader';
