/**
 * Reading a large temporal edge list: our streaming reader (readEdgeList) against python-igraph's
 * Graph.Read_Ncol and numpy.loadtxt (+ id remapping), on the same file, in the same run. Each reader runs in
 * its own child process; we report the wall time of the read alone and the peak RSS of that process
 * (process.resourceUsage().maxRSS / getrusage ru_maxrss), plus each runtime's RSS before reading and the CPU
 * time of the read (user + system; a steadier figure than wall time on a shared machine).
 *
 * The file (generated once into os.tmpdir(), seeded): `src dst time` lines, 1 M nodes with power-law-ish
 * activity (rank = ⌊N·u^2.5⌋, scrambled to ids 1..N), strictly increasing Unix-like timestamps.
 * Target (issue 7): 10 M edges in ≤ 15 s and ≤ 1 GB peak for ours.
 *
 * Run: npx tsx bench/edgeList.ts [--edges 10000000] [--skip-ref]   (prints JSON)
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/core/random';
import { readEdgeList } from '../src/io/edgeListFile';

const NODES = 1_000_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function generate(path: string, edges: number, seed: number): void {
  const rng = new Random(seed);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    let t = 1_217_567_877;
    let lines: string[] = [];
    const id = (): number => {
      const rank = Math.floor(NODES * Math.pow(rng.float(), 2.5));
      // 2654435761 is coprime with 10^6, so this is a permutation of 0..N−1: hubs get scattered ids.
      return ((rank * 2654435761) % NODES) + 1;
    };
    for (let i = 0; i < edges; i++) {
      t += 1 + rng.int(5);
      lines.push(`${id()} ${id()} ${t}`);
      if (lines.length === 100_000) {
        writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length) writeSync(fd, lines.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

async function child(file: string): Promise<void> {
  const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
  const cpu = process.cpuUsage();
  const t = performance.now();
  const e = await readEdgeList(file);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ reader: 'ours', ms, cpuMs: (used.user + used.system) / 1000, peakRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB, nodes: e.nodeCount, edges: e.edgeCount, hasTime: e.time !== null }));
}

function runJson(cmd: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const childFile = arg('--child');
  if (childFile !== undefined) return child(childFile);
  const edges = Number(arg('--edges') ?? 10_000_000);
  const file = join(tmpdir(), `rgp-bench-temporal-${edges}-seed1.txt`);
  let generatedMs: number | null = null;
  if (!existsSync(file)) {
    const t = performance.now();
    process.stderr.write(`generating ${file} …\n`);
    generate(file, edges, 1);
    generatedMs = performance.now() - t;
  }
  const self = [process.execPath, ['--import', 'tsx', __filename]] as const;
  const node = (extra: string[]): Record<string, unknown> => runJson(self[0], [...self[1], ...extra]);
  const ours = node(['--child', file]);
  const rows: Record<string, unknown>[] = [ours];
  if (!process.argv.includes('--skip-ref')) {
    for (const kind of ['igraph', 'numpy']) {
      process.stderr.write(`reference ${kind} …\n`);
      rows.push(runJson('/usr/bin/python3', [join(__dirname, 'edgeList_ref.py'), kind, file]));
    }
  }
  const oursMs = ours.ms as number;
  console.log(
    JSON.stringify(
      {
        bench: 'edgeList',
        node: process.version,
        file,
        fileMiB: +(statSync(file).size / 1048576).toFixed(1),
        edges,
        idSpace: NODES,
        generatedMs,
        target: { seconds: 15, peakRssMiB: 1024 },
        meetsTarget: oursMs <= 15000 && (ours.peakRssMiB as number) <= 1024,
        rows: rows.map((r) => ({
          ...r,
          ms: +(r.ms as number).toFixed(0),
          cpuMs: +(r.cpuMs as number).toFixed(0),
          peakRssMiB: +(r.peakRssMiB as number).toFixed(0),
          baselineRssMiB: +(r.baselineRssMiB as number).toFixed(0),
          oursFasterBy: +((r.ms as number) / oursMs).toFixed(2),
        })),
      },
      null,
      2,
    ),
  );
}

void main();
