/**
 * How deeply a parsed JSON value nests, measured without recursion (an explicit stack), so that a hostile
 * file — `JSON.parse` happily builds 100,000 nested arrays — is refused before any recursive walk over it
 * (shape inference, config readers, tfjs's deserialiser) overflows the call stack. O(values) time,
 * O(depth) memory; stops as soon as `limit` is passed.
 */
import { RgpError, type RgpErrorCode } from './errors';

/** Deeper than any real model, spec or graph file nests (Keras nests a few dozen levels at most). */
export const MAX_JSON_DEPTH = 256;

/** True when `value` nests more than `limit` levels of arrays/objects. */
export function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 1 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, d: d + 1 });
    }
  }
  return false;
}

/** Throws a one-line RgpError naming `what` when `value` nests deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(value: unknown, what: string, code: RgpErrorCode = 'BAD_MODEL'): void {
  if (deeperThan(value, MAX_JSON_DEPTH)) {
    throw new RgpError(code, `${what} nests more than ${MAX_JSON_DEPTH} levels deep; no real file does.`, 'The file is damaged or hostile; re-export it.');
  }
}

/**
 * The deepest bracket nesting of JSON text, without parsing it (strings and their escapes skipped): a
 * recursive parser (jsonc-parser's tree) can be kept away from a hostile text. Stops counting past
 * `limit` + 1. O(length).
 */
export function textNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}
