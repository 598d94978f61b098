/**
 * Every prompt (quick pick, input box) the extension opened, with what it showed: its title, placeholder
 * or prompt text, its items and the one preselected. VS Code's API cannot read an open quick pick back,
 * so this is how the integration tests see what a user was asked (as UserMessages does for messages).
 * The prompt helpers call notePrompt as they show; activate() creates the one PromptLog (a disposable).
 */
import * as vscode from 'vscode';

export interface ShownPrompt {
  kind: 'quickPick' | 'inputBox';
  title: string;
  /** The quick pick's placeholder, or the input box's prompt. */
  text?: string;
  items?: string[];
  /** Labels of the items preselected (Enter takes these). */
  active?: string[];
  /** The input box's prefilled value. */
  value?: string;
}

const sinks = new Set<(p: ShownPrompt) => void>();

/** Reports a prompt as it is shown; does nothing before activation. O(listeners). */
export function notePrompt(p: ShownPrompt): void {
  for (const sink of sinks) sink(p);
}

export class PromptLog implements vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<ShownPrompt>();
  readonly onDidShow = this.shown.event;
  private readonly sink = (p: ShownPrompt) => this.shown.fire(p);

  constructor() {
    sinks.add(this.sink);
  }

  dispose(): void {
    sinks.delete(this.sink);
    this.shown.dispose();
  }
}
