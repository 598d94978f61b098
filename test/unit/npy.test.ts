import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, parseNpy, type NpyArray, type NpyDtype } from '../../src/core/data/npy';
import { isRgpError } from '../../src/core/errors';
import { throwsRgp } from './rgpAssert';

/** Written by real NumPy 1.24.2 — see test/fixtures/datasets/make_npy_fixtures.py. */
const FIX = join(__dirname, '..', 'fixtures', 'datasets');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIX, name)));

test('files written by NumPy: uint8 3-d, int64, one-hot float32 — dtype, shape and every value', () => {
  const x = parseNpy(fixture('x_u1.npy'), 'x_u1.npy');
  assert.equal(x.dtype, 'uint8');
  assert.deepEqual(x.shape, [6, 2, 3]);
  assert.ok(x.data instanceof Uint8Array);
  assert.deepEqual(Array.from(x.data), Array.from({ length: 36 }, (_, i) => i * 7));

  const y = parseNpy(fixture('y_i8.npy'));
  assert.equal(y.dtype, 'int64');
  assert.deepEqual(y.shape, [6]);
  assert.deepEqual(Array.from(y.data), [0, 1, 2, 0, 1, 2]);

  const hot = parseNpy(fixture('y_onehot_f4.npy'));
  assert.equal(hot.dtype, 'float32');
  assert.deepEqual(hot.shape, [6, 3]);
  assert.deepEqual(Array.from(hot.data), [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
});

test('files written by NumPy: big-endian float32 and int32, format 2.0 float64, format 3.0 int16, a 0-d array', () => {
  const be = parseNpy(fixture('x_f4_be.npy'));
  assert.equal(be.dtype, 'float32');
  assert.deepEqual(be.shape, [3, 2]);
  assert.deepEqual(Array.from(be.data), [0.5, -1.25, 0.0078125, 1e6, -0, 7]);
  assert.ok(Object.is(be.data[4], -0));

  assert.deepEqual(Array.from(parseNpy(fixture('y_i4_be.npy')).data), [2, 0, 1]);

  const v2 = parseNpy(fixture('x_f8_v2.npy'));
  assert.equal(fixture('x_f8_v2.npy')[6], 2, 'the fixture really is format 2.0');
  assert.equal(v2.dtype, 'float64');
  assert.deepEqual(v2.shape, [2, 3]);
  assert.deepEqual(Array.from(v2.data), [1.5, -2, 3.25, 1e-300, 2 ** 60, -0.125]);

  const v3 = parseNpy(fixture('x_i2_v3.npy'));
  assert.equal(fixture('x_i2_v3.npy')[6], 3, 'the fixture really is format 3.0');
  assert.equal(v3.dtype, 'int16');
  assert.deepEqual(Array.from(v3.data), [-32768, -1, 0, 1, 32767]);

  const s = parseNpy(fixture('scalar_f8.npy'));
  assert.deepEqual(s.shape, []);
  assert.deepEqual(Array.from(s.data), [3.5]);
});

test('encodeNpy writes the same bytes as numpy.save for the same array', () => {
  const y = parseNpy(fixture('y_i8.npy'));
  assert.deepEqual(encodeNpy(y), fixture('y_i8.npy'));
  assert.deepEqual(encodeNpy(parseNpy(fixture('x_u1.npy'))), fixture('x_u1.npy'));
  assert.deepEqual(encodeNpy(parseNpy(fixture('y_i4_be.npy')), { bigEndian: true }), fixture('y_i4_be.npy'));
  assert.deepEqual(encodeNpy(parseNpy(fixture('x_f8_v2.npy')), { version: 2 }), fixture('x_f8_v2.npy'));
});

test('every dtype round-trips through encodeNpy and parseNpy, in both byte orders and all three format versions', () => {
  const cases: Array<[NpyDtype, number[]]> = [
    ['bool', [0, 1, 1]],
    ['uint8', [0, 255, 7]],
    ['int8', [-128, 127, 0]],
    ['uint16', [0, 65535, 300]],
    ['int16', [-32768, 32767, -2]],
    ['uint32', [0, 4294967295, 70000]],
    ['int32', [-2147483648, 2147483647, -5]],
    ['uint64', [0, 2 ** 53 - 1, 12345678901]],
    ['int64', [-(2 ** 53 - 1), 2 ** 53 - 1, -3]],
    ['float32', [0.5, -3.25, 1e-20]],
    ['float64', [Math.PI, -1e300, 5e-324]],
  ];
  for (const [dtype, values] of cases) {
    for (const version of [1, 2, 3] as const) {
      for (const bigEndian of [false, true]) {
        const arr: NpyArray = { dtype, shape: [1, 3], data: Float64Array.from(values) };
        const bytes = encodeNpy(arr, { version, bigEndian });
        const back = parseNpy(bytes);
        assert.equal(back.dtype, dtype);
        assert.deepEqual(back.shape, [1, 3]);
        const expected = dtype === 'float32' ? Array.from(Float32Array.from(values)) : values;
        assert.deepEqual(Array.from(back.data), expected, `${dtype} v${version} ${bigEndian ? 'BE' : 'LE'}`);
      }
    }
  }
});

test('the header is padded so the data starts on a 64-byte boundary, as NumPy does', () => {
  for (const shape of [[3], [2, 5], [1, 2, 3, 4]]) {
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = encodeNpy({ dtype: 'float32', shape, data: new Float32Array(count) });
    assert.equal((bytes.length - count * 4) % 64, 0);
    assert.equal(bytes[bytes.length - count * 4 - 1], 0x0a, 'the header ends with a newline');
  }
});

test('refused with a message that says how to re-save: Fortran order, object, structured, float16, .npz', () => {
  throwsRgp(() => parseNpy(fixture('fortran_f4.npy'), 'fortran_f4.npy'), 'BAD_DATASET', /fortran_f4\.npy: .*Fortran \(column-major\) order/);
  assert.throws(() => parseNpy(fixture('fortran_f4.npy')), (e: unknown) => isRgpError(e) && /ascontiguousarray/.test(e.hint ?? ''));
  throwsRgp(() => parseNpy(fixture('object.npy')), 'BAD_DATASET', /object array \(pickled Python objects\)/);
  throwsRgp(() => parseNpy(fixture('structured.npy')), 'BAD_DATASET', /structured arrays/);
  throwsRgp(() => parseNpy(fixture('x_f2.npy')), 'BAD_DATASET', /float16 is not supported/);
  throwsRgp(() => parseNpy(fixture('pair.npz'), 'pair.npz'), 'BAD_DATASET', /pair\.npz: this is a zip archive \(\.npz\)/);
});

test('damaged files: bad magic, unknown version, truncated or overlong data, a header that is not a dict, unsafe int64', () => {
  const good = fixture('y_i8.npy');
  throwsRgp(() => parseNpy(new TextEncoder().encode('1,2,3\n4,5,6\n')), 'BAD_DATASET', /does not start with the magic/);
  const v9 = good.slice();
  v9[6] = 9;
  throwsRgp(() => parseNpy(v9), 'BAD_DATASET', /format version 9\.0/);
  throwsRgp(() => parseNpy(good.subarray(0, good.length - 3)), 'BAD_DATASET', /truncated: shape \(6\) of int64 needs 48 data bytes, the file has 45 \(3 missing\)/);
  const longer = new Uint8Array(good.length + 8);
  longer.set(good);
  throwsRgp(() => parseNpy(longer), 'BAD_DATASET', /8 unexpected bytes after the data/);
  throwsRgp(() => parseNpy(good.subarray(0, 20)), 'BAD_DATASET', /truncated header/);
  const header = good.slice();
  header.set(new TextEncoder().encode("{'descr' = "), 10);
  throwsRgp(() => parseNpy(header), 'BAD_DATASET', /not a Python dict literal/);
  const big = encodeNpy({ dtype: 'int64', shape: [2], data: new Float64Array([1, 0]) });
  new DataView(big.buffer).setBigInt64(big.length - 8, 2n ** 60n, true);
  throwsRgp(() => parseNpy(big), 'BAD_DATASET', /value 1 \(1152921504606846976\) of this int64 array cannot be held exactly/);
});

test('the parsed data never aliases the input bytes', () => {
  const bytes = fixture('x_u1.npy');
  const x = parseNpy(bytes);
  bytes.fill(0);
  assert.equal(x.data[1], 7);
});
