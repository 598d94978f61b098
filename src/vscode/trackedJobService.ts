/**
 * The JobService with a context key, `rgp.jobRunning`, true while a command's job runs: menus and the
 * command palette offer "RGP: Cancel Running Job" only then.
 */
import * as vscode from 'vscode';
import { JobService } from './jobService';

export const JOB_RUNNING_CONTEXT = 'rgp.jobRunning';

export class TrackedJobService extends JobService {
  override async run(...args: Parameters<JobService['run']>): ReturnType<JobService['run']> {
    this.assertIdle();
    void vscode.commands.executeCommand('setContext', JOB_RUNNING_CONTEXT, true);
    try {
      return await super.run(...args);
    } finally {
      void vscode.commands.executeCommand('setContext', JOB_RUNNING_CONTEXT, false);
    }
  }
}
