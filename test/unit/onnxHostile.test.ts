/**
 * Hostile and broken ONNX input, data-driven: every case is a model folder built in code from a tiny CNN
 * (test/fixtures/onnxModels.ts), broken in one way. Each must give one clear line through the real CLI
 * (`rgp prune` and `rgp inspect`: exit code 2, `rgp: …` on stderr), the expected RgpError code and words
 * from the job itself, nothing written anywhere in the case's folder, and the input left byte for byte.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { encode, seededFloats, tinyCnn } from '../fixtures/onnxModels';
import { runCliBatch, type CliResult } from '../fixtures/runCli';
import { rejectsRgp } from './rgpAssert';
import { pruneModel } from '../../src/jobs/pruneModel';
import { inspectModel } from '../../src/jobs/inspectModel';
import { quietContext } from '../../src/core/job';

type Code = 'NOT_A_MODEL' | 'BAD_MODEL' | 'UNSAFE_PATH' | 'UNSUPPORTED';

interface Case {
  name: string;
  code: Code;
  pattern: RegExp;
  /** Writes the case into `folder/model/` (and, for escapes, beside it); returns the model file. */
  make(folder: string): string;
}

const initializer = (m: onnx.ModelProto, name: string) => m.graph!.initializer!.find((t) => t.name === name)! as onnx.TensorProto;

/** A tiny model written as `tiny.onnx` after `edit` changes it (raw_data weights unless `store` says otherwise). */
function tiny(edit: (m: onnx.ModelProto) => void = () => {}, store: 'raw' | 'external' = 'raw') {
  return (folder: string) => {
    const dir = path.join(folder, 'model');
    mkdirSync(dir, { recursive: true });
    const { model, external } = tinyCnn({ store });
    edit(model);
    if (external) writeFileSync(path.join(dir, 'weights.bin'), external);
    writeFileSync(path.join(dir, 'tiny.onnx'), encode(model));
    return path.join(dir, 'tiny.onnx');
  };
}

/** A model file with the given bytes. */
function bytes(content: Uint8Array | string, name = 'tiny.onnx') {
  return (folder: string) => {
    mkdirSync(path.join(folder, 'model'), { recursive: true });
    writeFileSync(path.join(folder, 'model', name), content);
    return path.join(folder, 'model', name);
  };
}

const setLocation = (location: string) => (m: onnx.ModelProto) => {
  for (const t of m.graph!.initializer!) for (const e of t.externalData ?? []) if (e.key === 'location') e.value = location;
};

