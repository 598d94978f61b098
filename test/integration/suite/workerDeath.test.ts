/**
 * A job worker that dies mid-job, in the real VS Code (issue 14): the thread ends during a long graph
 * search or a prune's search, or an exception thrown from a callback in the worker goes uncaught. The user
 * sees one "RGP: …" error, the extension host lives on (a later command works), nothing half-written is
 * left, and the next job runs to completion.
 *
 * The deaths are real: the extension's own worker (dist/worker.js) reads RGP_TEST_WORKER_FAULT from its
 * environment — a copy of the extension host's, where these tests run — and ends its thread
 * (process.exit, code 70) or throws from a timer callback at its first graph-search sample
 * (src/worker/main.ts). The variable is set only around the one command that should die.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { errorShown, rgpApi, workspacePath } from './helpers';
import type { RgpApi } from '../../../src/extension';
import type { PruneSummary } from '../../../src/core/prune/report';
import type { TopologyGraph } from '../../../src/protocol/webview';
import { OUTPUT_MARKER } from '../../../src/io/outputMarker';

const FAULT = 'RGP_TEST_WORKER_FAULT';

/** Runs `command` with the worker fault set; the variable is gone again whatever happens. */
async function withFault<T>(fault: 'exit' | 'throw', command: () => Thenable<T>): Promise<T> {
  process.env[FAULT] = fault;
  try {
    return await command();
  } finally {
    delete process.env[FAULT];
  }
}

async function workersGone(api: RgpApi): Promise<void> {
  for (let i = 0; i < 100 && api.liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(api.liveWorkers(), 0, 'the dead job’s worker is gone');
}

/** The `.rgp-tmp-*` entries in `dir`. */
function temporaries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('.rgp-tmp-')) : [];
}

/** No output folder, or a complete one (marker and report). */
function noneOrComplete(out: string): void {
  if (!existsSync(out)) return;
  assert.ok(existsSync(path.join(out, OUTPUT_MARKER)) && existsSync(path.join(out, 'report.json')), `${out} is complete`);
}

describe('RGP: a job worker that dies mid-job', () => {
  const model = () => workspacePath('examples', 'mnist-mlp', 'model', 'model.json');

  afterEach(() => {
    delete process.env[FAULT];
  });

  it('ends during a long graph search: the user is told, the host lives, and the next search completes', async () => {
    const api = await rgpApi();
    const shown = errorShown(api);
    const graph = await withFault('exit', () =>
      vscode.commands.executeCommand<TopologyGraph | undefined>('rgp.showGraph', vscode.Uri.file(model()), { ratio: 0.9375, groups: 64, seed: 2, searchSwaps: 100_000_000, searchSeconds: 60 }),
    );
    assert.equal(graph, undefined, 'no graph from a dead worker');
    const error = await shown;
    assert.match(error.text, /^RGP: .*worker thread stopped unexpectedly \(exit code 70\) before it finished/);
    assert.ok(error.actions?.includes('Show Log'), 'the error offers the log');
    assert.match(api.statusBarText(), /failed/);
    await workersGone(api);

    const next = await vscode.commands.executeCommand<TopologyGraph | undefined>('rgp.showGraph', vscode.Uri.file(model()), { ratio: 0.9375, groups: 64, seed: 2, searchSwaps: 2000, searchSeconds: 30 });
    assert.ok(next, 'the next search ran to completion');
    assert.deepEqual([next.n, next.k], [64, 4]);
  });

  it('ends during a prune’s graph search: no output and no temporary folder, and another command still works', async () => {
    const api = await rgpApi();
    const out = workspacePath('generated', 'worker-death-exit');
    const shown = errorShown(api);
    const summary = await withFault('exit', () =>
      vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(model()), { ratio: 0.875, searchSwaps: 100_000_000, searchSeconds: 60, out }),
    );
    assert.equal(summary, undefined);
    assert.match((await shown).text, /^RGP: .*worker thread stopped unexpectedly \(exit code 70\)/);
    await workersGone(api);
    assert.equal(existsSync(out), false, 'a search that never finished wrote nothing');
    assert.deepEqual(temporaries(path.dirname(out)), [], 'no temporary folder left');

    // The host lives: Inspect Model answers with the model's layers.
    const inspected = await vscode.commands.executeCommand<{ layers: unknown[] } | undefined>('rgp.inspectModel', vscode.Uri.file(model()));
    assert.ok(inspected && inspected.layers.length > 0, 'Inspect Model still works');
  });

  it('throws from a callback while a prune writes: the user is told, nothing half-written is left, and the next prune completes', async () => {
    const api = await rgpApi();
    const out = workspacePath('generated', 'worker-death-throw');
    const shown = errorShown(api);
    const summary = await withFault('throw', () =>
      vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(model()), { ratio: 0.875, searchSwaps: 2000, out }),
    );
    assert.equal(summary, undefined);
    const error = await shown;
    assert.match(error.text, /^RGP: .*worker thread crashed: RGP_TEST_WORKER_FAULT: an exception thrown from a callback/);
    assert.match(api.statusBarText(), /failed/);
    await workersGone(api);
    noneOrComplete(out);
    assert.deepEqual(temporaries(path.dirname(out)), [], 'the crashed job’s temporary folder was removed');

    const next = workspacePath('generated', 'worker-death-next');
    const done = await vscode.commands.executeCommand<PruneSummary | undefined>('rgp.pruneModel', vscode.Uri.file(model()), { ratio: 0.875, searchSwaps: 2000, out: next });
    assert.ok(done, 'the next prune ran to completion');
    assert.equal(done.outputPath, next);
    assert.ok(existsSync(path.join(next, 'report.json')) && existsSync(path.join(next, OUTPUT_MARKER)), 'its folder is complete');
  });
});
