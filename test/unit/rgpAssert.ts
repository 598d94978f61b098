/**
 * Assertions for user errors: an RgpError with the expected code, a message matching every pattern, and
 * a hint (every user error says what to do).
 */
import assert from 'node:assert/strict';
import { isRgpError } from '../../src/core/errors';

function checkRgp(e: unknown, code: string, patterns: RegExp[]): true {
  assert.ok(isRgpError(e), `expected an RgpError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const p of patterns) assert.match(e.message, p);
  assert.ok(e.hint, 'a user error says what to do');
  return true;
}

export function throwsRgp(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => checkRgp(e, code, patterns));
}

export async function rejectsRgp(p: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => checkRgp(e, code, patterns));
}
