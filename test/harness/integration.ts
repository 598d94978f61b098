/**
 * `npm run test:integration`: the mocha suites in test/integration run inside a real VS Code
 * (code-server + headless Chromium), first against the development folder, then against the .vsix
 * that `npm run package` builds, installed into a fresh code-server. Prints one line per test and a
 * closing "N passed, N failed" line; exits non-zero on any failure.
 *
 * `npm run test:integration -- dev` runs only the dev-folder suite; RGP_TEST_GREP=<regexp> in the environment
 * runs only the tests whose full title matches (mocha's grep, see test/integration/mochaRunner.ts).
 */
import { cpSync, mkdirSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { CACHE, REPO, ensureCodeServer, installVsix, makeRunDirs } from './codeServer';
import { runInVsCode, type SuiteResult } from './runInVsCode';

const ARTIFACTS = path.join(REPO, 'test-artifacts');

/** A throwaway workspace with the example model, the test fixtures and the real data, so tests never touch the repo. */
function makeWorkspace(root: string): string {
  const ws = path.join(root, 'workspace');
  mkdirSync(ws, { recursive: true });
  cpSync(path.join(REPO, 'examples'), path.join(ws, 'examples'), { recursive: true });
  cpSync(path.join(REPO, 'test', 'fixtures'), path.join(ws, 'fixtures'), { recursive: true });
  // The real data the experiments train on: examples/mnist-mlp/mnist.dataset.json points at ../../data/mnist;
  // the sparsification presets live in data/snap.
  for (const d of ['mnist', 'snap']) cpSync(path.join(REPO, 'data', d), path.join(ws, 'data', d), { recursive: true });
  return ws;
}

function report(name: string, r: SuiteResult): void {
  for (const t of r.tests) {
    process.stdout.write(`  ${t.state === 'passed' ? '✔' : '✘'} ${t.title}\n`);
    if (t.error) process.stdout.write(t.error.replace(/^/gm, '      ') + '\n');
  }
  process.stdout.write(`${name}: ${r.passed} passed, ${r.failed} failed (exit code ${r.exitCode}; ${r.exitCode === 0 && r.failed === 0 ? 'logs removed' : `code-server log ${path.relative(REPO, r.logFile)}`})\n`);
}

/** A run's folders are kept only when something failed, for its logs. */
function tidy(root: string, r: SuiteResult): SuiteResult {
  if (r.exitCode === 0 && r.failed === 0) rmSync(root, { recursive: true, force: true });
  return r;
}

async function devSuite(entry: string): Promise<SuiteResult> {
  const dirs = makeRunDirs('dev');
  return tidy(dirs.root, await runInVsCode({
    entry,
    dirs,
    workspace: makeWorkspace(dirs.root),
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'dist-test', 'integration', 'index.js'),
    screenshot: path.join(ARTIFACTS, 'vscode-dev-suite.png'),
  }));
}

async function vsixSuite(entry: string): Promise<SuiteResult> {
  const vsix = path.join(CACHE, 'rgp-vscode.vsix');
  execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const dirs = makeRunDirs('vsix');
  installVsix(entry, dirs, vsix);
  const installed = readdirSync(dirs.extensions).find((d) => d.startsWith('rgp-tools.rgp-vscode-'));
  if (!installed) throw new Error(`the .vsix did not install into ${dirs.extensions}`);
  const extensionPath = path.join(dirs.extensions, installed);
  process.env.RGP_EXPECT_EXTENSIONS_DIR = dirs.extensions;
  // The installed copy is loaded as the extension under test: exactly the files the .vsix carried.
  return tidy(dirs.root, await runInVsCode({
    entry,
    dirs,
    workspace: makeWorkspace(dirs.root),
    extensionDevelopmentPath: extensionPath,
    extensionTestsPath: path.join(REPO, 'dist-test', 'integration', 'vsixIndex.js'),
    screenshot: path.join(ARTIFACTS, 'vscode-vsix-suite.png'),
  }));
}

async function main(): Promise<number> {
  if (!existsSync(path.join(REPO, 'dist-test', 'integration', 'index.js'))) throw new Error('build the tests first: node esbuild.js --tests');
  mkdirSync(ARTIFACTS, { recursive: true });
  const entry = ensureCodeServer();
  const only = process.argv[2];
  const results: [string, SuiteResult][] = [];
  if (!only || only === 'dev') results.push(['integration (VS Code, dev folder)', await devSuite(entry)]);
  if (!only || only === 'vsix') results.push(['integration (VS Code, installed .vsix)', await vsixSuite(entry)]);
  for (const [name, r] of results) report(name, r);
  const passed = results.reduce((s, [, r]) => s + r.passed, 0);
  const failed = results.reduce((s, [, r]) => s + r.failed, 0);
  const bad = results.some(([, r]) => r.exitCode !== 0) || failed > 0 || passed === 0;
  process.stdout.write(`integration: ${passed} passed, ${failed} failed\n`);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
