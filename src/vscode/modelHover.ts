/**
 * Hover on a layer of a TF.js layers model.json — its name string (`config.name`, or the layer-level
 * `name` of Keras 3 files) or its `class_name` — showing shapes, parameters, MACs and what pruning
 * would do (layerHoverText.ts). Uses the cached per-version analysis; O(layers) per hover.
 */
import * as vscode from 'vscode';
import { layerHoverMarkdown } from './layerHoverText';
import type { ModelDocuments } from './modelDocuments';
import { layerAt } from './modelJsonText';

export class ModelHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: ModelDocuments) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const analysis = this.documents.analyse(doc);
    if (!analysis) return undefined;
    const hit = layerAt(analysis, doc.offsetAt(position));
    if (!hit) return undefined;
    const md = new vscode.MarkdownString(layerHoverMarkdown(hit.layer, analysis));
    md.supportThemeIcons = false;
    md.isTrusted = false;
    const range = new vscode.Range(doc.positionAt(hit.anchor.offset), doc.positionAt(hit.anchor.offset + hit.anchor.length));
    return new vscode.Hover(md, range);
  }
}