const CASES: Case[] = [
  { name: 'truncated protobuf', code: 'NOT_A_MODEL', pattern: /truncated|damaged/, make: bytes(encode(tinyCnn().model).subarray(0, 3000)) },
  { name: 'garbage bytes', code: 'NOT_A_MODEL', pattern: /not an ONNX model/, make: bytes(new Uint8Array(seededFloats(1024, 5).buffer)) },
  { name: 'an empty file', code: 'NOT_A_MODEL', pattern: /empty/, make: bytes(new Uint8Array(0)) },
  {
    name: 'a TF.js model.json renamed to .onnx', code: 'NOT_A_MODEL', pattern: /JSON/,
    make: bytes(JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [] } }, weightsManifest: [] })),
  },
  { name: 'external data path that climbs out', code: 'UNSAFE_PATH', pattern: /climbs out/, make: (f) => {
    writeFileSync(path.join(f, 'secret.bin'), new Uint8Array(100000));
    return tiny(setLocation('../secret.bin'), 'external')(f);
  } },
  { name: 'absolute external data path', code: 'UNSAFE_PATH', pattern: /absolute path/, make: tiny(setLocation('/etc/passwd'), 'external') },
  { name: 'external data as a URL', code: 'UNSAFE_PATH', pattern: /URL/, make: tiny(setLocation('http://example.invalid/w.bin'), 'external') },
  { name: 'external data file that is a link out of the folder', code: 'UNSAFE_PATH', pattern: /link that leads out/, make: (f) => {
    const file = tiny(setLocation('link.bin'), 'external')(f);
    writeFileSync(path.join(f, 'outside.bin'), readFileSync(path.join(f, 'model', 'weights.bin')));
    symlinkSync(path.join(f, 'outside.bin'), path.join(f, 'model', 'link.bin'));
    return file;
  } },
  { name: 'external data file too short for its tensors', code: 'BAD_MODEL', pattern: /needs bytes .* which has/, make: (f) => {
    const file = tiny(() => {}, 'external')(f);
    const w = path.join(f, 'model', 'weights.bin');
    writeFileSync(w, readFileSync(w).subarray(0, 1000));
    return file;
  } },
  { name: 'missing external data file', code: 'BAD_MODEL', pattern: /missing/, make: tiny(setLocation('gone.bin'), 'external') },
  { name: 'raw data shorter than the declared shape', code: 'BAD_MODEL', pattern: /declares shape \[16, 16, 3, 3\].*holds 9212 bytes/, make: tiny((m) => {
    const t = initializer(m, 'c2.w');
    t.rawData = t.rawData.subarray(0, t.rawData.length - 4);
  }) },
  { name: 'a negative dimension', code: 'BAD_MODEL', pattern: /negative dimension/, make: tiny((m) => { initializer(m, 'c1.b').dims = [-16]; }) },
  { name: 'a conv weight for other input channels than its input has', code: 'BAD_MODEL', pattern: /weight for 12 input channels.*input has 16/, make: tiny((m) => {
    const t = initializer(m, 'c2.w');
    t.dims = [16, 12, 3, 3];
    t.rawData = new Uint8Array(16 * 12 * 9 * 4);
  }) },
  { name: 'an initializer of 2 GiB or more', code: 'UNSUPPORTED', pattern: /2 GiB/, make: tiny((m) => { initializer(m, 'c2.w').dims = [16, 16, 3, 3, 1000000]; }, 'external') },
  { name: 'float16 weights', code: 'UNSUPPORTED', pattern: /float16/, make: tiny((m) => {
    const t = initializer(m, 'c2.w');
    t.dataType = onnx.TensorProto.DataType.FLOAT16;
    t.rawData = t.rawData.subarray(0, t.rawData.length / 2);
  }) },
  { name: 'int8 quantized weights', code: 'UNSUPPORTED', pattern: /int8 \(a quantized model\)/, make: tiny((m) => {
    const t = initializer(m, 'c2.w');
    t.dataType = onnx.TensorProto.DataType.INT8;
    t.rawData = t.rawData.subarray(0, t.rawData.length / 4);
  }) },
  { name: 'a quantized graph (DequantizeLinear)', code: 'UNSUPPORTED', pattern: /quantized ONNX model \(it uses DequantizeLinear\)/, make: tiny((m) => {
    m.graph!.node!.unshift(onnx.NodeProto.create({ opType: 'DequantizeLinear', name: 'dq', input: ['c1.b', 'c1.b'], output: ['dq'] }));
  }) },
  { name: 'nodes that feed each other in a cycle', code: 'BAD_MODEL', pattern: /cycle/, make: tiny((m) => {
    m.graph!.node!.find((n) => n.name === 'relu1')!.input = ['relu2'];
  }) },
  { name: 'a value produced twice', code: 'BAD_MODEL', pattern: /produced twice/, make: tiny((m) => {
    m.graph!.node!.find((n) => n.name === 'relu2')!.output = ['relu1'];
  }) },
  { name: 'a node reading a value nothing provides', code: 'BAD_MODEL', pattern: /reads "nowhere"/, make: tiny((m) => {
    m.graph!.node!.find((n) => n.name === 'conv2')!.input![0] = 'nowhere';
  }) },
  { name: 'an opset older than 7', code: 'UNSUPPORTED', pattern: /opset 6/, make: tiny((m) => { m.opsetImport![0].version = 6; }) },
  { name: 'no graph', code: 'NOT_A_MODEL', pattern: /no graph/, make: tiny((m) => { m.graph = null; }) },
];

/** Every path under `dir` with a hash of its bytes (links by their target, not followed). */
function snapshot(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = `${rel}/${name}`;
      const st = lstatSync(p);
      h.update(r);
      if (st.isSymbolicLink()) h.update(`->${readlinkSync(p)}`);
      else if (st.isDirectory()) walk(p, r);
      else h.update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

let root: string;
const files = new Map<string, string>();
const before_ = new Map<string, string>();
let results: Map<string, { prune: CliResult; inspect: CliResult }>;

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'rgp-onnx-hostile-'));
  CASES.forEach((c, i) => {
    const folder = path.join(root, `case${i}`);
    mkdirSync(folder);
    files.set(c.name, c.make(folder));
    before_.set(c.name, snapshot(folder));
  });
  const commands = CASES.flatMap((c) => [
    ['prune', files.get(c.name)!, '--ratio', '0.5', '--groups', '4', '--search-swaps', '10', '--quiet'],
    ['inspect', files.get(c.name)!, '--quiet'],
  ]);
  const out = runCliBatch(commands);
  results = new Map(CASES.map((c, i) => [c.name, { prune: out[2 * i], inspect: out[2 * i + 1] }]));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the tiny model itself prunes (so each case fails for its own reason)', async () => {
  const folder = path.join(root, 'good');
  mkdirSync(folder);
  const file = tiny()(folder);
  const s = await pruneModel(file, { ratio: 0.5, groups: 4, searchSwaps: 10 }, quietContext);
  assert.deepEqual(s.maskedLayers, ['conv2', 'fc1']);
});

for (const c of CASES) {
  test(`hostile ONNX: ${c.name} → ${c.code}, one line, exit 2, nothing written, input untouched`, async () => {
    const file = files.get(c.name)!;
    const folder = path.dirname(path.dirname(file));
    await rejectsRgp(pruneModel(file, { ratio: 0.5, groups: 4, searchSwaps: 10 }, quietContext), c.code, c.pattern);
    await rejectsRgp(inspectModel(file, quietContext), c.code, c.pattern);
    for (const [what, r] of Object.entries(results.get(c.name)!)) {
      assert.equal(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
      assert.equal(r.stdout, '', `${what}: nothing on stdout`);
      assert.match(r.stderr, /^rgp: [^\n]+\n$/, `${what}: one line on stderr`);
      assert.match(r.stderr, c.pattern, what);
    }
    assert.equal(snapshot(folder), before_.get(c.name), 'nothing written, input untouched');
  });
}
