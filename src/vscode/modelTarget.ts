import * as vscode from 'vscode';
import * as path from 'node:path';
import { RgpError } from '../core/errors';

/**
 * The model a command acts on: the explorer/editor-title argument, else the active editor's file, else
 * one the user picks. Undefined when the user cancels the picker.
 */
export async function resolveModelUri(arg: unknown): Promise<vscode.Uri | undefined> {
  const candidate = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (candidate) {
    if (candidate.scheme !== 'file')
      throw new RgpError('UNSUPPORTED', `RGP reads models from files on disk; ${candidate.toString()} is not one.`, 'Save the model to a folder first.');
    return candidate;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Choose',
    title: 'RGP: choose a TF.js model.json',
    filters: { 'TF.js layers model': ['json'] },
  });
  return picked?.[0];
}

/** "model/model.json": enough of the path to tell models apart in titles. */
export function shortModelName(modelPath: string): string {
  return `${path.basename(path.dirname(modelPath))}/${path.basename(modelPath)}`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)} k`;
  return String(n);
}
