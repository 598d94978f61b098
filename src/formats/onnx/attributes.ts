/**
 * ONNX node attributes as plain values: INT → number, INTS → number[], FLOAT(S) → number(s), STRING(S) →
 * UTF-8 text; tensors and subgraphs are left out (null) — shape inference never needs them, and a layer's
 * `config` stays small and JSON-safe. O(attribute size).
 */
import type { Attrs } from './shapeInference';
import { onnx, toInt } from './proto';

const T = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder();

export function readAttributes(node: onnx.INodeProto, what: string): Attrs {
  const out: Attrs = {};
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    if (!name) continue;
    const type = a.type ?? inferType(a);
    switch (type) {
      case T.INT:
        out[name] = toInt(a.i, `attribute ${name} of ${what}`);
        break;
      case T.INTS:
        out[name] = (a.ints ?? []).map((v) => toInt(v, `attribute ${name} of ${what}`));
        break;
      case T.FLOAT:
        out[name] = a.f ?? 0;
        break;
      case T.FLOATS:
        out[name] = [...(a.floats ?? [])];
        break;
      case T.STRING:
        out[name] = utf8.decode(a.s ?? new Uint8Array());
        break;
      case T.STRINGS:
        out[name] = (a.strings ?? []).map((s) => utf8.decode(s));
        break;
      default:
        out[name] = null;
    }
  }
  return out;
}

/** Very old files may leave `type` unset: the field that holds a value says it. */
function inferType(a: onnx.IAttributeProto): onnx.AttributeProto.AttributeType {
  if (a.ints && a.ints.length > 0) return T.INTS;
  if (a.floats && a.floats.length > 0) return T.FLOATS;
  if (a.strings && a.strings.length > 0) return T.STRINGS;
  if (a.s && a.s.length > 0) return T.STRING;
  if (a.t) return T.TENSOR;
  if (a.g) return T.GRAPH;
  if (a.f) return T.FLOAT;
  return T.INT;
}
