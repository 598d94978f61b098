/**
 * Cancelling from VS Code while the worker is reading a large model: the command ends without a
 * result or an error message, the view and status bar say "cancelled", and the worker thread exits.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nextEvent, rgpApi, workspacePath } from './helpers';
import type { UserMessage } from '../../../src/vscode/userMessages';

/** 48 Dense 1024×1024 layers, one 4 MiB shard each: enough reading that a cancel lands mid-job. */
function writeLargeModel(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const layers = [];
  const manifest = [];
  const shard = Buffer.alloc(1024 * 1024 * 4, 1);
  for (let i = 0; i < 48; i++) {
    const name = `dense_${i}`;
    layers.push({ class_name: 'Dense', config: { name, units: 1024, use_bias: false, ...(i === 0 ? { batch_input_shape: [null, 1024] } : {}) } });
    manifest.push({ paths: [`${name}.bin`], weights: [{ name: `${name}/kernel`, shape: [1024, 1024], dtype: 'float32' }] });
    writeFileSync(path.join(dir, `${name}.bin`), shard);
  }
  const modelJson = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 'large', layers } }, weightsManifest: manifest };
  const p = path.join(dir, 'model.json');
  writeFileSync(p, JSON.stringify(modelJson));
  return p;
}

describe('RGP: Cancel Running Job', () => {
  it('stops the worker mid-job and leaves no error behind', async () => {
    const api = await rgpApi();
    const modelPath = writeLargeModel(workspacePath('generated', 'large'));
    const errors: UserMessage[] = [];
    const sub = api.onDidShowMessage((m) => m.severity === 'error' && errors.push(m));
    const firstShard = nextEvent(api.onDidProgress, (p) => /read shard/.test(p.message), 60_000, 'the first shard to be read');
    const running = vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(modelPath));
    const p = await firstShard;
    await vscode.commands.executeCommand('rgp.cancel');
    const result = await running;
    sub.dispose();
    assert.equal(result, undefined, `no result after cancelling at "${p.message}"`);
    assert.deepEqual(errors, []);
    assert.match(api.statusBarText(), /cancelled/);
    for (let i = 0; i < 100 && api.liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.liveWorkers(), 0, 'the worker thread has exited');
  });

  it('refuses a second job while one runs, saying which, and the first still cancels cleanly', async () => {
    const api = await rgpApi();
    const modelPath = workspacePath('examples', 'mnist-mlp', 'model', 'model.json');
    const searching = nextEvent(api.onDidProgress, (p) => /graph search/.test(p.message), 60_000, 'the graph search to start');
    const first = vscode.commands.executeCommand('rgp.pruneModel', vscode.Uri.file(modelPath), { ratio: 0.875, searchSwaps: 100_000_000, searchSeconds: 60, out: workspacePath('generated', 'busy') });
    await searching;
    const shown = nextEvent(api.onDidShowMessage, (m) => m.severity === 'error', 10_000, 'an error message');
    const second = await vscode.commands.executeCommand('rgp.inspectModel', vscode.Uri.file(modelPath));
    assert.equal(second, undefined);
    assert.match((await shown).text, /already running "Prune model\/model\.json to 87\.50 %"\. Wait for it to finish, or stop it with RGP: Cancel Running Job\./);
    await vscode.commands.executeCommand('rgp.cancel');
    assert.equal(await first, undefined);
  });

  it('says so when nothing is running', async () => {
    const api = await rgpApi();
    const shown = nextEvent(api.onDidShowMessage, (m) => m.severity === 'info', 10_000, 'an info message');
    await vscode.commands.executeCommand('rgp.cancel');
    assert.match((await shown).text, /No RGP job is running/);
  });
});
