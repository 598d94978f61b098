/**
 * The hostile-input table (issue 14): every row is one thing a careless or hostile user can hand the CLI.
 * A row builds its files in `dir` (its own scratch folder, which is also the working folder of the run,
 * with HOME pointing at `dir/home`) and returns the arguments after `rgp`. The runner
 * (test/unit/hostileInputs.test.ts) asserts for every row: exit code 2, exactly one line on stderr that
 * starts `rgp: ` and matches `expect`, no stack trace, no raw control character, nothing on stdout,
 * every byte under `dir` unchanged (hashed before and after: nothing written, no input touched), and —
 * where size is the attack — peak memory under `maxRssMiB`.
 *
 * To add a format's cases (ONNX, Keras), append rows to HOSTILE_CASES (or push from another module
 * imported by the runner); one row, one case.
 */
import { closeSync, cpSync, ftruncateSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../src/core/data/idx';

export interface HostileCase {
  name: string;
  /** Builds the inputs in `dir` and returns the CLI arguments. */
  setup: (dir: string) => string[];
  /** What the one stderr line must say. */
  expect: RegExp;
  /** Peak resident memory of the CLI process must stay below this (size attacks). */
  maxRssMiB?: number;
}

const ROOT = join(__dirname, '..', '..');
const TINY = join(ROOT, 'test', 'fixtures', 'tiny');
const MNIST_MODEL = join(ROOT, 'examples', 'mnist-mlp', 'model');
const MNIST_DATA = join(ROOT, 'data', 'mnist');
const FAST = ['--search-swaps', '10'];

/** The tiny 4→3→2 Dense model, copied into dir/m; returns the model.json path. */
function tiny(dir: string, edit?: (json: any) => void): string {
  const m = join(dir, 'm');
  cpSync(TINY, m, { recursive: true });
  if (edit) {
    const json = JSON.parse(readFileSync(join(m, 'model.json'), 'utf8'));
    edit(json);
    writeFileSync(join(m, 'model.json'), expandPlaceholders(JSON.stringify(json)));
  }
  return join(m, 'model.json');
}

/** The bundled MNIST MLP (prunable at n = 64), copied into dir/mnist-model. */
function mnistModel(dir: string, edit?: (json: any) => void): string {
  const m = join(dir, 'mnist-model');
  cpSync(MNIST_MODEL, m, { recursive: true });
  if (edit) {
    const json = JSON.parse(readFileSync(join(m, 'model.json'), 'utf8'));
    edit(json);
    writeFileSync(join(m, 'model.json'), JSON.stringify(json));
  }
  return join(m, 'model.json');
}

function mnistData(dir: string): string {
  const d = join(dir, 'mnist');
  cpSync(MNIST_DATA, d, { recursive: true });
  return d;
}

function file(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return p;
}

function sparse(p: string, bytes: number): void {
  const fd = openSync(p, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

/** Placeholders a row's JSON may use for values JSON.stringify cannot build without recursing. */
function expandPlaceholders(text: string): string {
  return text.replace('"@@NEST@@"', nested(100000));
}

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A model whose first shard path is `path` (the manifest's group made to name it). */
function shardPath(path: string) {
  return (dir: string) => ['inspect', tiny(dir, (j) => { j.weightsManifest[0].paths = [path]; })];
}

function idxFolder(dir: string, images: Uint8Array, labels: Uint8Array): string {
  const d = join(dir, 'idx');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 't10k-images-idx3-ubyte.gz'), gzipSync(images));
  writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
  return d;
}

const labels10 = encodeIdx({ dtype: 'uint8', shape: [10], data: new Uint8Array(10) });
const images10 = encodeIdx({ dtype: 'uint8', shape: [10, 28, 28], data: new Uint8Array(7840) });

export const HOSTILE_CASES: HostileCase[] = [
  // ---- model files ----
  { name: 'inspect: no such file', setup: (d) => ['inspect', join(d, 'nowhere', 'model.json')], expect: /no such file|does not exist/ },
  { name: 'inspect: a folder without model.json', setup: (d) => (mkdirSync(join(d, 'empty')), ['inspect', join(d, 'empty')]), expect: /model\.json|no such file|not a regular file/ },
  { name: 'inspect: not JSON', setup: (d) => ['inspect', file(d, 'm/model.json', '{ not json')], expect: /not valid JSON/ },
  { name: 'inspect: empty file', setup: (d) => ['inspect', file(d, 'm/model.json', '')], expect: /not valid JSON/ },
  { name: 'inspect: a JSON array', setup: (d) => ['inspect', file(d, 'm/model.json', '[1,2,3]')], expect: /not a JSON object/ },
  { name: 'inspect: a TF.js graph model', setup: (d) => ['inspect', file(d, 'm/model.json', JSON.stringify({ format: 'graph-model', signature: {}, weightsManifest: [] }))], expect: /graph model|modelTopology/ },
  { name: 'inspect: format is not layers-model', setup: (d) => ['inspect', tiny(d, (j) => { j.format = 'something-else'; })], expect: /not "layers-model"/ },
  { name: 'inspect: shard path climbs out', setup: shardPath('../secret.bin'), expect: /climbs out/ },
  { name: 'inspect: shard path is absolute', setup: shardPath('/etc/passwd'), expect: /absolute path/ },
  { name: 'inspect: shard path is a URL', setup: shardPath('https://example.invalid/w.bin'), expect: /is a URL/ },
  { name: 'inspect: shard path holds a NUL', setup: shardPath('w\u0000.bin'), expect: /NUL character/ },
  { name: 'inspect: shard is a link out of the folder', setup: (d) => { const p = tiny(d, (j) => { j.weightsManifest[0].paths = ['link.bin']; }); file(d, 'secret.bin', new Uint8Array(92)); symlinkSync(join(d, 'secret.bin'), join(d, 'm', 'link.bin')); return ['inspect', p]; }, expect: /link that leads out/ },
  { name: 'inspect: shard is a folder', setup: (d) => { const p = tiny(d, (j) => { j.weightsManifest[0].paths = ['dir.bin']; }); mkdirSync(join(d, 'm', 'dir.bin')); return ['inspect', p]; }, expect: /not a regular file/ },
  { name: 'inspect: shard missing', setup: shardPath('gone.bin'), expect: /missing next to model\.json/ },
  { name: 'inspect: shard truncated', setup: (d) => { const p = tiny(d); writeFileSync(join(d, 'm', 'group1-shard1of1.bin'), new Uint8Array(60)); return ['inspect', p]; }, expect: /truncated/ },
  { name: 'inspect: shard with extra bytes', setup: (d) => { const p = tiny(d); writeFileSync(join(d, 'm', 'group1-shard1of1.bin'), new Uint8Array(200)); return ['inspect', p]; }, expect: /extra bytes/ },
  { name: 'inspect: two layers with one name', setup: (d) => ['inspect', tiny(d, (j) => { j.modelTopology.config.layers[1].config.name = 'dense_a'; })], expect: /both named "dense_a"/ },
  { name: 'inspect: two weights with one name', setup: (d) => ['inspect', tiny(d, (j) => { j.weightsManifest[0].weights[2].name = 'dense_a/kernel'; })], expect: /two weights .* both named "dense_a\/kernel"/ },
  { name: 'inspect: negative shape', setup: (d) => ['inspect', tiny(d, (j) => { j.weightsManifest[0].weights[0].shape = [-4, 3]; })], expect: /invalid shape/ },
  { name: 'inspect: unknown dtype', setup: (d) => ['inspect', tiny(d, (j) => { j.weightsManifest[0].weights[0].dtype = 'complex128'; })], expect: /unknown dtype/ },
  { name: 'inspect: manifest is not a list', setup: (d) => ['inspect', tiny(d, (j) => { j.weightsManifest = { paths: [] }; })], expect: /weightsManifest/ },
  { name: 'inspect: a layer without class_name', setup: (d) => ['inspect', tiny(d, (j) => { delete j.modelTopology.config.layers[0].class_name; })], expect: /class_name/ },
  { name: 'inspect: 100,000-deep nesting', setup: (d) => ['inspect', tiny(d, (j) => { j.modelTopology.config.layers[0].config.args = '@@NEST@@'; }), ], expect: /nests more than 256 levels/ },
  { name: 'inspect: escape sequences and newlines in a layer name', setup: (d) => ['inspect', tiny(d, (j) => { j.modelTopology.config.layers[0].config.name = '\u001b[2J\u001b[31mevil\nrgp: forged line'; j.modelTopology.config.layers[1].config.name = '\u001b[2J\u001b[31mevil\nrgp: forged line'; })], expect: /both named "\\x1b\[2J\\x1b\[31mevil\\nrgp: forged line"/ },
  { name: 'inspect: a 65 MiB model.json (sparse)', setup: (d) => { mkdirSync(join(d, 'm')); sparse(join(d, 'm', 'model.json'), 65 * 1024 * 1024); return ['inspect', join(d, 'm', 'model.json')]; }, expect: /far too large for a model\.json/, maxRssMiB: 400 },
  { name: 'inspect: a weight group over 4 GiB (sparse shard)', setup: (d) => {
      const units = 2 ** 30 + 1;
      const p = tiny(d, (j) => { j.modelTopology.config.layers = [{ class_name: 'Dense', config: { name: 'big', units, use_bias: false, batch_input_shape: [null, 1] } }]; j.weightsManifest = [{ paths: ['big.bin'], weights: [{ name: 'big/kernel', shape: [1, units], dtype: 'float32' }] }]; });
      sparse(join(d, 'm', 'big.bin'), units * 4);
      return ['inspect', p];
    }, expect: /more than the \d+ one group can hold/, maxRssMiB: 400 },
  { name: 'inspect: not a model file extension', setup: (d) => ['inspect', file(d, 'notes.txt', 'hello')], expect: /not a model file/ },

  // ---- prune options ----
  { name: 'prune: --ratio missing', setup: (d) => ['prune', mnistModel(d)], expect: /--ratio/ },
  { name: 'prune: unknown option', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--bogus'], expect: /unknown option '--bogus'/ },
  { name: 'prune: --ratio 0', setup: (d) => ['prune', mnistModel(d), '--ratio', '0', ...FAST], expect: /ratio/i },
  { name: 'prune: --ratio 1.5', setup: (d) => ['prune', mnistModel(d), '--ratio', '1.5', ...FAST], expect: /ratio/i },
  { name: 'prune: --ratio abc', setup: (d) => ['prune', mnistModel(d), '--ratio', 'abc'], expect: /--ratio must be a number, got "abc"/ },
  { name: 'prune: --groups 1', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--groups', '1'], expect: /--groups must be an integer ≥ 2/ },
  { name: 'prune: --groups larger than the channels', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--groups', '100000', ...FAST], expect: /channel|n =|groups/i },
  { name: 'prune: --seed 1.5', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--seed', '1.5'], expect: /--seed must be an integer/ },
  { name: 'prune: --search-seconds -1', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--search-seconds', '-1'], expect: /--search-seconds must be a number ≥ 0/ },
  { name: 'prune: --keep-first with --mask-first', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--keep-first', '--mask-first'], expect: /contradict/ },
  { name: 'prune: --layer-groups without =', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', '--layer-groups', 'dense'], expect: /expects name=n/ },
  { name: 'prune: a model with no maskable layer at n = 64', setup: (d) => ['prune', tiny(d), '--ratio', '0.9', ...FAST], expect: /./ },

  // ---- output folders ----
  { name: 'prune: --out the model folder --overwrite', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', join(d, 'mnist-model'), '--overwrite'], expect: /contains an input of this job/ },
  { name: 'prune: --out a sub-folder holding the shards --overwrite', setup: (d) => {
      const p = mnistModel(d, (j) => { j.weightsManifest[0].paths = j.weightsManifest[0].paths.map((x: string) => `sub/${x}`); });
      mkdirSync(join(d, 'mnist-model', 'sub'));
      cpSync(join(MNIST_MODEL, 'weights.bin'), join(d, 'mnist-model', 'sub', 'weights.bin'));
      return ['prune', p, '--ratio', '0.9', ...FAST, '--out', join(d, 'mnist-model', 'sub'), '--overwrite'];
    }, expect: /contains an input of this job/ },
  { name: 'prune: --out "" --overwrite', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', '', '--overwrite'], expect: /--out is empty/ },
  { name: 'prune: --out the working folder --overwrite', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', '.', '--overwrite'], expect: /working folder|contains an input/ },
  { name: 'prune: --out the home folder --overwrite', setup: (d) => (file(d, 'home/notes.txt', 'mine'), ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', join(d, 'home'), '--overwrite']), expect: /home folder/ },
  { name: 'prune: --out / --overwrite', setup: (d) => ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', '/', '--overwrite'], expect: /root|contains/ },
  { name: 'prune: --out a folder rgp did not write --overwrite', setup: (d) => (file(d, 'mine/notes.txt', 'mine'), ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', join(d, 'mine'), '--overwrite']), expect: /not written by rgp/ },
  { name: 'prune: --out a non-empty folder without --overwrite', setup: (d) => (file(d, 'mine/notes.txt', 'mine'), ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', join(d, 'mine')]), expect: /already exists and is not empty/ },
  { name: 'prune: --out an existing file', setup: (d) => (file(d, 'taken.txt', 'x'), ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', join(d, 'taken.txt')]), expect: /is a file, not a folder/ },
  { name: 'prune: --out under a file', setup: (d) => (file(d, 'taken.txt', 'x'), ['prune', mnistModel(d), '--ratio', '0.9', ...FAST, '--out', join(d, 'taken.txt', 'sub')]), expect: /cannot be written|not a folder/ },
  { name: 'inspect: --out the model.json', setup: (d) => { const p = tiny(d); return ['inspect', p, '--out', p]; }, expect: /is an input of this job/ },
  { name: 'inspect: --out a shard', setup: (d) => { const p = tiny(d); return ['inspect', p, '--out', join(d, 'm', 'group1-shard1of1.bin'), '--overwrite']; }, expect: /is an input of this job/ },
  { name: 'inspect: --out a file rgp did not write --overwrite', setup: (d) => (file(d, 'notes.json', '{"mine":1}'), ['inspect', tiny(d), '--out', join(d, 'notes.json'), '--overwrite']), expect: /not written by rgp/ },
  { name: 'inspect: --out an existing file without --overwrite', setup: (d) => (file(d, 'notes.json', '{"mine":1}'), ['inspect', tiny(d), '--out', join(d, 'notes.json')]), expect: /already exists/ },
  { name: 'inspect: --out a folder', setup: (d) => (mkdirSync(join(d, 'folder')), ['inspect', tiny(d), '--out', join(d, 'folder')]), expect: /is a folder/ },
  { name: 'graph: --out is --in', setup: (d) => { const g = file(d, 'g.txt', '0 1\n1 2\n2 0\n'); return ['graph', '--in', g, '--out', g]; }, expect: /overwrite the input graph/ },
  { name: 'graph: --out a file rgp did not write --overwrite', setup: (d) => (file(d, 'notes.txt', 'x'), ['graph', '--nodes', '16', '--degree', '4', '--swaps', '10', '--out', join(d, 'notes.txt'), '--overwrite']), expect: /not written by rgp/ },

  // ---- datasets (train, sweep) ----
  { name: 'train: --data missing', setup: (d) => ['train', mnistModel(d), '--data', join(d, 'nowhere'), '--epochs', '1'], expect: /No dataset at/ },
  { name: 'train: --data a folder without IDX files', setup: (d) => (file(d, 'data/readme.txt', 'x'), ['train', mnistModel(d), '--data', join(d, 'data'), '--epochs', '1']), expect: /No dataset found in the folder/ },
  { name: 'train: IDX gzip bomb (10 images declared, 256 MiB inflated)', setup: (d) => {
      const big = new Uint8Array(images10.length + 256 * 1024 * 1024);
      big.set(images10);
      return ['train', mnistModel(d), '--data', idxFolder(d, big, labels10), '--epochs', '1'];
    }, expect: /inflates to more than the 7856 bytes its header declares/, maxRssMiB: 400 },
  { name: 'train: IDX truncated', setup: (d) => ['train', mnistModel(d), '--data', idxFolder(d, images10.subarray(0, 5000), labels10), '--epochs', '1'], expect: /truncated/ },
  { name: 'train: IDX bad magic', setup: (d) => ['train', mnistModel(d), '--data', idxFolder(d, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), labels10), '--epochs', '1'], expect: /bad magic number/ },
  { name: 'train: gzip that is damaged', setup: (d) => { const f = idxFolder(d, images10, labels10); writeFileSync(join(f, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels10).subarray(0, 12)); return ['train', mnistModel(d), '--data', f, '--epochs', '1']; }, expect: /cannot be decompressed/ },
  { name: 'train: dataset spec nested 100,000 deep', setup: (d) => ['train', mnistModel(d), '--data', file(d, 'deep.dataset.json', `{"format":"rgp-dataset","version":1,"train":${nested(100000)}}`), '--epochs', '1'], expect: /nests more than 256 levels/ },
  { name: 'train: dataset spec not JSON', setup: (d) => ['train', mnistModel(d), '--data', file(d, 'bad.dataset.json', '{'), '--epochs', '1'], expect: /not valid JSON/ },
  { name: 'train: --data D --out D --overwrite', setup: (d) => { const data = mnistData(d); return ['train', mnistModel(d), '--data', data, '--limit', '100', '--epochs', '1', '--graph', 'dense', '--out', data, '--overwrite']; }, expect: /is an input of this job/ },
  { name: 'train: --out inside the dataset folder', setup: (d) => { const data = mnistData(d); return ['train', mnistModel(d), '--data', data, '--limit', '100', '--epochs', '1', '--graph', 'dense', '--out', join(data, 'out')]; }, expect: /lies inside an input/ },
  { name: 'train: --epochs 0', setup: (d) => ['train', mnistModel(d), '--data', join(d, 'x'), '--epochs', '0'], expect: /--epochs must be an integer ≥ 1/ },
  { name: 'train: --optimizer foo', setup: (d) => ['train', mnistModel(d), '--data', join(d, 'x'), '--optimizer', 'foo'], expect: /--optimizer must be one of sgd, adam/ },
  { name: 'train: --data missing entirely', setup: (d) => ['train', mnistModel(d)], expect: /--data/ },
  { name: 'train: a Lambda layer', setup: (d) => ['train', mnistModel(d, (j) => { const l = j.modelTopology.config.layers; l.splice(1, 0, { class_name: 'Lambda', config: { name: 'lam', function: 'lambda x: x' } }); }), '--data', mnistData(d), '--limit', '100', '--epochs', '1', '--graph', 'dense'], expect: /Lambda|cannot build this model|unknown layer/i },
  { name: 'sweep: --ratios missing', setup: (d) => ['sweep', mnistModel(d), '--data', join(d, 'x')], expect: /needs --ratios/ },
  { name: 'sweep: --data D --out D --overwrite', setup: (d) => { const data = mnistData(d); return ['sweep', mnistModel(d), '--data', data, '--limit', '100', '--epochs', '1', '--ratios', '0.875', '--graphs', 'ring', '--seeds', '1', '--out', data, '--overwrite']; }, expect: /is an input of this job/ },
  { name: 'sweep: --graphs foo', setup: (d) => ['sweep', mnistModel(d), '--data', join(d, 'x'), '--ratios', '0.9', '--graphs', 'foo'], expect: /--graphs must be one of/ },

  // ---- edge lists (sparsify) ----
  { name: 'sparsify: --dataset missing file', setup: (d) => ['sparsify', '--dataset', join(d, 'nowhere.txt'), '--methods', 'dense', '--seeds', '1', '--epochs', '1'], expect: /does not exist|not found|No such/i },
  { name: 'sparsify: words where node ids belong', setup: (d) => ['sparsify', '--dataset', file(d, 'e.txt', '0 1 1\nalice bob 2\n'), '--methods', 'dense', '--seeds', '1', '--epochs', '1'], expect: /is not a number/ },
  { name: 'sparsify: node ids of 2^53 and more', setup: (d) => ['sparsify', '--dataset', file(d, 'e.txt', '9007199254740992 1 1\n9007199254740993 2 2\n'), '--methods', 'dense', '--seeds', '1', '--epochs', '1'], expect: /2\^53 or more/ },
  { name: 'sparsify: infinite node id', setup: (d) => ['sparsify', '--dataset', file(d, 'e.txt', '0 1 1\ninf 2 2\n'), '--methods', 'dense', '--seeds', '1', '--epochs', '1'], expect: /not a finite number|not a number/ },
  { name: 'sparsify: --out the edge list\'s folder --overwrite', setup: (d) => { const e = file(d, 'g/e.txt', '0 1 1\n1 2 2\n2 0 3\n'); return ['sparsify', '--dataset', e, '--methods', 'dense', '--seeds', '1', '--epochs', '1', '--out', join(d, 'g'), '--overwrite']; }, expect: /contains an input of this job/ },
  { name: 'sparsify: --out the edge list itself', setup: (d) => { const e = file(d, 'g/e.txt', '0 1 1\n1 2 2\n2 0 3\n'); return ['sparsify', '--dataset', e, '--methods', 'dense', '--seeds', '1', '--epochs', '1', '--out', e, '--overwrite']; }, expect: /is an input of this job/ },
  { name: 'sparsify: --methods foo', setup: () => ['sparsify', '--dataset', 'collegemsg', '--methods', 'foo'], expect: /--methods must be one of/ },
  { name: 'sparsify: --sparsities 1.5', setup: () => ['sparsify', '--dataset', 'collegemsg', '--sparsities', '1.5', '--methods', 'rigl'], expect: /strictly between 0 and 1/ },
  { name: 'sparsify: --task node without labels', setup: (d) => ['sparsify', '--dataset', file(d, 'e.txt', '0 1\n'), '--task', 'node'], expect: /needs a labels file/ },
  { name: 'sparsify: a damaged gzip edge list', setup: (d) => ['sparsify', '--dataset', file(d, 'e.txt.gz', gzipSync('0 1 1\n1 2 2\n').subarray(0, 15)), '--methods', 'dense', '--seeds', '1', '--epochs', '1'], expect: /cannot be decompressed|unexpected end/i },
  { name: 'sparsify: --dataset missing entirely', setup: () => ['sparsify'], expect: /--dataset/ },

  // ---- graphs ----
  { name: 'graph: n·k odd', setup: () => ['graph', '--nodes', '5', '--degree', '3', '--swaps', '10'], expect: /even|n·k|odd/ },
  { name: 'graph: --in nested 100,000 deep', setup: (d) => ['graph', '--in', file(d, 'g.json', `{"nodes":3,"edges":${nested(100000)}}`)], expect: /nests more than 256 levels/ },
  { name: 'graph: --in missing', setup: (d) => ['graph', '--in', join(d, 'nowhere.json')], expect: /Cannot read the graph file/ },
  { name: 'graph: --chains 1000', setup: () => ['graph', '--nodes', '16', '--degree', '4', '--chains', '1000'], expect: /too many/ },
  { name: 'graph: --nodes abc', setup: () => ['graph', '--nodes', 'abc', '--degree', '4'], expect: /--nodes must be an integer/ },
  { name: 'unknown command', setup: () => ['frobnicate'], expect: /unknown command 'frobnicate'/ },
];
