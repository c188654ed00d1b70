import { afterAll, describe, expect, it } from 'vitest';
import { GaussianMlp, Rng, branchRollout, sampleEpisodes } from '@policy-arena/core';
import type { BranchJob, TrajectoryBatch } from '@policy-arena/core';
import { RolloutPool } from './rollout-pool.js';
import { EnvRegistry, defaultEnvRegistry } from './registry.js';

const TASKS = ['cartpole-v1', 'swimmer-v1', 'hopper-v1', 'walker-v1'] as const;
const WORKERS = [0, 1, 2, 3] as const;

/** A random MLP policy for a task, with a log-std that makes episodes vary in length. */
async function policyFor(envId: string): Promise<GaussianMlp> {
  const env = await defaultEnvRegistry.make(envId);
  const spec = env.spec;
  env.close();
  const act = spec.actionSpace;
  if (act.kind !== 'box') throw new Error('box expected');
  const mlp = GaussianMlp.create(
    { obsDim: spec.observationSpace.shape[0], actDim: act.shape[0], hidden: [8], initLogStd: -0.5 },
    Rng.fromSeed(7).split(envId),
  );
  return mlp;
}

function expectSameBatch(actual: TrajectoryBatch, expected: TrajectoryBatch): void {
  expect(actual.numSteps).toBe(expected.numSteps);
  expect(actual.episodes).toEqual(expected.episodes);
  // Bitwise: compare the raw bytes, so -0 vs 0 or NaN payloads would show.
  expect(
    Buffer.from(actual.observations.buffer, actual.observations.byteOffset, actual.observations.byteLength),
  ).toEqual(
    Buffer.from(
      expected.observations.buffer,
      expected.observations.byteOffset,
      expected.observations.byteLength,
    ),
  );
  expect(Array.from(actual.actions)).toEqual(Array.from(expected.actions));
  expect(Array.from(actual.rewards)).toEqual(Array.from(expected.rewards));
}

describe('RolloutPool: the same batches for 0, 1, 2 and 3 workers', () => {
  const pools: RolloutPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  for (const envId of TASKS) {
    it(`${envId}: episodes, candidate evaluations and vine branches match one thread running them in order`, async () => {
      const policy = await policyFor(envId);
      const params = policy.getParams();
      const rng = Rng.fromSeed(3).split('sampler');
      const env = await defaultEnvRegistry.make(envId);
      // The reference: one env, episodes 5, 6, 7, … in order (the trial's original sampler).
      const reference = sampleEpisodes(env, policy, rng, {
        minSteps: 1500,
        firstEpisode: 5,
        snapshots: true,
      });
      const candidates = [0.9, 1.1, -1].map((s) => params.map((x) => x * s));
      const referenceEval = candidates.map((c, i) => {
        policy.setParams(c);
        return sampleEpisodes(env, policy, rng, { episodes: 2, firstEpisode: 40 + 2 * i });
      });
      policy.setParams(params);
      const picks = [0, 3, Math.floor(reference.numSteps / 2), reference.numSteps - 1];
      const jobs: BranchJob[] = picks.flatMap((t, n) =>
        [0, 1].map((k) => ({
          snapshot: reference.snapshots![t]!,
          firstAction: Float64Array.of(...Array.from({ length: policy.actDim }, (_, d) => 0.3 * (k - d))),
          noise: rng.splitIndex('branch-noise', n).state(),
        })),
      );
      const referenceBranches = jobs.map((job) => branchRollout(env, policy, job, 30, 0.99));
      env.close();
      expect(reference.episodes.length).toBeGreaterThan(1);

      for (const numWorkers of WORKERS) {
        const pool = await RolloutPool.create({ envId, policy: policy.config, numWorkers });
        pools.push(pool);
        expect(pool.numWorkers).toBe(numWorkers);
        const batch = await pool.sample(params, rng, { minSteps: 1500, firstEpisode: 5, snapshots: true });
        expectSameBatch(batch, reference);
        expect(batch.snapshots!.map((s) => Array.from(s.data))).toEqual(
          reference.snapshots!.map((s) => Array.from(s.data)),
        );
        const evals = await pool.evaluate(candidates, rng, { episodes: 2, firstEpisode: 40 });
        evals.forEach((b, i) => expectSameBatch(b, referenceEval[i]!));
        expect(await pool.branches(params, jobs, { length: 30, gamma: 0.99 })).toEqual(referenceBranches);
        // The pool is reusable: a second round gives the same batch again.
        expectSameBatch(await pool.sample(params, rng, { minSteps: 1500, firstEpisode: 5 }), {
          ...reference,
        });
        await pool.close();
      }
    });
  }
});

describe('RolloutPool: errors', () => {
  it('refuses bad worker counts, policies that do not fit the task, and custom registries on workers', async () => {
    const cartpole = { obsDim: 4, actDim: 1 };
    await expect(
      RolloutPool.create({ envId: 'cartpole-v1', policy: cartpole, numWorkers: -1 }),
    ).rejects.toThrow(/numWorkers must be a non-negative integer, got -1/);
    await expect(
      RolloutPool.create({ envId: 'cartpole-v1', policy: { obsDim: 5, actDim: 1 } }),
    ).rejects.toThrow(/maps 5 observations to 1 actions, but cartpole-v1 has 4 and 1/);
    await expect(
      RolloutPool.create({
        envId: 'cartpole-v1',
        policy: cartpole,
        numWorkers: 1,
        registry: new EnvRegistry([]),
      }),
    ).rejects.toThrow(/custom env registry works only in-thread/);
    await expect(
      RolloutPool.create({ envId: 'no-such-env', policy: cartpole, numWorkers: 2 }),
    ).rejects.toThrow(/no-such-env/);
  });

  it('refuses calls after close() and a non-positive step budget', async () => {
    const pool = await RolloutPool.create({
      envId: 'cartpole-v1',
      policy: { obsDim: 4, actDim: 1 },
      numWorkers: 1,
    });
    const params = new Float64Array(6);
    await expect(pool.sample(params, Rng.fromSeed(1), { minSteps: 0 })).rejects.toThrow(
      /minSteps must be positive/,
    );
    await pool.close();
    await expect(pool.sample(params, Rng.fromSeed(1), { minSteps: 10 })).rejects.toThrow(/after close\(\)/);
  });
});
