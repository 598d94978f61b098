/**
 * `rgp prune`: prune a TF.js layers model through a regular graph and print the report as JSON.
 *
 *   rgp prune <model.json> --ratio R [--groups N] [--layer-groups name=n,…] [--seed S]
 *             [--search-seconds T] [--search-swaps M] [--keep-first | --mask-first]
 *             [--keep-last | --mask-last] [--keep-dense a,b] [--self-loops] [--out DIR] [--overwrite]
 *
 * First/last: RGP keeps the first maskable layer (stem conv / input Dense) and the last (the classifier)
 * dense, so that is the default and `--keep-first` / `--keep-last` only state it explicitly;
 * `--mask-first` / `--mask-last` prune them too (commander's `--no-keep-first` / `--no-keep-last`
 * arrive as keepFirst/keepLast = false and mean the same). Asking for both keep and mask is an error.
 * Numbers may arrive as strings (commander); they are validated here with messages naming the flag.
 * `--layer-groups` is only parsed here (syntax, integers, no layer twice); whether each name is a masked
 * layer and its n fits the layer's channels needs the model, so planPruning checks that.
 */
import { RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import type { SearchSample } from '../core/graph';
import type { PruneSummary } from '../core/prune/report';
import { pruneModel, type PruneOptions } from '../jobs/pruneModel';

export interface PruneCommandOptions {
  ratio?: number | string;
  groups?: number | string;
  /** `name=n[,name=n…]` (or a list of such): a layer's own node count n. */
  layerGroups?: string | string[];
  seed?: number | string;
  searchSeconds?: number | string;
  searchSwaps?: number | string;
  /** Independent search chains per graph (threads in the worker), the best kept. */
  searchChains?: number | string;
  keepFirst?: boolean;
  keepLast?: boolean;
  maskFirst?: boolean;
  maskLast?: boolean;
  /** Comma-separated layer names (or a list) to leave dense. */
  keepDense?: string | string[];
  selfLoops?: boolean;
  out?: string;
  overwrite?: boolean;
}

export interface PruneCommandDeps {
  ctx?: JobContext;
  onSearchSample?: (s: SearchSample) => void;
}

function num(value: number | string | undefined, flag: string, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const v = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min)) {
    const what = opts.integer ? 'an integer' : 'a number';
    throw new RgpError('BAD_ARGUMENT', `--${flag} must be ${what}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${value}".`, `See rgp prune --help.`);
  }
  return v;
}

/** Parses `name=n[,name=n…]`; layer names and ranges are checked against the model later. */
export function parseLayerGroups(value: string | string[] | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  const example = 'Example: --layer-groups conv_narrow=16,dense_small=8.';
  if (items.length === 0) throw new RgpError('BAD_ARGUMENT', '--layer-groups needs at least one name=n.', example);
  const out = new Map<string, number>();
  for (const item of items) {
    const at = item.lastIndexOf('=');
    const name = at < 0 ? '' : item.slice(0, at).trim();
    const text = at < 0 ? '' : item.slice(at + 1).trim();
    if (name === '' || text === '') throw new RgpError('BAD_ARGUMENT', `--layer-groups expects name=n, got "${item}".`, example);
    const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n)) throw new RgpError('BAD_ARGUMENT', `--layer-groups: the node count for "${name}" must be an integer, got "${text}".`, example);
    if (out.has(name)) throw new RgpError('BAD_ARGUMENT', `--layer-groups names layer "${name}" twice.`, 'Give each layer one n.');
    out.set(name, n);
  }
  // fromEntries defines own properties, so even a layer called "__proto__" stays a plain key.
  return Object.fromEntries(out);
}

function keep(keepFlag: boolean | undefined, maskFlag: boolean | undefined, which: 'first' | 'last'): boolean {
  if (keepFlag === true && maskFlag === true) {
    throw new RgpError('BAD_ARGUMENT', `--keep-${which} and --mask-${which} contradict each other.`, `Give one of them (the ${which} layer is kept dense by default).`);
  }
  if (maskFlag === true) return false;
  return keepFlag ?? true;
}

/** The job options of the flags (validated here, with messages naming the flag); no callbacks, so they cross to the worker. */
export function pruneJobOptions(opts: PruneCommandOptions): PruneOptions {
  if (opts.ratio === undefined) throw new RgpError('BAD_ARGUMENT', 'rgp prune needs --ratio.', 'Example: rgp prune model.json --ratio 0.9375 (n=64, k=4).');
  const ratio = num(opts.ratio, 'ratio')!;
  const groups = num(opts.groups, 'groups', { integer: true, min: 2 });
  const groupsPerLayer = parseLayerGroups(opts.layerGroups);
  const seed = num(opts.seed, 'seed', { integer: true });
  const searchSeconds = num(opts.searchSeconds, 'search-seconds', { min: 0 });
  const searchSwaps = num(opts.searchSwaps, 'search-swaps', { integer: true, min: 0 });
  const searchChains = num(opts.searchChains, 'search-chains', { integer: true, min: 1 });
  const keepDense = (Array.isArray(opts.keepDense) ? opts.keepDense : (opts.keepDense ?? '').split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return {
    ratio,
    ...(groups !== undefined ? { groups } : {}),
    ...(groupsPerLayer !== undefined ? { groupsPerLayer } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(searchSeconds !== undefined ? { searchSeconds } : {}),
    ...(searchSwaps !== undefined ? { searchSwaps } : {}),
    ...(searchChains !== undefined ? { searchChains } : {}),
    keepFirst: keep(opts.keepFirst, opts.maskFirst, 'first'),
    keepLast: keep(opts.keepLast, opts.maskLast, 'last'),
    keepDense,
    selfLoops: opts.selfLoops === true,
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    overwrite: opts.overwrite === true,
  };
}

export async function pruneCommand(modelPath: string, opts: PruneCommandOptions, deps: PruneCommandDeps = {}): Promise<PruneSummary> {
  const options: PruneOptions = { ...pruneJobOptions(opts), ...(deps.onSearchSample ? { onSearchSample: deps.onSearchSample } : {}) };
  return pruneModel(modelPath, options, deps.ctx ?? quietContext);
}
