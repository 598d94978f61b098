import * as fs from 'node:fs';
import * as path from 'node:path';
import { runMocha } from './mochaRunner';

/** Entry called by VS Code with extensionTestsPath: every bundled suite except the .vsix one. */
export function run(): Promise<void> {
  const dir = path.join(__dirname, 'suite');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js') && !f.startsWith('vsix')).sort();
  return runMocha(files.map((f) => path.join(dir, f)));
}
