/**
 * What a finished pruning tells the user, led by what they get — the whole model's parameters and MACs
 * (nonzero, counted in the files when known: an already-pruned input is not counted as dense) — then the
 * ratio inside the masked layers and the graph, and which layers stayed dense and why, since RGP keeps the
 * first and last layers dense by default and they can hold most of the weights. O(layers).
 */
import type { PruneSummary } from '../core/prune/report';
import { percent } from '../core/percent';
import { formatCount } from './modelTarget';

/** Nonzero parameters of the input and the output, as inspected in their files. */
export interface NonzeroCounts {
  before: number;
  after: number;
  total: number;
}

export interface PruneHeadline {
  status: string;
  tooltip: string;
  message: string;
  /** The layers kept dense as first/last, with their share of the model's parameters (for "Mask … Too"). */
  dense: { layer: string; role: 'first' | 'last'; share: number }[];
}

export function pruneHeadline(s: PruneSummary, nonzero?: NonzeroCounts): PruneHeadline {
  const g = s.graph;
  const alreadySparse = nonzero !== undefined && nonzero.before < nonzero.total * 0.99;
  const params = nonzero ? 1 - nonzero.after / Math.max(1, nonzero.before) : s.ratio.params;
  const paramsText = nonzero
    ? `parameters −${percent(params)} (${formatCount(nonzero.before)} → ${formatCount(nonzero.after)} nonzero)`
    : `parameters −${percent(params)} (${formatCount(s.totals.denseParams)} → ${formatCount(s.totals.prunedParams)})`;
  const masked = `masked layers ${percent(s.ratio.achieved)} pruned (n = ${g.n}${s.options.groupsChosen ? ', chosen for the narrowest layer' : ''}, k = ${g.k}, ASPL ${g.aspl.toFixed(3)}${g.stoppedBy === 'bound' ? ', at the Moore bound' : ''})`;
  const dense = s.layers
    .filter((l): l is typeof l & { role: 'first' | 'last' } => l.role === 'first' || l.role === 'last')
    .map((l) => ({ layer: l.name, role: l.role, share: l.denseParams / Math.max(1, s.totals.denseParams) }));
  const denseText = dense.length
    ? `${dense.map((d) => `${d.layer} (${d.role} layer, ${percent(d.share)} of the weights)`).join(' and ')} ${dense.length > 1 ? 'stay' : 'stays'} dense, as RGP does`
    : '';
  const notes = [
    alreadySparse ? `the model was already ${percent(1 - nonzero!.before / nonzero!.total)} zeros (pruned before): counted as it is` : '',
    g.stoppedBy === 'time-cap' ? 'the search hit its time cap before its swap budget (another machine may find another graph)' : '',
  ].filter((x) => x);
  return {
    status: `$(graph) RGP: params −${percent(params)} · MACs −${percent(s.ratio.macs)} · masked layers ${percent(s.ratio.achieved)}`,
    tooltip: `${s.outputPath}\nWhole model: ${paramsText}, MACs −${percent(s.ratio.macs)}; file size unchanged (pruned weights are stored as zeros)\n${masked}${denseText ? `\n${denseText}` : ''}`,
    message: `RGP: ${paramsText}, MACs −${percent(s.ratio.macs)} · ${masked}${denseText ? ` · ${denseText}` : ''}${notes.length ? ` · ${notes.join('; ')}` : ''}.`,
    dense,
  };
}
