import * as vscode from 'vscode';
import { isRgpError } from '../core/errors';

export type UserMessage = { severity: 'info' | 'warning' | 'error'; text: string };

/**
 * Every message the extension shows a person goes through here, so the wording of errors is decided in
 * one place and integration tests can observe exactly what the user was told.
 */
export class UserMessages implements vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<UserMessage>();
  readonly onDidShow = this.shown.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  info(text: string, ...actions: string[]): Thenable<string | undefined> {
    this.shown.fire({ severity: 'info', text });
    return vscode.window.showInformationMessage(text, ...actions);
  }

  /** Shows a user error as its message and hint; an unexpected error as a bug report pointer. */
  error(e: unknown): void {
    let text: string;
    if (isRgpError(e)) text = e.userMessage;
    else {
      const err = e instanceof Error ? e : new Error(String(e));
      this.log.error(err.stack ?? err.message);
      text = `RGP hit an unexpected error: ${err.message} (details in the RGP output channel).`;
    }
    this.shown.fire({ severity: 'error', text });
    void vscode.window.showErrorMessage(text, 'Show Log').then((pick) => {
      if (pick === 'Show Log') this.log.show(true);
    });
  }

  dispose(): void {
    this.shown.dispose();
  }
}
