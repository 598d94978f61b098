/**
 * The output rule (src/jobs/outputFolder.ts) on the data-loss cases of issue 14: `--overwrite` never
 * replaces an input (dataset folder, edge list's folder, a folder holding shards), the working folder, the
 * home folder or a root, nor a folder rgp did not write; `inspect --out` never writes over the model or a
 * shard. Each case asserts the refusal and that the inputs hash the same before and after.
 *
 * Careful: on code without the rule these cases DELETE what they point at. So nothing here points a job
 * at the working folder (the empty --out case goes through prepareOutput alone, and the CLI cases in
 * hostileInputs.test.ts run in a scratch working folder); every other target lies in a temporary folder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietContext } from '../../src/core/job';
import { inspectModel } from '../../src/jobs/inspectModel';
import { prepareOutput, OUTPUT_MARKER } from '../../src/jobs/outputFolder';
import { pruneModel } from '../../src/jobs/pruneModel';
import { sparsify } from '../../src/jobs/sparsify';
import { sweep } from '../../src/jobs/sweep';
import { trainModel } from '../../src/jobs/trainModel';
import { graphCommand } from '../../src/cli/graphCommand';
import { copyModel, hashFolder, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';
import { rejectsRgp } from './rgpAssert';

let dir: string;
let model: string;
let data: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-output-rule-'));
  model = copyModel(MNIST_MODEL, dir, 'model');
  data = join(dir, 'mnist');
  cpSync(join(ROOT, 'data', 'mnist'), data, { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const FAST = { searchSwaps: 10, seed: 1 };

async function refused(run: () => Promise<unknown>, code: string, pattern: RegExp, ...inputs: string[]): Promise<void> {
  const hashes = inputs.map(hashFolder);
  await rejectsRgp(run(), code, pattern);
  assert.deepEqual(inputs.map(hashFolder), hashes, 'inputs unchanged');
}

test('train --data D --out D --overwrite refuses the dataset folder, and a folder inside it', async () => {
  const train = (out: string) => () => trainModel(model, { dataset: data, datasetLimit: 200, epochs: 1, graph: 'dense', out, overwrite: true }, quietContext);
  await refused(train(data), 'UNSAFE_PATH', /is an input of this job/, data, join(dir, 'model'));
  await refused(train(join(data, 'sub')), 'UNSAFE_PATH', /lies inside an input/, data);
  assert.deepEqual(readdirSync(data).sort(), ['PROVENANCE.md', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
});

test('sweep --out D --overwrite refuses the dataset folder', async () => {
  await refused(() => sweep(model, { dataset: data, datasetLimit: 200, epochs: 1, ratios: [0.875], graphs: ['ring'], seeds: [1], out: data, overwrite: true }, quietContext), 'UNSAFE_PATH', /input of this job/, data);
});

test('sparsify --out <folder of the edge list> --overwrite refuses it (the edge list stays)', async () => {
  const g = join(dir, 'graph');
  mkdirSync(g, { recursive: true });
  const edges = join(g, 'edges.txt');
  writeFileSync(edges, '0 1 1\n1 2 2\n2 0 3\n');
  await refused(() => sparsify({ dataset: edges, methods: ['dense'], seeds: [1], epochs: 1, out: g, overwrite: true }, quietContext), 'UNSAFE_PATH', /contains an input/, g);
  assert.ok(existsSync(edges));
});

test('prune --out <model folder>/sub --overwrite, where sub holds the shards, refuses it', async () => {
  const m = join(dir, 'nested');
  mkdirSync(join(m, 'sub'), { recursive: true });
  const json = JSON.parse(readFileSync(model, 'utf8'));
  for (const g of json.weightsManifest) g.paths = g.paths.map((p: string) => { cpSync(join(dir, 'model', p), join(m, 'sub', p)); return `sub/${p}`; });
  writeFileSync(join(m, 'model.json'), JSON.stringify(json));
  await refused(() => pruneModel(join(m, 'model.json'), { ratio: 0.9, ...FAST, out: join(m, 'sub'), overwrite: true }, quietContext), 'UNSAFE_PATH', /contains an input/, m);
});

test('an empty --out, the working folder, the home folder and a root are refused', async () => {
  await rejectsRgp(prepareOutput({ out: '', inputs: [], overwrite: true }), 'BAD_ARGUMENT', /--out is empty/);
  await rejectsRgp(prepareOutput({ out: '  ', inputs: [], overwrite: true }), 'BAD_ARGUMENT', /--out is empty/);
  await rejectsRgp(prepareOutput({ out: process.cwd(), inputs: [], overwrite: true }), 'UNSAFE_PATH', /is the working folder/);
  await rejectsRgp(prepareOutput({ out: join(process.cwd(), '..'), inputs: [], overwrite: true }), 'UNSAFE_PATH', /contains the working folder/);
  await rejectsRgp(prepareOutput({ out: homedir(), inputs: [], overwrite: true }), 'UNSAFE_PATH', /your home folder/);
  await rejectsRgp(prepareOutput({ out: '/', inputs: [], overwrite: true }), 'UNSAFE_PATH', /(root|working folder|home folder)/);
});

test('a link to an input folder is the input', async () => {
  const link = join(dir, 'data-link');
  symlinkSync(data, link);
  await rejectsRgp(prepareOutput({ out: link, inputs: [join(data, 't10k-images-idx3-ubyte.gz')], overwrite: true }), 'UNSAFE_PATH', /contains an input/);
  await rejectsRgp(prepareOutput({ out: join(link, 'x'), inputs: [data], overwrite: true }), 'UNSAFE_PATH', /lies inside an input/);
});

test('--overwrite replaces only a folder carrying the marker', async () => {
  const mine = join(dir, 'results');
  mkdirSync(mine);
  writeFileSync(join(mine, 'notes.txt'), 'mine');
  await rejectsRgp(prepareOutput({ out: mine, inputs: [], overwrite: true }), 'UNSAFE_PATH', /not written by rgp/);
  await rejectsRgp(prepareOutput({ out: mine, inputs: [], overwrite: false }), 'BAD_ARGUMENT', /already exists/);
  writeFileSync(join(mine, OUTPUT_MARKER), 'not json');
  await rejectsRgp(prepareOutput({ out: mine, inputs: [], overwrite: true }), 'UNSAFE_PATH', /not written by rgp/);
  writeFileSync(join(mine, OUTPUT_MARKER), JSON.stringify({ format: 'rgp-output', tool: 'rgp', version: '0.1.0', job: 'prune' }));
  assert.equal(await prepareOutput({ out: mine, inputs: [], overwrite: true }), mine);
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.equal(await prepareOutput({ out: empty, inputs: [], overwrite: false }), empty);
});

test('every job output carries the marker (prune)', async () => {
  const r = await pruneModel(model, { ratio: 0.9, ...FAST, out: join(dir, 'pruned') }, quietContext);
  const marker = JSON.parse(readFileSync(join(r.outputPath, OUTPUT_MARKER), 'utf8'));
  assert.deepEqual({ format: marker.format, tool: marker.tool, job: marker.job }, { format: 'rgp-output', tool: 'rgp', job: 'prune' });
  assert.match(marker.version, /^\d+\.\d+\.\d+/);
});

test('inspect --out never writes over the model or a shard, and replaces only a file rgp wrote', async () => {
  const folder = join(dir, 'model');
  await refused(() => inspectModel(model, quietContext, { out: model }), 'UNSAFE_PATH', /is an input/, folder);
  await refused(() => inspectModel(model, quietContext, { out: join(folder, 'weights.bin'), overwrite: true }), 'UNSAFE_PATH', /is an input/, folder);
  const out = join(dir, 'summary.json');
  await inspectModel(model, quietContext, { out });
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).format, 'rgp-model-summary');
  await rejectsRgp(inspectModel(model, quietContext, { out }), 'BAD_ARGUMENT', /already exists/);
  await inspectModel(model, quietContext, { out, overwrite: true });
  const other = join(dir, 'notes.json');
  writeFileSync(other, '{"mine": true}');
  await rejectsRgp(inspectModel(model, quietContext, { out: other, overwrite: true }), 'UNSAFE_PATH', /not written by rgp/);
  assert.equal(readFileSync(other, 'utf8'), '{"mine": true}');
  mkdirSync(join(dir, 'a-folder'));
  await rejectsRgp(inspectModel(model, quietContext, { out: join(dir, 'a-folder') }), 'BAD_ARGUMENT', /is a folder/);
});

test('graph --out follows the same rule', async () => {
  const notes = join(dir, 'graph-notes.txt');
  writeFileSync(notes, 'x');
  await rejectsRgp(graphCommand({ nodes: 16, degree: 4, swaps: 10, out: notes, overwrite: true }), 'UNSAFE_PATH', /not written by rgp/);
  await rejectsRgp(graphCommand({ nodes: 16, degree: 4, swaps: 10, out: notes }), 'BAD_ARGUMENT', /already exists/);
  const g = join(dir, 'g.json');
  await graphCommand({ nodes: 16, degree: 4, swaps: 10, out: g });
  await graphCommand({ nodes: 16, degree: 4, swaps: 10, out: g, overwrite: true });
  assert.equal(readFileSync(notes, 'utf8'), 'x');
});
