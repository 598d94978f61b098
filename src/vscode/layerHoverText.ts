/**
 * The Markdown a hover on a layer of model.json shows: class, input and output shapes, weights, the
 * parameters and MACs per example (the layer graph's exact counts — the same `rgp inspect` and the prune
 * report use, see src/core/model/macs.ts) and what RGP pruning would do to the layer with the current
 * settings (RGP, arXiv 2110.15192: hidden Dense/Conv kernels masked, first and last layers dense).
 * Pure text, no vscode. O(weights of the layer).
 */
import { formatShape, type LayerInText, type ModelTextAnalysis } from './modelJsonText';

const count = (n: number) => n.toLocaleString('en-US');

/** Escapes characters that Markdown would interpret in a layer name or class. */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`);
}

export function layerHoverMarkdown(layer: LayerInText, analysis: ModelTextAnalysis): string {
  const lines = [`**${mdEscape(layer.name)}** · \`${layer.className.replace(/`/g, '')}\``, ''];
  const node = layer.node;
  if (!node) {
    lines.push(analysis.problem ? `RGP cannot read this model: ${mdEscape(analysis.problem)}` : 'RGP has no layer graph for this layer.');
    return lines.join('\n');
  }
  const rows: [string, string][] = [];
  if (node.inputShapes.length > 0) rows.push([node.inputShapes.length > 1 ? 'inputs' : 'input', node.inputShapes.map(formatShape).join(' · ')]);
  rows.push(['output', node.known ? formatShape(node.outputShape) : `unknown (RGP does not understand ${mdEscape(node.className)})`]);
  if (layer.kernel) rows.push([layer.kernel.variable.replace(/_/g, ' '), layer.kernel.shape.join(' × ')]);
  const others = node.weights.filter((w) => w.variable !== layer.kernel?.variable);
  if (others.length > 0) rows.push(['other weights', others.map((w) => `${mdEscape(w.variable)} ${w.spec.shape.join(' × ') || 'scalar'}`).join(', ')]);
  rows.push(['parameters', count(node.params)]);
  rows.push(['MACs per example', node.macs === null ? 'unknown (a shape is unknown)' : count(node.macs)]);
  if (node.calls > 1) rows.push(['calls', `${node.calls} (shared; MACs counted once)`]);
  lines.push('| | |', '|:--|--:|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '');
  lines.push(`**RGP pruning:** ${pruningLine(layer, analysis)}`);
  return lines.join('\n');
}

function pruningLine(layer: LayerInText, analysis: ModelTextAnalysis): string {
  const d = layer.decision;
  if (!d) {
    return analysis.nothingMasked
      ? 'kept dense — with the current settings no layer of this model is masked: RGP keeps the first and the last maskable layers dense (settings `rgp.keepFirstLayerDense`, `rgp.keepLastLayerDense`).'
      : 'unknown.';
  }
  switch (d.role) {
    case 'masked': {
      const k = layer.kernel?.shape ?? [];
      const cIn = k[k.length - 2];
      const cOut = k[k.length - 1];
      const limit = cIn !== undefined && cOut !== undefined ? ` (n ≤ ${Math.min(cIn, cOut)} for this layer)` : '';
      return `masked — its ${cIn} input and ${cOut} output channels are split into n groups and only the blocks between neighbours in a k-regular graph are kept${limit}.`;
    }
    case 'first':
      return 'kept dense — it is the first maskable layer (setting `rgp.keepFirstLayerDense`).';
    case 'last':
      return 'kept dense — it is the last maskable layer, the classifier (setting `rgp.keepLastLayerDense`).';
    case 'kept':
      return 'kept dense by option.';
    case 'not-maskable':
      return d.reason ? `not masked — ${mdEscape(d.reason)}.` : 'not masked — RGP masks Dense and convolution kernels.';
    case 'no-weights':
      return 'no weights, nothing to prune.';
  }
}
