/**
 * The core's hints are written once for both front ends and name CLI flags (`--groups 32`,
 * `--mask-first`); in VS Code those mean nothing. Every message the extension shows passes through
 * `forEditor`, which says the same thing in the editor's words: the setting to change or the button to
 * press. A flag without an editor equivalent loses its flag syntax rather than leaking it. O(text length).
 */
const REPLACEMENTS: [RegExp, string][] = [
  [/\(--mask-first\s*\/\s*--mask-last\)/g, '(the settings rgp.keepFirstLayerDense / rgp.keepLastLayerDense)'],
  [/mask it with --mask-first/g, 'mask it by turning off the setting rgp.keepFirstLayerDense'],
  [/mask it with --mask-last/g, 'mask it by turning off the setting rgp.keepLastLayerDense'],
  [/--mask-first/g, 'the setting rgp.keepFirstLayerDense = false'],
  [/--mask-last/g, 'the setting rgp.keepLastLayerDense = false'],
  [/--groups (\d+)/g, 'the setting rgp.groups = $1'],
  [/\(--groups\)/g, '(the setting rgp.groups)'],
  [/--groups/g, 'the setting rgp.groups'],
  [/\s*\(--layer-groups [^)]*\)/g, ''],
  [/\s*\(--layer-groups\)/g, ''],
  [/\s*\(--keep-dense\)/g, ''],
  [/ with --keep-dense \S+?(?=[.,;]|$)/g, ''],
  [/--keep-dense/g, 'a dense layer'],
  [/Choose another folder with --out, or allow overwriting it \(--overwrite\)\.?/g, 'Choose Another Folder…, or Overwrite.'],
  // The output rule's messages (src/jobs/outputFolder.ts), shown before a job starts and from the job.
  [/(^|[.!?]\s+)--out is empty\./g, '$1No output folder was given.'],
  [/Give the (folder|file) to write, e\.g\. --out \S+?\.(?=\s|$)/g, 'Give the $1 to write.'],
  [/(^|[.!?]\s+)--out (?=\S)/g, '$1The output folder '],
  [/not written by rgp\b/g, 'not written by RGP'],
  [/Choose another (folder|file) with --out, or allow replacing an earlier result \(--overwrite\)\.?/g, 'Choose another $1, or allow overwriting an earlier result.'],
  [/, so --overwrite does not replace it/g, ', so RGP never replaces it'],
  [/ \(--out\)/g, ''],
  [/\(--overwrite\)/g, ''],
  [/ with --out/g, ''],
  [/--out(put)?\b/g, 'another folder'],
  [/--search-seconds/g, 'the setting rgp.searchSeconds'],
  [/--swaps/g, 'the setting rgp.searchSwaps'],
  [/--seed/g, 'the setting rgp.seed'],
];

/** The message with CLI flags said as settings and buttons. */
export function forEditor(text: string): string {
  let t = text;
  for (const [re, to] of REPLACEMENTS) t = t.replace(re, to);
  // Whatever flag is left has no editor meaning: keep the word, drop the dashes.
  return t.replace(/(^|[\s(])--(?!quantize)([a-z][a-z-]*)/g, '$1$2').replace(/\s{2,}/g, ' ');
}
