/**
 * sha256 over every entry under a folder — names, kinds, link targets, file bytes (sorted) — so a test can
 * show that nothing was written, removed, or changed there (links are hashed as links, never followed).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) h.update(`L ${r} -> ${readlinkSync(p)}\0`);
      else if (st.isDirectory()) {
        h.update(`D ${r}\0`);
        walk(p, r);
      } else if (st.size > 64 * 1024 * 1024) h.update(`F ${r} ${st.size} ${st.mtimeMs}\0`); // sparse giants: size and time
      else h.update(`F ${r}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(dir, '');
  return h.digest('hex');
}
