import * as vscode from 'vscode';
import { isRgpError } from '../core/errors';
import { forEditor } from './cliWords';

export type UserMessage = { severity: 'info' | 'warning' | 'error'; text: string; actions?: string[] };

/** A button on an error notification that helps with this error (Open model.json, Open Settings, …). */
export interface ErrorAction {
  label: string;
  run: () => unknown;
}

/**
 * Every message the extension shows a person goes through here, so the wording of errors is decided in
 * one place and integration tests can observe exactly what the user was told. Every message starts with
 * "RGP:" and says things in the editor's words (cliWords.forEditor: no CLI flags); an error carries the
 * actions that help with it before "Show Log".
 */
export class UserMessages implements vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<UserMessage>();
  readonly onDidShow = this.shown.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  info(text: string, ...actions: string[]): Thenable<string | undefined> {
    const t = withPrefix(forEditor(text));
    this.shown.fire({ severity: 'info', text: t, ...(actions.length ? { actions } : {}) });
    return vscode.window.showInformationMessage(t, ...actions);
  }

  warning(text: string, ...actions: string[]): Thenable<string | undefined> {
    const t = withPrefix(forEditor(text));
    this.shown.fire({ severity: 'warning', text: t, ...(actions.length ? { actions } : {}) });
    return vscode.window.showWarningMessage(t, ...actions);
  }

  /** Shows a user error as its message and hint; an unexpected error as a bug report pointer. */
  error(e: unknown, actions: ErrorAction[] = []): void {
    let text: string;
    if (isRgpError(e)) text = withPrefix(forEditor(e.userMessage));
    else {
      const err = e instanceof Error ? e : new Error(String(e));
      this.log.error(err.stack ?? err.message);
      text = `RGP: unexpected error: ${err.message.replace(/[.\s]+$/, '')} (details in the RGP output channel).`;
    }
    const labels = [...actions.map((a) => a.label), 'Show Log'];
    this.shown.fire({ severity: 'error', text, actions: labels });
    void vscode.window.showErrorMessage(text, ...labels).then((pick) => {
      if (pick === 'Show Log') this.log.show(true);
      else actions.find((a) => a.label === pick)?.run();
    });
  }

  dispose(): void {
    this.shown.dispose();
  }
}

function withPrefix(text: string): string {
  return /^RGP\b/.test(text) ? text : `RGP: ${text}`;
}
