/**
 * The trust gate of commands that write files: in a restricted (untrusted) workspace they explain why
 * they stop and offer the trust editor, instead of writing anything. O(1).
 */
import * as vscode from 'vscode';
import type { UserMessages } from './userMessages';

/** True when the workspace is trusted; otherwise tells the user what `writes` and returns false. */
export function requireTrust(messages: UserMessages, writes: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void messages.info(`RGP: ${writes}, so it needs a trusted workspace. Inspecting works in restricted mode.`, 'Manage Workspace Trust').then((a) => {
    if (a) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
