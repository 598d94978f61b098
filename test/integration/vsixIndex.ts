import * as path from 'node:path';
import { runMocha } from './mochaRunner';

/** Entry for the suite that checks the extension installed from the .vsix (not the dev folder). */
export function run(): Promise<void> {
  return runMocha([path.join(__dirname, 'suite', 'vsix.test.js')]);
}
