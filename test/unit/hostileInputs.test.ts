/**
 * The hostile-input suite (issue 14): every row of test/hostile/cases.ts run through the bundled CLI
 * (bin/rgp.js → dist/cli.js; `node esbuild.js` first), each in its own scratch folder that is also its
 * working folder and whose `home` is HOME. For every row: exit code 2, exactly one stderr line starting
 * `rgp: `, no stack trace, no raw control character, nothing on stdout, every byte under the scratch
 * folder unchanged (nothing written, inputs untouched), and peak memory under the row's bound when size is
 * the attack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HOSTILE_CASES, type HostileCase } from '../hostile/cases';
import { hashTree } from '../hostile/hashTree';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'rgp.js');
const PRELOAD = path.join(ROOT, 'test', 'hostile', 'maxRss.cjs');

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', PRELOAD, CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

async function check(c: HostileCase): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'rgp-hostile-'));
  const dir = path.join(scratch, 'work');
  mkdirSync(path.join(dir, 'home'), { recursive: true });
  const rssFile = path.join(scratch, 'maxrss');
  try {
    const args = c.setup(dir);
    const before = hashTree(dir);
    const r = await runCli(args, dir, { ...process.env, HOME: dir + '/home', RGP_TEST_MAXRSS_FILE: rssFile });
    const lines = r.stderr.split('\n').filter((l) => l.length > 0);
    const shown = `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}; stderr:\n${r.stderr}`;
    assert.equal(r.status, 2, shown);
    assert.equal(lines.length, 1, `one line on stderr; ${shown}`);
    assert.match(lines[0]!, /^rgp: /);
    assert.match(lines[0]!, c.expect, shown);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(lines[0]!, /[\u0000-\u001f\u007f-\u009f]/, 'no raw control character');
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.equal(hashTree(dir), before, 'nothing written, no input changed');
    if (c.maxRssMiB !== undefined) {
      assert.ok(existsSync(rssFile), 'peak memory recorded');
      const mib = Number(readFileSync(rssFile, 'utf8')) / 1024;
      assert.ok(mib < c.maxRssMiB, `peak RSS ${mib.toFixed(0)} MiB ≥ ${c.maxRssMiB} MiB`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

test('the bundled CLI is built', () => assert.ok(existsSync(path.join(ROOT, 'dist', 'cli.js')), 'build first: node esbuild.js'));

test(`hostile inputs: ${HOSTILE_CASES.length} cases, each one line, exit 2, nothing written`, { concurrency: 2 }, async (t) => {
  assert.ok(HOSTILE_CASES.length >= 60, 'at least 60 distinct cases');
  assert.equal(new Set(HOSTILE_CASES.map((c) => c.name)).size, HOSTILE_CASES.length, 'distinct names');
  // RGP_HOSTILE_ONLY=<text> runs only the rows whose name contains it (while debugging one case).
  const only = process.env.RGP_HOSTILE_ONLY;
  await Promise.all(HOSTILE_CASES.filter((c) => !only || c.name.includes(only)).map((c) => t.test(c.name, () => check(c))));
});
