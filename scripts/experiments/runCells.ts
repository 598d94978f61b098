/**
 * Runs an experiment as independent cells, each one `rgp` command whose results.json is kept, so a long
 * experiment survives being stopped: a cell whose data file exists is skipped, so running again continues
 * where it stopped. Cells run `parallel` at a time (one process each, niced so they yield to interactive
 * work); each writes into out/experiments/<name>/<cell>/ and its results.json is copied, with absolute paths
 * made relative to the repository, to <dataDir>/<cell>.json through a temporary name and a rename.
 * Uses the built CLI (bin/rgp.js → dist/cli.js: run `node esbuild.js` first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Cell {
  /** File-name-safe id of the cell (its data file is <id>.json). */
  id: string;
  /** rgp arguments without --out. */
  args: string[];
}

/** Replaces the repository's absolute path by '.' in every string of a JSON value. */
export function relativise(text: string): string {
  return text.split(ROOT + path.sep).join('').split(JSON.stringify(ROOT).slice(1, -1)).join('.');
}

function runOne(name: string, cell: Cell, dataDir: string): Promise<void> {
  const out = path.join(ROOT, 'out', 'experiments', name, cell.id);
  const args = ['-n', '10', process.execPath, path.join(ROOT, 'bin', 'rgp.js'), ...cell.args, '--out', out, '--overwrite', '--json', '-q'];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('nice', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', async (code) => {
      if (code !== 0) return reject(new Error(`cell ${cell.id}: rgp exited with ${code}`));
      const text = relativise(await readFile(path.join(out, 'results.json'), 'utf8'));
      const target = path.join(dataDir, `${cell.id}.json`);
      await writeFile(`${target}.rgp-tmp`, text);
      await rename(`${target}.rgp-tmp`, target);
      console.log(`${new Date().toISOString()} cell ${cell.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s → ${path.relative(ROOT, target)}`);
      resolve();
    });
  });
}

/** Runs the cells whose data file is missing, `parallel` at a time, in the given order. */
export async function runCells(name: string, cells: Cell[], dataDir: string, parallel: number): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const todo = cells.filter((c) => !existsSync(path.join(dataDir, `${c.id}.json`)));
  console.log(`${name}: ${cells.length - todo.length} of ${cells.length} cells done; running ${todo.length}, ${parallel} at a time`);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) await runOne(name, todo[next++]!, dataDir);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, todo.length) }, worker));
}
