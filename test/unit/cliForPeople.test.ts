/**
 * "The CLI is a tool for people too" (issue 15), run as a shell runs it (test/fixtures/runCli.ts): a human
 * summary by default and the machine-readable report with --json; no progress on a piped stderr; a version;
 * and every command's help ends with an example of itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { runCliBatch, type CliResult } from '../fixtures/runCli';

const ROOT = path.join(__dirname, '..', '..');
const MODEL = path.join(ROOT, 'examples', 'mnist-mlp', 'model', 'model.json');
let dir: string;
let results: Record<string, CliResult>;
let subcommands: string[];

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rgp-cli-people-'));
  const [help] = runCliBatch([['--help']]);
  // Commander lists them under "Commands:" as "  name [options] <args>  description".
  subcommands = [...help.stdout.split(/^Commands:$/m)[1].matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  const commands: Record<string, string[]> = {
    version: ['--version'],
    help: ['--help'],
    human: ['prune', MODEL, '--ratio', '0.875', '--search-swaps', '50', '--out', path.join(dir, 'human')],
    json: ['prune', MODEL, '--ratio', '0.875', '--search-swaps', '50', '--out', path.join(dir, 'json'), '--json'],
    ...Object.fromEntries(subcommands.map((c) => [`help ${c}`, [c, '--help']])),
  };
  const out = runCliBatch(Object.values(commands));
  results = Object.fromEntries(Object.keys(commands).map((k, i) => [k, out[i]]));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('rgp --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(results.version.code, 0);
  assert.equal(results.version.stdout.trim(), pkg.version);
});

test('rgp prune prints a summary for a person by default, the report as JSON with --json, and no progress when piped', () => {
  const h = results.human;
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /^Pruned .*model\.json\n/);
  assert.match(h.stdout, /^Written to {4}.*human \(/m);
  assert.match(h.stdout, /^Whole model {3}parameters .* → .* \(−[\d.]+ %\), MACs /m);
  assert.match(h.stdout, /^Masked layers 87\.5 % pruned/m);
  assert.throws(() => JSON.parse(h.stdout), 'not JSON');
  assert.equal(h.stderr, '', 'no progress bar on a piped stderr');
  const j = results.json;
  assert.equal(j.code, 0, j.stderr);
  const report = JSON.parse(j.stdout) as { ratio: { requested: number }; outputPath: string };
  assert.equal(report.ratio.requested, 0.875);
  assert.equal(report.outputPath, path.join(dir, 'json'));
});

test('rgp --help and every subcommand’s help end with an example of it', () => {
  assert.ok(subcommands.length >= 10, `subcommands: ${subcommands.join(', ')}`);
  assert.match(results.help.stdout, /Examples:\n\s+\$ rgp /);
  for (const c of subcommands) {
    const r = results[`help ${c}`];
    assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Examples:\\n(\\s+\\$ rgp .*\\n)*\\s+\\$ rgp ${c} `), `rgp ${c} --help shows an example of itself`);
  }
});
