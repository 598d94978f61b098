/**
 * The extension's side of the one output rule (issues 14 and 15): the extension asks Overwrite / Choose
 * Another Folder… from checkOutputPlace — the same checks prepareOutput makes in every job — and shows the
 * rule's refusals through cliWords.forEditor. Here, on real folders: what checkOutputPlace reports, and that
 * every refusal of the rule reads as one editor sentence, "The output folder …" rather than `--out …`,
 * with no CLI flag left in it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { checkOutputPlace, OUTPUT_MARKER, prepareOutput, type OutputRequest } from '../../src/jobs/outputFolder';
import { markerJson } from '../../src/io/outputMarker';
import { forEditor } from '../../src/vscode/cliWords';

let dir: string;
let modelDir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-editor-output-'));
  modelDir = join(dir, 'model');
  mkdirSync(modelDir);
  writeFileSync(join(modelDir, 'model.json'), '{}');
  mkdirSync(join(dir, 'earlier'));
  writeFileSync(join(dir, 'earlier', OUTPUT_MARKER), markerJson('prune'));
  writeFileSync(join(dir, 'earlier', 'report.json'), '{}');
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'notes.txt'), 'not an RGP result');
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'a-file'), 'x');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('checkOutputPlace: free when missing or empty, taken (ours or not) when it holds something', async () => {
  const inputs = [modelDir];
  assert.deepEqual(await checkOutputPlace({ out: join(dir, 'new'), inputs }), { target: join(dir, 'new'), taken: false });
  assert.deepEqual(await checkOutputPlace({ out: join(dir, 'empty'), inputs }), { target: join(dir, 'empty'), taken: false });
  assert.deepEqual(await checkOutputPlace({ out: join(dir, 'earlier'), inputs }), { target: join(dir, 'earlier'), taken: true, ours: true });
  assert.deepEqual(await checkOutputPlace({ out: join(dir, 'mine'), inputs }), { target: join(dir, 'mine'), taken: true, ours: false });
  // …and prepareOutput decides from it: an earlier RGP result is replaced only with overwrite, another folder never.
  assert.equal(await prepareOutput({ out: join(dir, 'earlier'), inputs, overwrite: true }), join(dir, 'earlier'));
  await assert.rejects(prepareOutput({ out: join(dir, 'earlier'), inputs, overwrite: false }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');
  await assert.rejects(prepareOutput({ out: join(dir, 'mine'), inputs, overwrite: true }), (e: unknown) => isRgpError(e) && e.code === 'UNSAFE_PATH');
});

const cases: Array<{ name: string; req: () => OutputRequest; editor: RegExp }> = [
  { name: 'the input itself', req: () => ({ out: modelDir, inputs: [modelDir], overwrite: true }), editor: /^The output folder \S+ is an input of this job \(\S+\)\. Choose a new output folder beside the input, e\.g\. the default\.$/ },
  { name: 'a folder around the input', req: () => ({ out: dir, inputs: [modelDir], overwrite: true }), editor: /^The output folder \S+ contains an input of this job/ },
  { name: 'a folder inside the input', req: () => ({ out: join(modelDir, 'results'), inputs: [modelDir], overwrite: false }), editor: /^The output folder \S+ lies inside an input of this job \(\S+\)\./ },
  { name: 'the home folder', req: () => ({ out: homedir(), inputs: [], overwrite: true }), editor: /^The output folder \S+ (is your home folder|contains)/ },
  { name: 'a file where the folder goes', req: () => ({ out: join(dir, 'a-file'), inputs: [], overwrite: false }), editor: /^The output folder \S+ exists and is a file, not a folder\. Choose a new output folder\.$/ },
  { name: 'a non-empty folder without overwrite', req: () => ({ out: join(dir, 'earlier'), inputs: [], overwrite: false }), editor: /^The output folder \S+ already exists and is not empty\. Choose another folder, or allow overwriting an earlier result\.$/ },
  { name: 'a folder RGP did not write, with overwrite', req: () => ({ out: join(dir, 'mine'), inputs: [], overwrite: true }), editor: /^\S+ was not written by RGP \(it has no \.rgp-output\.json\), so RGP never replaces it\. Choose a new output folder\.$/ },
  { name: 'an empty name', req: () => ({ out: '', inputs: [], overwrite: false }), editor: /^No output folder was given\. Give the folder to write\.$/ },
];

for (const c of cases) {
  test(`the rule's refusal of ${c.name} reads as the editor's words, no CLI flag`, async () => {
    const e = await prepareOutput(c.req()).then(() => undefined, (err: unknown) => err);
    assert.ok(isRgpError(e), `refused with an RgpError: ${String(e)}`);
    assert.match(e.userMessage, /--out|--overwrite/, 'the CLI wording names its flags');
    const text = forEditor(e.userMessage);
    assert.doesNotMatch(text, /--[a-z]/, text);
    assert.match(text, c.editor);
  });
}
