import { afterAll, describe, expect, it } from 'vitest';
import { GaussianMlp, Rng, branchRollout, sampleEpisodes } from '@policy-arena/core';
import type { BranchJob, EnvState, TrajectoryBatch } from '@policy-arena/core';
import { SimulationDivergedError } from './errors.js';
import type { MujocoEnv } from './mujoco/env.js';
import { RolloutPool } from './rollout-pool.js';
import { mergeEpisodes } from './rollout-rounds.js';
import type { EpisodePart, ItemFailure } from './rollout-rounds.js';
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

/** What `run` throws (or rejects with); fails the test if it succeeds. */
async function thrown(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('RolloutPool: an error in one episode or branch is the error one thread in order throws, for 0, 1 and 2 workers', () => {
  it('hopper-v2: diverging vine branches reject with the SimulationDivergedError of the lowest one; the pool stays usable', async () => {
    const envId = 'hopper-v2';
    const policy = await policyFor(envId);
    const params = policy.getParams();
    const rng = Rng.fromSeed(4).split('sampler');
    const env = (await defaultEnvRegistry.make(envId)) as MujocoEnv;
    env.reset(1);
    const good = env.snapshot();
    const { qpos } = env.physicsState();
    /** A start state whose velocity MuJoCo rejects (beyond ±1e10) in the branch's first step. */
    const diverging = (dof: number): EnvState => {
      const qvel = new Float64Array(env.nv);
      qvel[dof] = 1e11;
      env.setState(qpos, qvel);
      return env.snapshot();
    };
    const starts = [good, good, diverging(2), good, good, diverging(4), good];
    const jobs: BranchJob[] = starts.map((snapshot, n) => ({
      snapshot,
      firstAction: Float64Array.of(0.1, -0.2, 0.3),
      noise: rng.splitIndex('branch-noise', n).state(),
    }));
    const expected = (await thrown(() =>
      jobs.forEach((job) => branchRollout(env, policy, job, 20, 0.99)),
    )) as SimulationDivergedError;
    expect(expected).toBeInstanceOf(SimulationDivergedError);
    expect(expected).toMatchObject({ quantity: 'qvel', index: 2, step: 0, action: [0.1, -0.2, 0.3] });
    const healthy = jobs.filter((_, j) => starts[j] === good);
    const healthyTraces = healthy.map((job) => branchRollout(env, policy, job, 20, 0.99));
    const batch = sampleEpisodes(env, policy, rng, { minSteps: 200 });
    env.close();

    for (const numWorkers of [0, 1, 2]) {
      const pool = await RolloutPool.create({ envId, policy: policy.config, numWorkers });
      const error = await thrown(() => pool.branches(params, jobs, { length: 20, gamma: 0.99 }));
      expect(error).toBeInstanceOf(SimulationDivergedError);
      expect(error.message).toBe(expected.message);
      expect((error as SimulationDivergedError).details()).toEqual(expected.details());
      // Nothing is broken: the same pool samples and branches as before.
      expect(await pool.branches(params, healthy, { length: 20, gamma: 0.99 })).toEqual(healthyTraces);
      expectSameBatch(await pool.sample(params, rng, { minSteps: 200 }), batch);
      await pool.close();
    }
  });

  it('swimmer-v2: a candidate whose actions are infinite, or whose θ is NaN, rejects with the RangeError its first episode throws', async () => {
    const envId = 'swimmer-v2';
    const policy = await policyFor(envId);
    const params = policy.getParams();
    const rng = Rng.fromSeed(5).split('sampler');
    // log σ = 1000 (the last actDim entries of θ): σ = exp(1000) overflows, so actions are ±Infinity.
    const huge = params.map((x, i) => (i >= params.length - policy.actDim ? 1000 : x));
    const nan = params.map((x, i) => (i === 3 ? NaN : x));
    const env = await defaultEnvRegistry.make(envId, { maxEpisodeSteps: 30 });
    const reference = sampleEpisodes(env, policy, rng, { episodes: 2, firstEpisode: 10 });
    env.reset(1);
    const start = env.snapshot!();
    policy.setParams(huge);
    const expectedInf = await thrown(() =>
      sampleEpisodes(env, policy, rng, { episodes: 2, firstEpisode: 12 }),
    );
    expect(expectedInf).toBeInstanceOf(RangeError);
    expect(expectedInf.message).toMatch(/^swimmer-v2: action\[\d\] is -?Infinity, expected a finite number$/);
    const expectedNan = await thrown(() => policy.setParams(nan));
    expect(expectedNan.message).toBe('GaussianPolicy.setParams: parameter 3 is NaN');
    policy.setParams(params);
    env.close();

    for (const numWorkers of [0, 1, 2]) {
      const pool = await RolloutPool.create({
        envId,
        policy: policy.config,
        numWorkers,
        envOptions: { maxEpisodeSteps: 30 },
      });
      const inf = await thrown(() =>
        pool.evaluate([params, huge, nan], rng, { episodes: 2, firstEpisode: 10 }),
      );
      expect(inf).toBeInstanceOf(RangeError);
      expect(inf.message).toBe(expectedInf.message);
      const nanError = await thrown(() =>
        pool.evaluate([params, nan], rng, { episodes: 2, firstEpisode: 10 }),
      );
      expect(nanError).toBeInstanceOf(RangeError);
      expect(nanError.message).toBe(expectedNan.message);
      const sampled = await thrown(() => pool.sample(nan, rng, { minSteps: 50 }));
      expect(sampled.message).toBe(expectedNan.message);
      const branchJobs = [0, 1, 2].map(() => ({
        snapshot: start,
        firstAction: new Float64Array(2),
        noise: rng.state(),
      }));
      const branched = await thrown(() => pool.branches(nan, branchJobs, { length: 5, gamma: 0.9 }));
      expect(branched.message).toBe(expectedNan.message);
      const [again] = await pool.evaluate([params], rng, { episodes: 2, firstEpisode: 10 });
      expectSameBatch(again!, reference);
      await pool.close();
    }
  });
});

describe('mergeEpisodes with a failed episode', () => {
  /** A thread's part: episodes `indices` of 1-dimensional steps, `lengths` long, and its failure. */
  function part(indices: number[], lengths: number[], failure?: ItemFailure): EpisodePart {
    const n = lengths.reduce((a, b) => a + b, 0);
    let start = 0;
    const episodes = lengths.map((length) => {
      const ep = { start, length, return: length, terminated: true, truncated: false };
      start += length;
      return ep;
    });
    const batch: TrajectoryBatch = {
      obsDim: 1,
      actDim: 1,
      numSteps: n,
      observations: new Float64Array(n),
      actions: new Float64Array(n),
      rewards: new Float64Array(n).fill(1),
      episodes,
    };
    return { indices: Int32Array.from(indices), batch, ...(failure ? { failure } : {}) };
  }

  it('throws the lowest failure, unless the episodes before it already hold minSteps steps', () => {
    // Thread A ran episodes 0 and 2 and failed in 5; thread B ran 1 and failed in 3.
    const parts = [
      part([0, 2], [10, 10], { index: 5, error: new Error('episode 5') }),
      part([1], [10], { index: 3, error: new Error('episode 3') }),
    ];
    expect(() => mergeEpisodes(parts, 31, 1, 1)).toThrow('episode 3');
    // Episodes 0..2 hold 30 steps: one thread in order would have stopped before episode 3.
    const batch = mergeEpisodes(parts, 30, 1, 1);
    expect(batch.episodes.map((e) => e.length)).toEqual([10, 10, 10]);
    // A fixed number of episodes needs them all.
    expect(() => mergeEpisodes(parts, 0, 1, 1)).toThrow('episode 3');
  });
});

describe('RolloutPool: final observations and reward-term sums, in-thread and on workers', () => {
  const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

  for (const envId of ['cartpole-v1', 'swimmer-v2', 'hopper-v2', 'walker-v2']) {
    it(`${envId}: each episode keeps the observation of its last step and its terms' sums, bitwise the same for 0 and 2 workers`, async () => {
      const policy = await policyFor(envId);
      const params = policy.getParams();
      const rng = Rng.fromSeed(4).split('sampler');
      const env = await defaultEnvRegistry.make(envId, { maxEpisodeSteps: 8 });
      const reference = sampleEpisodes(env, policy, rng, { minSteps: 200, snapshots: true });
      const names = env.spec.rewardTerms!;
      // Replay every step from its snapshot: the last one's observation is the final observation,
      // and the steps' terms, summed in order, are the episode's sums.
      for (const ep of reference.episodes) {
        const sums = new Float64Array(names.length);
        let last: Float64Array | undefined;
        for (let t = ep.start; t < ep.start + ep.length; t++) {
          env.restore!(reference.snapshots![t]!);
          const r = env.step(reference.actions.slice(t * reference.actDim, (t + 1) * reference.actDim));
          names.forEach((n, j) => (sums[j]! += r.info!.rewardTerms![n]!));
          last = r.observation;
        }
        expect(bytes(ep.finalObservation!)).toEqual(bytes(last!));
        expect(ep.rewardTerms).toEqual(Object.fromEntries(names.map((n, j) => [n, sums[j]!])));
        expect(Object.values(ep.rewardTerms!).reduce((a, b) => a + b, 0)).toBeCloseTo(ep.return, 9);
      }
      env.close();
      expect(reference.episodes.some((e) => e.truncated)).toBe(true);

      for (const numWorkers of [0, 2]) {
        const pool = await RolloutPool.create({
          envId,
          policy: policy.config,
          numWorkers,
          envOptions: { maxEpisodeSteps: 8 },
        });
        try {
          const batch = await pool.sample(params, rng, { minSteps: 200 });
          expect(batch.episodes.length).toBe(reference.episodes.length);
          batch.episodes.forEach((ep, i) => {
            const want = reference.episodes[i]!;
            expect(bytes(ep.finalObservation!)).toEqual(bytes(want.finalObservation!));
            expect(ep.rewardTerms).toEqual(want.rewardTerms);
          });
        } finally {
          await pool.close();
        }
      }
    });
  }
});
