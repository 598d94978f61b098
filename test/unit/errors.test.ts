import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RgpError, CancelledError, toErrorInfo, fromErrorInfo, isRgpError } from '../../src/core/errors';
import { CancelSource, SharedCancelSignal } from '../../src/core/job';

test('a user error survives the trip through its serialised form', () => {
  const e = new RgpError('BAD_MODEL', 'Layer dense_1 has a kernel of shape [3,4] but the config says [3,5].', 'Re-export the model.');
  const back = fromErrorInfo(toErrorInfo(e));
  assert.ok(isRgpError(back));
  assert.equal(back.code, 'BAD_MODEL');
  assert.equal(back.userMessage, 'Layer dense_1 has a kernel of shape [3,4] but the config says [3,5]. Re-export the model.');
});

test('an internal error keeps its stack and is not mistaken for a user error', () => {
  const info = toErrorInfo(new TypeError('x is undefined'));
  assert.equal(info.code, 'INTERNAL');
  assert.match(info.stack ?? '', /TypeError/);
  assert.ok(!isRgpError(fromErrorInfo(info)));
});

test('cancellation is seen through both kinds of signal', () => {
  const src = new CancelSource();
  src.throwIfCancelled();
  src.cancel();
  assert.throws(() => src.throwIfCancelled(), CancelledError);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const shared = new SharedCancelSignal(cell);
  assert.equal(shared.cancelled, false);
  Atomics.store(cell, 0, 1);
  assert.throws(() => shared.throwIfCancelled(), (e: unknown) => isRgpError(e) && e.code === 'CANCELLED');
});
