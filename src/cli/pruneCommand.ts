/**
 * `rgp prune`: prune a TF.js layers model through a regular graph and print the report as JSON.
 *
 *   rgp prune <model.json> --ratio R [--groups N] [--seed S] [--search-seconds T] [--search-swaps M]
 *             [--keep-first | --mask-first] [--keep-last | --mask-last] [--keep-dense a,b]
 *             [--self-loops] [--out DIR] [--overwrite]
 *
 * First/last: RGP keeps the first maskable layer (stem conv / input Dense) and the last (the classifier)
 * dense, so that is the default and `--keep-first` / `--keep-last` only state it explicitly;
 * `--mask-first` / `--mask-last` prune them too (commander's `--no-keep-first` / `--no-keep-last`
 * arrive as keepFirst/keepLast = false and mean the same). Asking for both keep and mask is an error.
 * Numbers may arrive as strings (commander); they are validated here with messages naming the flag.
 */
import { RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import type { SearchSample } from '../core/graph';
import type { PruneSummary } from '../core/prune/report';
import { pruneModel, type PruneOptions } from '../jobs/pruneModel';

export interface PruneCommandOptions {
  ratio?: number | string;
  groups?: number | string;
  seed?: number | string;
  searchSeconds?: number | string;
  searchSwaps?: number | string;
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

function keep(keepFlag: boolean | undefined, maskFlag: boolean | undefined, which: 'first' | 'last'): boolean {
  if (keepFlag === true && maskFlag === true) {
    throw new RgpError('BAD_ARGUMENT', `--keep-${which} and --mask-${which} contradict each other.`, `Give one of them (the ${which} layer is kept dense by default).`);
  }
  if (maskFlag === true) return false;
  return keepFlag ?? true;
}

export async function pruneCommand(modelPath: string, opts: PruneCommandOptions, deps: PruneCommandDeps = {}): Promise<PruneSummary> {
  if (opts.ratio === undefined) throw new RgpError('BAD_ARGUMENT', 'rgp prune needs --ratio.', 'Example: rgp prune model.json --ratio 0.9375 (n=64, k=4).');
  const ratio = num(opts.ratio, 'ratio')!;
  const groups = num(opts.groups, 'groups', { integer: true, min: 2 });
  const seed = num(opts.seed, 'seed', { integer: true });
  const searchSeconds = num(opts.searchSeconds, 'search-seconds', { min: 0 });
  const searchSwaps = num(opts.searchSwaps, 'search-swaps', { integer: true, min: 0 });
  const keepDense = (Array.isArray(opts.keepDense) ? opts.keepDense : (opts.keepDense ?? '').split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const options: PruneOptions = {
    ratio,
    ...(groups !== undefined ? { groups } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(searchSeconds !== undefined ? { searchSeconds } : {}),
    ...(searchSwaps !== undefined ? { searchSwaps } : {}),
    keepFirst: keep(opts.keepFirst, opts.maskFirst, 'first'),
    keepLast: keep(opts.keepLast, opts.maskLast, 'last'),
    keepDense,
    selfLoops: opts.selfLoops === true,
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    overwrite: opts.overwrite === true,
    ...(deps.onSearchSample ? { onSearchSample: deps.onSearchSample } : {}),
  };
  return pruneModel(modelPath, options, deps.ctx ?? quietContext);
}
