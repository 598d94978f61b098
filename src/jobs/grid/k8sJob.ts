/**
 * A Kubernetes `batch/v1` Job that runs a plan's cells on a cluster: `completionMode: Indexed`, one
 * completion per cell, each pod running `rgp run-cell` for its own JOB_COMPLETION_INDEX (set by Kubernetes
 * in every pod of an Indexed Job) and writing its cell file to a shared volume. The scheduler, retries and
 * parallelism are Kubernetes'; nothing here schedules.
 *
 * The volume holds the plan's folder at its root, mounted at `mountPath` (default /rgp): the plan stores its
 * model and data paths relative to its folder, so they resolve the same in every pod. Afterwards,
 * `rgp merge plan.json cells/ --out results/` on the volume writes the results.
 */
import { RgpError } from '../../core/errors';
import type { GridPlan } from './plan';

export interface K8sJobOptions {
  image: string;
  /** Pods running at once (default: all cells). */
  parallelism?: number;
  /** PersistentVolumeClaim of the shared volume (default rgp-shared). */
  claimName?: string;
  mountPath?: string;
  /** File name of the plan inside the volume root (default plan.json). */
  planFile?: string;
  /** Job name (default rgp-<job>-<first 8 hex of the plan digest>). */
  name?: string;
  digest: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The paths a plan reads must lie inside its folder (the volume root) unless they are bundled presets. */
export function checkPlanPortable(plan: GridPlan): void {
  const paths = plan.job === 'sweep' ? [plan.modelPath, plan.options.dataset] : [plan.options.labels, plan.options.dataRoot, ['collegemsg', 'email-eu-core'].includes(plan.options.dataset.toLowerCase()) ? undefined : plan.options.dataset];
  for (const p of paths) {
    if (p !== undefined && (p.startsWith('../') || p === '..' || p.startsWith('/'))) {
      throw new RgpError('BAD_ARGUMENT', `The plan reads ${p}, outside the plan's folder, which a pod cannot see.`, "Put the model and data inside the plan's folder (it becomes the shared volume's root) and write the plan again.");
    }
  }
}

export function indexedJob(plan: GridPlan, o: K8sJobOptions): Record<string, unknown> {
  const completions = plan.cells.length;
  const parallelism = o.parallelism ?? completions;
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new RgpError('BAD_ARGUMENT', `--parallelism must be a positive integer, got ${parallelism}.`, `At most ${completions} pods are useful for this plan.`);
  if (!o.image || /\s/.test(o.image)) throw new RgpError('BAD_ARGUMENT', `--image must name a container image, got "${o.image}".`, 'Build it from the repository: docker build -t IMAGE . (see the Dockerfile).');
  const name = o.name ?? `rgp-${plan.job}-${o.digest.slice(0, 8)}`;
  if (name.length > 63 || !DNS_LABEL.test(name)) throw new RgpError('BAD_ARGUMENT', `The Job name "${name}" is not a DNS label (lower-case letters, digits, '-', at most 63).`, 'Choose another --job-name.');
  const claimName = o.claimName ?? 'rgp-shared';
  const mountPath = o.mountPath ?? '/rgp';
  const planFile = o.planFile ?? 'plan.json';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'rgp', 'rgp/plan-digest': o.digest.slice(0, 63) } },
    spec: {
      completionMode: 'Indexed',
      completions,
      parallelism: Math.min(parallelism, completions),
      // A failing cell is retried on its own; the others go on.
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'rgp' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'run-cell',
              image: o.image,
              workingDir: '/app',
              // run-cell reads JOB_COMPLETION_INDEX, which Kubernetes sets in every pod of an Indexed Job.
              args: ['run-cell', `${mountPath}/${planFile}`, '--out', `${mountPath}/cells`],
              resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } },
              volumeMounts: [{ name: 'shared', mountPath }],
            },
          ],
          volumes: [{ name: 'shared', persistentVolumeClaim: { claimName } }],
        },
      },
    },
  };
}

/** YAML for plain JSON data (strings double-quoted, which YAML reads as JSON strings). */
export function toYaml(value: unknown, indent = ''): string {
  const scalar = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isObj(item) || Array.isArray(item)) {
        const inner = toYaml(item, indent + '  ').split('\n').filter((l) => l.length > 0);
        lines.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
      } else lines.push(`${indent}- ${scalar(item)}`);
    }
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if ((isObj(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0)) lines.push(`${indent}${k}:`, toYaml(v, indent + '  ').replace(/\n$/, ''));
      else lines.push(`${indent}${k}: ${isObj(v) ? '{}' : Array.isArray(v) ? '[]' : scalar(v)}`);
    }
  }
  return lines.join('\n') + '\n';
}
