/**
 * `npm run test:electron`: the same mocha suite in a desktop VS Code downloaded by @vscode/test-electron
 * (needs a network and a display; CI here uses the code-server path in integration.ts instead).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const REPO = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'rgp-electron-'));
  const workspace = path.join(root, 'workspace');
  cpSync(path.join(REPO, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  cpSync(path.join(REPO, 'test', 'fixtures'), path.join(workspace, 'fixtures'), { recursive: true });
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'dist-test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(root, 'user-data')],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
