/**
 * A real VS Code for tests on a machine without a desktop or network: code-server (VS Code built for
 * the browser, from the npm registry) driven by Debian's Chromium through playwright-core. Installed on
 * demand into .vscode-test/ (ignored by git), the way @vscode/test-electron caches its download.
 * The recipe and its pitfalls are in ../shared/docs/TESTING.md.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, openSync, closeSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO = path.resolve(__dirname, '..', '..');
export const CACHE = path.join(REPO, '.vscode-test');

function log(msg: string): void {
  process.stdout.write(`[code-server] ${msg}\n`);
}

/** Installs code-server into the cache once; returns the path of its entry script. */
export function ensureCodeServer(): string {
  const prefix = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(prefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const done = path.join(prefix, '.installed');
  if (existsSync(done) && existsSync(entry)) return entry;
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(REPO, prefix)} (once; about a minute)`);
  const tmp = path.join(prefix, 'tmp');
  // @vscode/ripgrep would download rg from GitHub; seed its cache with Debian's binary instead.
  const rgCache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(rgCache, { recursive: true });
  if (!existsSync('/usr/bin/rg')) throw new Error('ripgrep is missing: apt-get install ripgrep');
  execFileSync('tar', ['czf', path.join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', '/usr/bin', 'rg']);
  writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ name: 'rgp-code-server-cache', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: prefix,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_nodedir: '/usr',
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
    },
  });
  if (!existsSync(entry)) throw new Error(`code-server install finished but ${entry} is missing`);
  writeFileSync(done, new Date().toISOString());
  return entry;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface CodeServerRun {
  url: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export interface RunDirs {
  root: string;
  userData: string;
  extensions: string;
  tmp: string;
}

export function makeRunDirs(name: string): RunDirs {
  const root = path.join(CACHE, 'runs', `${name}-${Date.now().toString(36)}-${process.pid}`);
  const dirs = { root, userData: path.join(root, 'user-data'), extensions: path.join(root, 'extensions'), tmp: path.join(root, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  // Settings that keep a test window quiet and offline.
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.enableExperiments': false,
      'chat.disableAIFeatures': true,
    }),
  );
  return dirs;
}

function codeServerArgs(entry: string, dirs: RunDirs, extra: string[]): string[] {
  return [
    entry,
    '--config', path.join(dirs.root, 'config.yaml'),
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    ...extra,
  ];
}

function codeServerEnv(dirs: RunDirs, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: path.join(dirs.root, 'xdg'), ...extra };
}

/** `code-server --install-extension file.vsix` into the run's own extensions folder. */
export function installVsix(entry: string, dirs: RunDirs, vsix: string): string {
  return execFileSync(process.execPath, codeServerArgs(entry, dirs, ['--install-extension', vsix, '--force']), {
    env: codeServerEnv(dirs, {}),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** Starts code-server on a free loopback port and waits until it answers HTTP. */
export async function startCodeServer(entry: string, dirs: RunDirs, env: Record<string, string> = {}): Promise<CodeServerRun> {
  const port = await freePort();
  const logFile = path.join(dirs.root, 'code-server.log');
  const fd = openSync(logFile, 'a');
  const proc = spawn(process.execPath, codeServerArgs(entry, dirs, ['--bind-addr', `127.0.0.1:${port}`]), {
    env: codeServerEnv(dirs, env),
    stdio: ['ignore', fd, fd],
    detached: true, // its own process group, so stop() ends the extension host and helpers too
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      process.kill(-proc.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
        resolve();
      }, 5000);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, process: proc, logFile, stop };
}

/** The remote authority the workbench uses for files on the server, read from its own page. */
export async function remoteAuthority(url: string): Promise<string> {
  const html = await (await fetch(`${url}/`)).text();
  const m = /id="vscode-workbench-web-configuration"\s+data-settings="([^"]*)"/.exec(html);
  if (!m) throw new Error('could not find the workbench configuration in code-server\'s page');
  const decoded = m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const settings = JSON.parse(decoded) as { remoteAuthority?: string };
  if (!settings.remoteAuthority) throw new Error('the workbench configuration has no remoteAuthority');
  return settings.remoteAuthority;
}
