/**
 * The `rgp.*` settings every pruning-related job reads, in one place so Prune Model, Show Graph Structure
 * and the experiments agree: the graph search is budgeted in swaps (deterministic: the same inputs and seed
 * give the same graph and masks on any machine, CLI and extension alike) with time only as a cap, and n is
 * left to the job (min(64, the narrowest masked layer)) unless the user set `rgp.groups`.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { PruneJobOptions } from '../protocol/worker';

export const DEFAULT_SEARCH_SWAPS = 50_000;
export const DEFAULT_SEARCH_SECONDS_CAP = 30;

export type PruneSettings = Omit<PruneJobOptions, 'ratio' | 'out' | 'overwrite'>;

export function pruneSettings(scope?: vscode.Uri): PruneSettings {
  const cfg = vscode.workspace.getConfiguration('rgp', scope);
  const groups = cfg.get<number | null>('groups', null);
  return {
    ...(typeof groups === 'number' ? { groups } : {}),
    seed: cfg.get<number>('seed', 1),
    searchSwaps: cfg.get<number>('searchSwaps', DEFAULT_SEARCH_SWAPS),
    searchSeconds: cfg.get<number>('searchSeconds', DEFAULT_SEARCH_SECONDS_CAP),
    searchChains: cfg.get<number>('searchChains', 1),
    keepFirst: cfg.get<boolean>('keepFirstLayerDense', true),
    keepLast: cfg.get<boolean>('keepLastLayerDense', true),
    selfLoops: cfg.get<boolean>('selfLoops', false),
  };
}

/**
 * The default output folder of a pruning, beside the model (folder), named by every setting that changes
 * the result, so runs with different settings never collide: `<model>-rgp-0.9375`, then `-n32`,
 * `-seed2`, `-swaps5000`, `-chains2`, `-mask-first`, `-mask-last`, `-self-loops` for what differs from the
 * defaults.
 */
export function pruneOutputName(modelPath: string, o: Partial<PruneJobOptions> & { ratio: number }): string {
  // Beside a TF.js model folder (`<folder>-rgp-…`), beside a single-file model (`<dir>/<stem>-rgp-…`): the
  // same place the CLI picks (src/jobs/pruneModel.ts defaultOutput).
  const abs = path.resolve(modelPath);
  const base = path.basename(abs).toLowerCase() === 'model.json' || path.extname(abs).toLowerCase() === '.json'
    ? path.dirname(abs)
    : path.join(path.dirname(abs), path.basename(abs, path.extname(abs)));
  const parts = [`${base}-rgp-${Number(o.ratio.toFixed(6))}`];
  if (o.groups !== undefined) parts.push(`n${o.groups}`);
  if (o.seed !== undefined && o.seed !== 1) parts.push(`seed${o.seed}`);
  if (o.searchSwaps !== undefined && o.searchSwaps !== DEFAULT_SEARCH_SWAPS) parts.push(`swaps${o.searchSwaps}`);
  if (o.searchSwaps === undefined && o.searchSeconds !== undefined) parts.push(`${o.searchSeconds}s`);
  if (o.searchChains !== undefined && o.searchChains !== 1) parts.push(`chains${o.searchChains}`);
  if (o.keepFirst === false) parts.push('mask-first');
  if (o.keepLast === false) parts.push('mask-last');
  if (o.selfLoops) parts.push('self-loops');
  return parts.join('-');
}
