/**
 * The part of a VS Code test runner that lives in the extension host: runs the given bundled mocha
 * files and writes one line per test to RGP_TEST_RESULTS, so the harness can report them whatever
 * happens to the extension host's console.
 */
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';

export function runMocha(files: string[]): Promise<void> {
  // RGP_TEST_GREP (set where the harness runs; code-server passes its environment on) runs only the
  // tests whose full title matches it, e.g. RGP_TEST_GREP='CodeLens|hover' npm run test:integration -- dev.
  const grep = process.env.RGP_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const f of files) mocha.addFile(f);
  const tests: { title: string; state: 'passed' | 'failed'; error?: string }[] = [];
  const save = () => {
    if (process.env.RGP_TEST_RESULTS) writeFileSync(process.env.RGP_TEST_RESULTS, JSON.stringify({ tests }, null, 2));
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      save();
      if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
      else resolve();
    });
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', error: err?.stack ?? String(err) }));
  });
}
