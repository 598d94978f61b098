/**
 * The Kubernetes Job written by `rgp sweep … --plan … --k8s`: parsed back from its YAML and validated
 * against the Kubernetes API types of kubernetes-models (JSON schemas generated from the Kubernetes
 * OpenAPI spec): a batch/v1 Indexed Job with one completion per cell, the parallelism asked for, each pod
 * running `rgp run-cell` on the plan in the shared volume. The validator itself rejects a broken manifest,
 * and paths outside the plan's folder are refused before anything is written.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { isRgpError } from '../../src/core/errors';
import { checkPlanPortable, indexedJob, toYaml } from '../../src/jobs/grid/k8sJob';
import { planDigest, sweepPlan } from '../../src/jobs/grid/plan';
import { copyModel, MNIST_MODEL, ROOT } from '../fixtures/makePruneFixtures';

let dir: string;
let model: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-k8s-'));
  model = copyModel(MNIST_MODEL, dir, 'mlp');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const rgp = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('rgp sweep --plan --k8s writes a valid batch/v1 Indexed Job with one completion per cell', () => {
  const r = rgp(['sweep', model, '--data', join(dir, 'mlp'), '--ratios', '0.875,0.9375', '--graphs', 'searched,ring', '--seeds', '1,2', '--dense', '--plan', join(dir, 'plan.json'), '--k8s', join(dir, 'job.yaml'), '--image', 'registry.example/rgp:0.1.0', '--parallelism', '4', '--claim', 'experiments']);
  assert.equal(r.status, 0, r.stderr);
  const manifest = load(readFileSync(join(dir, 'job.yaml'), 'utf8')) as Record<string, any>;
  new Job(manifest as never).validate();
  assert.equal(manifest.apiVersion, 'batch/v1');
  assert.equal(manifest.kind, 'Job');
  assert.equal(manifest.spec.completionMode, 'Indexed');
  assert.equal(manifest.spec.completions, 2 * (1 + 2 * 2));
  assert.equal(manifest.spec.parallelism, 4);
  const pod = manifest.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.containers[0].image, 'registry.example/rgp:0.1.0');
  assert.deepEqual(pod.containers[0].args, ['run-cell', '/rgp/plan.json', '--out', '/rgp/cells']);
  assert.deepEqual(pod.containers[0].volumeMounts, [{ name: 'shared', mountPath: '/rgp' }]);
  assert.deepEqual(pod.volumes, [{ name: 'shared', persistentVolumeClaim: { claimName: 'experiments' } }]);
  assert.match(manifest.metadata.name, /^rgp-sweep-[0-9a-f]{8}$/);
});

test('the validator rejects a broken Job; a plan reading outside its folder gets no Job', async () => {
  const plan = await sweepPlan(model, { dataset: join(dir, 'mlp'), ratios: [0.9375] }, join(dir, 'p.json'));
  const good = indexedJob(plan, { image: 'rgp:1', digest: planDigest(plan) });
  new Job(load(toYaml(good)) as never).validate();
  const broken = load(toYaml(good)) as Record<string, any>;
  broken.spec.completions = 'all';
  assert.throws(() => new Job(broken as never).validate());
  assert.throws(() => indexedJob(plan, { image: 'rgp:1', digest: planDigest(plan), parallelism: 0 }), (e: unknown) => isRgpError(e) && e.code === 'BAD_ARGUMENT');

  const outside = await sweepPlan(model, { dataset: join(dir, 'mlp'), ratios: [0.9375] }, join(dir, 'sub', 'p.json'));
  assert.throws(() => checkPlanPortable(outside), (e: unknown) => isRgpError(e) && /outside the plan's folder/.test(e.message));
  const r = rgp(['sweep', model, '--data', join(dir, 'mlp'), '--ratios', '0.9375', '--plan', join(dir, 'sub', 'plan.json'), '--k8s', join(dir, 'sub', 'job.yaml'), '--image', 'rgp:1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /outside the plan's folder/);
  assert.equal(existsSync(join(dir, 'sub', 'plan.json')), false, 'nothing written');
  const noImage = rgp(['sweep', model, '--data', join(dir, 'mlp'), '--ratios', '0.9375', '--plan', join(dir, 'p2.json'), '--k8s', join(dir, 'j2.yaml')]);
  assert.equal(noImage.status, 2);
  assert.match(noImage.stderr, /--k8s needs --image/);
});
