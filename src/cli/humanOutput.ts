/**
 * What `rgp` prints for a person (the default; `--json` prints the machine-readable report instead):
 * a few lines that say what was written where, the whole model's figures before the masked layers', the
 * graph, then a table. Progress goes to stderr as a bar (cli-progress) only when stderr is a terminal;
 * piped or with --quiet the CLI is silent there. Plain text, no colour codes, widths from the content.
 */
import { SingleBar } from 'cli-progress';
import type { JobContext } from '../core/job';

type ProgressUpdate = { fraction?: number; message: string };
import type { ModelSummary } from '../core/model/layerSummary';
import { percent } from '../core/percent';
import type { PruneSummary } from '../core/prune/report';
import type { GraphCommandOutput } from './graphCommand';

/** 1 234 567 → "1.23 M": counts as a person reads them. */
export function count(n: number | null): string {
  if (n === null) return '?';
  const trim = (s: string) => s.replace(/\.?0+$/, '');
  if (n >= 1e9) return `${trim((n / 1e9).toFixed(2))} G`;
  if (n >= 1e6) return `${trim((n / 1e6).toFixed(2))} M`;
  if (n >= 1e3) return `${trim((n / 1e3).toFixed(1))} k`;
  return String(n);
}

/** A plain text table: columns as wide as their widest cell, numbers right-aligned. */
export function table(header: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const field = (label: string, text: string) => `${label.padEnd(14)}${text}`;

/** `rgp prune`: output folder, whole model, masked layers, dense layers, graph, then the per-layer table. */
export function pruneText(s: PruneSummary): string {
  const g = s.graph;
  const t = s.totals;
  const kept = s.layers.filter((l) => l.role === 'first' || l.role === 'last');
  const lines = [
    `Pruned ${s.modelPath}`,
    field('Written to', `${s.outputPath} (${s.files.join(', ')})`),
    field('Whole model', `parameters ${count(t.denseParams)} → ${count(t.prunedParams)} (−${percent(t.paramsReduction)}), MACs ${count(t.denseMacs)} → ${count(t.prunedMacs)} (−${percent(t.macsReduction)})${t.macsComplete ? '' : ' (known layers only)'}; file size unchanged (pruned weights are stored as zeros)`),
    field('Masked layers', `${percent(s.ratio.achieved)} pruned (requested ${percent(s.ratio.requested)}): ${s.maskedLayers.join(', ')}`),
  ];
  if (kept.length) {
    lines.push(field('Kept dense', `${kept.map((l) => `${l.name} (${l.role} layer, ${percent(l.denseParams / Math.max(1, t.denseParams))} of the weights)`).join(', ')}, as RGP does — mask them with ${kept.map((l) => `--mask-${l.role}`).join(' / ')}`));
  }
  const stop = g.stoppedBy === 'bound' ? '; stopped at the Moore bound' : g.stoppedBy === 'time-cap' ? '; stopped by the time cap (the graph may differ on another machine)' : '';
  lines.push(
    field('Graph', `n = ${g.n}${s.options.groupsChosen ? ' (chosen: the narrowest masked layer, at most 64)' : ''}, k = ${g.k}${g.selfLoops ? ' + self-loops' : ''}, seed ${g.seed}`),
    field('', `ASPL ${g.aspl.toFixed(4)} (start ${g.initialAspl.toFixed(4)}; Moore bound ${g.mooreBound.toFixed(4)}, gap ${percent(g.gapPct / 100)}), diameter ${g.diameter}; ${g.swapsTried} swaps tried${g.chains ? ` in ${g.chains} chains` : ''} in ${g.searchSeconds.toFixed(1)} s${stop}`),
  );
  for (const w of s.warnings) lines.push(field('Warning', w));
  const rows = s.layers.map((l) => [l.name, l.className, l.role, count(l.denseParams), count(l.prunedParams), l.density !== undefined ? percent(l.density) : '']);
  rows.push(['total', '', '', count(t.denseParams), count(t.prunedParams), '']);
  lines.push('', table(['layer', 'class', 'role', 'params', 'pruned', 'density'], rows, [false, false, false, true, true, true]));
  return lines.join('\n') + '\n';
}

/** `rgp inspect`: the model, its size, then one row per layer. */
export function inspectText(s: ModelSummary, modelPath: string): string {
  const zeros = s.layers.reduce((z, l) => z + l.params * (l.zeroFraction ?? 0), 0);
  const lines = [
    `${s.modelName} (${s.topologyClass}) · ${modelPath}`,
    field('Size', `${s.layers.length} layers, ${count(s.totalParams)} parameters, ${count(s.weightBytes)}B of weights in ${s.shards.length} shard${s.shards.length === 1 ? '' : 's'}`),
  ];
  if (zeros >= 0.01 * s.totalParams) lines.push(field('Zeros', `${percent(zeros / Math.max(1, s.totalParams))} of the weights are exactly 0 (pruned before?); ${count(Math.round(s.totalParams - zeros))} nonzero`));
  if (s.unassignedWeights.length) lines.push(field('Unassigned', s.unassignedWeights.join(', ')));
  const rows = s.layers.map((l) => [l.name, l.className, l.weights.map((w) => `[${w.shape.join('×')}]`).join(' '), count(l.params), l.zeroFraction === null ? '' : percent(l.zeroFraction)]);
  lines.push('', table(['layer', 'class', 'weights', 'params', 'zeros'], rows, [false, false, false, true, true]));
  return lines.join('\n') + '\n';
}

/** The Graph Golf value for (n, k) beside a graph's ASPL, or '' when we have none to cite. */
function bestKnownField(aspl: number, bestKnown: number | null): string {
  if (bestKnown === null) return '';
  // The competition quotes three decimals: closer than that is a match, not a claim to beat it.
  const where = aspl < bestKnown - 0.0005 ? 'is below it' : aspl < bestKnown + 0.0005 ? 'matches it at three decimals' : `is ${(aspl - bestKnown).toFixed(4)} above it`;
  return field('Best known', `${bestKnown.toFixed(3)} (Graph Golf, quoted to three decimals); this graph ${where}`);
}

/** `rgp graph`: the graph found (or evaluated) and how close it is to the Moore bound and the best known graph. */
export function graphText(r: GraphCommandOutput): string {
  if (r.mode === 'evaluate') {
    const moore = r.mooreBound === null || r.aspl === null ? '' : field('Moore bound', `${r.mooreBound.toFixed(4)} (n = ${r.n}, k = ${r.k}, diameter ≥ ${r.mooreDiameter}); gap ${percent((r.gapPct ?? 0) / 100)}`);
    const best = r.aspl === null ? '' : bestKnownField(r.aspl, r.bestKnownAspl);
    return [`Graph ${r.file}`, field('ASPL', r.aspl === null ? 'infinite (not connected)' : r.aspl.toFixed(4)), field('Diameter', r.diameter === null ? 'infinite' : String(r.diameter)), moore, best, r.out ? field('Written to', r.out) : ''].filter((x) => x).join('\n') + '\n';
  }
  return (
    [
      `Regular graph n = ${r.n}, k = ${r.k} (prunes ${percent(r.pruningRatio)} of a masked layer), seed ${r.seed}`,
      field('ASPL', `${r.aspl.toFixed(4)} (start ${r.initialAspl.toFixed(4)}), diameter ${r.diameter}`),
      field('Moore bound', `${r.mooreBound.toFixed(4)} (diameter ≥ ${r.mooreDiameter}); gap ${percent(r.gapPct / 100)}${r.gapPct <= 1e-9 ? ' — at the bound, so the search stopped' : ''}`),
      bestKnownField(r.aspl, r.bestKnownAspl),
      field('Search', `${r.swapsTried} swaps tried, ${r.swapsAccepted} kept, ${r.seconds.toFixed(1)} s, ${r.chains} chain${r.chains === 1 ? '' : 's'}${r.restartOutcomes ? `, best of ${r.restarts} starts (${restartRange(r.restartOutcomes)})` : ''}${r.tabuStarts ? `, ${r.tabuStarts.length === 1 ? 'one start' : `best of ${r.tabuStarts.length} starts`} polished by tabu search (${restartRange(r.tabuStarts)})` : ''}${r.symmetry > 1 ? `, symmetry ${r.symmetry}${r.descent ? ` relaxed to none (${r.descent.map((l) => `${l.symmetry}: ${l.aspl.toFixed(4)}`).join(' → ')})` : ''}` : ''} (${r.objective}, ${r.kernel})`),
      r.out ? field('Written to', r.out) : '',
    ]
      .filter((x) => x)
      .join('\n') + '\n'
  );
}

/**
 * A job's progress on stderr: a bar with the current step when stderr is a terminal and not --quiet;
 * nothing otherwise (piped output stays clean). `stop()` clears the bar before the result is printed.
 */
export function stderrProgress(quiet: boolean): { report: (p: ProgressUpdate) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY) return { report: () => {}, stop: () => {} };
  const bar = new SingleBar({ stream: process.stderr, format: '{bar} {percentage}% {step}', barsize: 24, hideCursor: true, clearOnComplete: true, fps: 10 });
  let started = false;
  return {
    report: (p) => {
      const step = p.message.length > 70 ? `${p.message.slice(0, 69)}…` : p.message;
      if (!started) {
        bar.start(100, 0, { step });
        started = true;
      }
      bar.update(p.fraction !== undefined ? Math.round(p.fraction * 100) : bar.getProgress() * 100, { step });
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** The job context of one CLI command with its progress on stderr (see stderrProgress). */
export function withStderrProgress(ctx: JobContext, quiet: boolean): { ctx: JobContext; stop: () => void } {
  const p = stderrProgress(quiet);
  return { ctx: { ...ctx, progress: { report: p.report } }, stop: p.stop };
}

/** "2.8795–2.8948" over the restarts' ASPLs. */
function restartRange(outcomes: ReadonlyArray<{ aspl: number }>): string {
  const a = outcomes.map((o) => o.aspl);
  return `ASPL ${Math.min(...a).toFixed(4)}–${Math.max(...a).toFixed(4)}`;
}
