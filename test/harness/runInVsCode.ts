/**
 * Runs a mocha suite inside a real VS Code (code-server's workbench in headless Chromium) exactly as
 * @vscode/test-electron would: the workbench loads the extension under development and calls the
 * runner module's `run()` in the extension host, then reports the exit code through
 * `codeAutomationExit`. The runner also writes its per-test results to RGP_TEST_RESULTS.
 */
import { readFileSync, existsSync, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { remoteAuthority, startCodeServer, type RunDirs } from './codeServer';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  error?: string;
}

export interface SuiteResult {
  exitCode: number;
  passed: number;
  failed: number;
  tests: TestOutcome[];
  logFile: string;
}

export interface RunInVsCodeOptions {
  entry: string;
  dirs: RunDirs;
  workspace: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  timeoutMs?: number;
  /** Where to save a screenshot of the workbench when the suite ends (for people reading CI logs). */
  screenshot?: string;
}

export async function runInVsCode(o: RunInVsCodeOptions): Promise<SuiteResult> {
  const resultsFile = path.join(o.dirs.root, 'results.json');
  const server = await startCodeServer(o.entry, o.dirs, { RGP_TEST_RESULTS: resultsFile });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const browserLog = path.join(o.dirs.root, 'workbench.log');
  try {
    const authority = await remoteAuthority(server.url);
    const remote = (p: string) => `vscode-remote://${authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(o.extensionTestsPath)],
      ['extensionDevelopmentKind', 'workspace'],
    ];
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('console', (m) => appendFileSync(browserLog, `[console.${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(browserLog, `[pageerror] ${e.message}\n`));
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
      appendFileSync(browserLog, `[${level}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`);
    });
    const url = `${server.url}/?folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const timeoutMs = o.timeoutMs ?? 300_000;
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode,
      new Promise<number>((resolve) => {
        timer = setTimeout(() => resolve(-1), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // Let notifications of finished jobs close before the picture is taken.
    if (o.screenshot) {
      await page.waitForTimeout(2500);
      await page.screenshot({ path: o.screenshot }).catch(() => undefined);
    }
    const results = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { tests: TestOutcome[] })
      : { tests: [] };
    const passed = results.tests.filter((t) => t.state === 'passed').length;
    const failed = results.tests.filter((t) => t.state === 'failed').length;
    if (code === -1) {
      results.tests.push({ title: `suite did not finish within ${timeoutMs / 1000} s`, state: 'failed' });
      return { exitCode: 1, passed, failed: failed + 1, tests: results.tests, logFile: server.logFile };
    }
    return { exitCode: code, passed, failed, tests: results.tests, logFile: server.logFile };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}
