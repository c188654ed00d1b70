import { Rng } from '@policy-arena/core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SimulationDivergedError } from './errors.js';
import type { MujocoEnv } from './mujoco/env.js';
import { makeEnv } from './registry.js';
import { VectorEnv, subEnvSeed } from './vector.js';
import type { VectorStepResult } from './vector.js';

const open: VectorEnv[] = [];
async function vec(
  envId: string,
  numEnvs: number,
  numWorkers: number,
  maxEpisodeSteps?: number,
): Promise<VectorEnv> {
  const v = await VectorEnv.create({
    envId,
    numEnvs,
    numWorkers,
    envOptions: maxEpisodeSteps ? { maxEpisodeSteps } : undefined,
  });
  open.push(v);
  return v;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((v) => v.close()));
});

/** A rollout with actions from a fixed stream; returns everything the vector env produced. */
async function rollout(v: VectorEnv, seed: number, steps: number): Promise<Float64Array> {
  const rng = Rng.fromSeed(seed, 'vector-test-actions');
  const out: number[] = [...(await v.reset(seed))];
  const a = new Float64Array(v.numEnvs * v.actDim);
  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < a.length; k++) a[k] = rng.uniformIn(-1.1, 1.1);
    const r = await v.step(a);
    out.push(...r.observations, ...r.finalObservations, ...r.rewards, ...r.terminated, ...r.truncated);
  }
  return Float64Array.from(out);
}

/** The worker threads behind a vector env (private; the tests kill one and watch them exit). */
function internals(v: VectorEnv) {
  type Handle = { worker: { terminate(): Promise<number> }; exit: Promise<void>; exited: boolean };
  return (v as unknown as { group: { handles: Handle[] } }).group;
}

function bitwiseEqual(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

// Worker threads are the slow part of these tests (each loads core, the envs and the wasm module,
// about a second when the machine is busy), so the vector envs are shared where a test leaves them
// usable.
describe('VectorEnv over 0, 1 and 2 workers', () => {
  const shared: Record<string, VectorEnv> = {};
  beforeAll(async () => {
    // horizon 40 so that both falls (terminated) and time limits (truncated) happen
    const make = (envId: string, numEnvs: number, numWorkers: number) =>
      VectorEnv.create({ envId, numEnvs, numWorkers, envOptions: { maxEpisodeSteps: 40 } });
    [shared.h0, shared.h1, shared.h2, shared.w1, shared.w2] = await Promise.all([
      make('hopper-v1', 5, 0),
      make('hopper-v1', 5, 1),
      make('hopper-v1', 5, 2),
      make('walker-v1', 3, 1),
      make('walker-v1', 3, 2),
    ]);
  });
  afterAll(async () => {
    await Promise.all(Object.values(shared).map((v) => v.close()));
  });

  test('hopper: 0, 1 and 2 workers give bitwise identical rollouts, with auto-resets', async () => {
    const r0 = await rollout(shared.h0!, 17, 120);
    const r1 = await rollout(shared.h1!, 17, 120);
    const r2 = await rollout(shared.h2!, 17, 120);
    expect(bitwiseEqual(r1, r2)).toBe(true);
    expect(bitwiseEqual(r0, r1)).toBe(true);
    // the rollout did contain falls and time limits
    const h = shared.h0!;
    let term = 0;
    let trunc = 0;
    const rng = Rng.fromSeed(2, 'x');
    await h.reset(2);
    for (let t = 0; t < 120; t++) {
      const r = await h.step(Float64Array.from({ length: 15 }, () => rng.uniformIn(-1, 1)));
      term += r.terminated.reduce((a, b) => a + b, 0);
      trunc += r.truncated.reduce((a, b) => a + b, 0);
    }
    expect(term).toBeGreaterThan(0);
    expect(trunc).toBeGreaterThan(0);
  });

  test('pipelined rollout(): 0, 1 and 2 workers give the same trajectories as step(), row by row', async () => {
    // Row i's action depends only on row i's observation and sub-env i's own noise stream.
    const trajectories = async (v: VectorEnv, pipelined: boolean) => {
      const noise = Array.from({ length: v.numEnvs }, (_, i) =>
        Rng.fromSeed(9, 'rollout-test').splitIndex('env', i),
      );
      const rows: number[][] = Array.from({ length: v.numEnvs }, () => []);
      const act = (first: number, count: number, obs: Float64Array, actions: Float64Array) => {
        for (let i = first; i < first + count; i++) {
          for (let j = 0; j < v.actDim; j++) {
            actions[i * v.actDim + j] = Math.tanh(obs[i * v.obsDim + j]!) + 0.5 * noise[i]!.normal();
          }
        }
      };
      const record = (
        first: number,
        count: number,
        r: {
          observations: Float64Array;
          rewards: Float64Array;
          terminated: Uint8Array;
          truncated: Uint8Array;
        },
      ) => {
        for (let i = first; i < first + count; i++) {
          rows[i]!.push(
            ...r.observations.subarray(i * v.obsDim, (i + 1) * v.obsDim),
            r.rewards[i]!,
            r.terminated[i]!,
            r.truncated[i]!,
          );
        }
      };
      await v.reset(31);
      if (pipelined) await v.rollout(90, act, record);
      else {
        for (let t = 0; t < 90; t++) {
          act(0, v.numEnvs, v.observations, v.actions);
          record(0, v.numEnvs, await v.step(v.actions));
        }
      }
      return Float64Array.from(rows.flat());
    };
    const reference = await trajectories(shared.h0!, false);
    for (const [v, pipelined] of [
      [shared.h0!, true],
      [shared.h1!, true],
      [shared.h2!, true],
      [shared.h2!, false],
    ] as const) {
      expect(bitwiseEqual(await trajectories(v, pipelined), reference)).toBe(true);
    }
  });

  test("info.rewardTerms: per sub-env, the terms add up to the reward and are the single env's for the same seed", async () => {
    for (const v of [shared.h0!, shared.h2!]) {
      const names = v.spec.rewardTerms!;
      expect(names).toEqual(['forward', 'control', 'alive']);
      // Sub-env i is the env made alone and reset with subEnvSeed(seed, i), given row i's actions.
      const singles = await Promise.all(
        Array.from({ length: v.numEnvs }, () => makeEnv('hopper-v1', { maxEpisodeSteps: 40 })),
      );
      const seed = 12;
      await v.reset(seed);
      singles.forEach((env, i) => env.reset(subEnvSeed(seed, i)));
      const rng = Rng.fromSeed(seed, 'vector-terms-test');
      const problems: string[] = [];
      let ends = 0;
      let info: VectorStepResult['info'] | undefined;
      for (let t = 0; t < 100; t++) {
        const a = Float64Array.from({ length: v.numEnvs * v.actDim }, () => rng.uniformIn(-1.2, 1.2));
        const r = await v.step(a);
        info = r.info;
        expect(Object.keys(r.info.rewardTerms!)).toEqual(names);
        for (let i = 0; i < v.numEnvs; i++) {
          const single = singles[i]!.step(a.subarray(i * v.actDim, (i + 1) * v.actDim));
          if (!Object.is(r.rewards[i], single.reward)) problems.push(`step ${t}, sub-env ${i}: reward`);
          let sum = 0;
          for (const name of names) {
            const term = r.info.rewardTerms![name]![i]!;
            if (!Object.is(term, single.info!.rewardTerms![name]))
              problems.push(
                `step ${t}, sub-env ${i}: ${name} ${term}, alone ${single.info!.rewardTerms![name]}`,
              );
            sum += term;
          }
          // Added in the spec's order they give the reward exactly, as the single env's do.
          if (sum !== r.rewards[i]) problems.push(`step ${t}, sub-env ${i}: terms add up to ${sum}`);
          if (single.terminated || single.truncated) {
            singles[i]!.reset();
            ends++;
          }
        }
      }
      expect(problems).toEqual([]);
      expect(ends).toBeGreaterThan(0); // auto-resets were part of it
      for (const env of singles) env.close();
      // The info holds views: after a reset every term is 0, as every reward is.
      await v.reset(seed);
      for (const name of names) expect(Array.from(info!.rewardTerms![name]!)).toEqual([0, 0, 0, 0, 0]);

      // rollout()'s per-block results carry them too.
      await v.reset(3);
      await v.rollout(
        30,
        (first, count, _obs, actions) => actions.fill(0.3, first * v.actDim, (first + count) * v.actDim),
        (first, count, r) => {
          for (let i = first; i < first + count; i++) {
            let sum = 0;
            for (const name of names) sum += r.info.rewardTerms![name]![i]!;
            if (sum !== r.rewards[i]) problems.push(`rollout, sub-env ${i}: terms add up to ${sum}`);
          }
        },
      );
      expect(problems).toEqual([]);
    }
  });

  test('rollout() refuses a NaN action and the vector env is unusable after it', async () => {
    const v = await vec('cartpole-v1', 4, 2);
    await v.reset(1);
    await expect(
      v.rollout(5, (first, count, _obs, actions) =>
        actions.fill(first === 0 ? NaN : 0, first, first + count),
      ),
    ).rejects.toThrow(/action of sub-env 0, entry 0, is NaN/);
    await expect(v.step(new Float64Array(4))).rejects.toThrow(
      /after a failure \(rollout\(\) stopped part-way/,
    );
  });

  test('walker: 1 and 2 workers agree bitwise', async () => {
    const r1 = await rollout(shared.w1!, 4, 80);
    const r2 = await rollout(shared.w2!, 4, 80);
    expect(bitwiseEqual(r1, r2)).toBe(true);
  });

  test('reset(seed) is reproducible and independent of the worker count; seeds differ per sub-env', async () => {
    const a = Float64Array.from(await shared.h2!.reset(5));
    const b = Float64Array.from(await shared.h0!.reset(5));
    const c = Float64Array.from(await shared.h0!.reset());
    expect(bitwiseEqual(a, b)).toBe(true);
    expect(bitwiseEqual(b, c)).toBe(true);
    expect(bitwiseEqual(a.subarray(0, 12), a.subarray(12, 24))).toBe(false);
  });

  test('snapshot/restore branches one sub-env into all others (vine) and replays bitwise', async () => {
    for (const v of [shared.h0!, shared.h2!]) {
      await v.reset(8);
      const a = new Float64Array(5 * 3).fill(0.2);
      await v.step(a);
      const snaps = await v.snapshot();
      const branch = snaps[1]!;
      await v.restore([branch, branch, branch, null, branch]);
      for (const i of [0, 1, 2, 4]) {
        expect(Array.from(v.observations.slice(12 * i, 12 * i + 12))).toEqual(Array.from(branch.observation));
      }
      const r = await v.step(a);
      const rows = [0, 1, 2, 4].map((i) => Array.from(r.observations.slice(12 * i, 12 * i + 12)));
      for (const row of rows) expect(row).toEqual(rows[0]);
      expect(Array.from(r.observations.slice(36, 48))).not.toEqual(rows[0]);
    }
  });

  test('bad action matrices are refused before anything runs', async () => {
    const v = shared.h1!;
    await v.reset(1);
    await expect(v.step(new Float64Array(14))).rejects.toThrow(/expected 5 × 3 = 15/);
    const bad = new Float64Array(15);
    bad[4] = NaN;
    await expect(v.step(bad)).rejects.toThrow(/sub-env 1, entry 1, is NaN/);
    // still usable
    const r = await v.step(new Float64Array(15));
    expect(r.rewards.length).toBe(5);
  });
});

describe('VectorEnv life cycle', () => {
  test('step() before reset() is refused', async () => {
    const v = await vec('swimmer-v1', 2, 0);
    await expect(v.step(new Float64Array(4))).rejects.toThrow(/before reset/);
  });

  test('a worker error rejects the call with its message and terminates the other workers', async () => {
    const v = await vec('hopper-v1', 4, 2);
    await v.reset(1);
    const walker = await makeEnv('walker-v1');
    walker.reset(1);
    const foreign = { state: walker.snapshot!(), observation: new Float64Array(12) };
    walker.close();
    // a snapshot with the right id but the wrong size makes worker 1's env throw a TypeError
    const wrong = {
      state: { envId: 'hopper-v1', data: new Float64Array(3) },
      observation: new Float64Array(12),
    };
    await expect(v.restore([null, null, foreign, null])).rejects.toThrow(TypeError);
    await expect(v.restore([null, null, wrong, null])).rejects.toThrow(
      /hopper-v1\): worker 1 \(sub-envs 2\.\.3\) failed: TypeError: hopper-v1: cannot restore/,
    );
    await expect(v.step(new Float64Array(12))).rejects.toThrow(/after a failure/);
    const threads = internals(v).handles;
    await Promise.all(threads.map((h) => h.exit)); // both threads are gone
    await v.close();
  });

  test('a diverging sub-env fails the step: in-thread with its SimulationDivergedError, on a worker with its message and the error as cause', async () => {
    const env = (await makeEnv('hopper-v2')) as MujocoEnv;
    const { qpos } = env.physicsState();
    const qvel = new Float64Array(env.nv);
    qvel[1] = 1e11; // beyond MuJoCo's ±1e10: it resets mjData in the next step
    env.setState(qpos, qvel);
    const diverging = { state: env.snapshot(), observation: new Float64Array(12) };
    env.close();
    const actions = new Float64Array(2 * 3);
    let expected: SimulationDivergedError | undefined;
    for (const numWorkers of [0, 1]) {
      const v = await vec('hopper-v2', 2, numWorkers);
      await v.reset(1);
      await v.restore([null, diverging]);
      const error = await v.step(actions).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      if (numWorkers === 0) {
        expect(error).toBeInstanceOf(SimulationDivergedError);
        expected = error as SimulationDivergedError;
        expect(expected).toMatchObject({ quantity: 'qvel', index: 1, step: 0 });
      } else {
        expect(error!.message).toBe(
          `VectorEnv(hopper-v2): worker 0 (sub-envs 0..1) failed: SimulationDivergedError: ${expected!.message}`,
        );
        expect(error!.cause).toBeInstanceOf(SimulationDivergedError);
        expect((error!.cause as SimulationDivergedError).details()).toEqual(expected!.details());
      }
      await expect(v.step(actions)).rejects.toThrow(/after a failure/);
    }
  });

  test('a worker that exits while a step is pending rejects the step and stops the others', async () => {
    const v = await vec('walker-v1', 4, 2);
    await v.reset(1);
    const threads = internals(v).handles;
    // terminate() before posting the step: the thread's exit reaches the group only on a later turn
    // of the event loop, so the step is posted while the group still counts worker 0 as alive, and
    // worker 0 never answers it. Terminating after posting raced the worker's reply: under load the
    // worker finished its step before the termination landed and the step resolved.
    void threads[0]!.worker.terminate();
    expect(threads[0]!.exited).toBe(false);
    const step = v.step(new Float64Array(4 * 6));
    await expect(step).rejects.toThrow(/worker 0 \(sub-envs 0\.\.1\) failed: the thread exited/);
    await Promise.all(threads.map((h) => h.exit));
    await v.close();
  });

  test('creation fails cleanly when the workers cannot build the env', async () => {
    await expect(
      VectorEnv.create({ envId: 'hopper-v1', numEnvs: 2, numWorkers: 2, envOptions: { maxEpisodeSteps: 0 } }),
    ).rejects.toThrow(
      /failed during startup: RangeError: hopper-v1: maxEpisodeSteps must be a positive integer/,
    );
    await expect(VectorEnv.create({ envId: 'nope-v1', numEnvs: 2, numWorkers: 1 })).rejects.toThrow(
      /unknown env "nope-v1"/,
    );
  });

  test('sub-env i follows a single env seeded with subEnvSeed(seed, i), with auto-resets; close() ends the workers', async () => {
    const n = 3;
    const v = await vec('cartpole-v1', n, 5, 15); // capped at 3 workers
    expect(v.numWorkers).toBe(3);
    const obs0 = Float64Array.from(await v.reset(21));
    const singles = await Promise.all(
      Array.from({ length: n }, () => makeEnv('cartpole-v1', { maxEpisodeSteps: 15 })),
    );
    singles.forEach((env, i) =>
      expect(Array.from(env.reset(subEnvSeed(21, i)))).toEqual(Array.from(obs0.slice(4 * i, 4 * i + 4))),
    );
    const rng = Rng.fromSeed(3, 'actions');
    let ended = 0;
    for (let t = 0; t < 40; t++) {
      const a = Float64Array.from({ length: n }, () => rng.uniformIn(-1, 1));
      const r = await v.step(a);
      singles.forEach((env, i) => {
        const s = env.step(a.subarray(i, i + 1));
        expect(Array.from(r.finalObservations.slice(4 * i, 4 * i + 4))).toEqual(Array.from(s.observation));
        expect(r.rewards[i]).toBe(s.reward);
        expect(r.terminated[i]).toBe(Number(s.terminated));
        expect(r.truncated[i]).toBe(Number(s.truncated));
        const next = s.terminated || s.truncated ? env.reset() : s.observation;
        if (s.terminated || s.truncated) ended++;
        expect(Array.from(r.observations.slice(4 * i, 4 * i + 4))).toEqual(Array.from(next));
      });
    }
    expect(ended).toBeGreaterThan(n);

    await v.close();
    const threads = internals(v).handles;
    expect(threads.every((h) => h.exited)).toBe(true);
    await expect(v.step(new Float64Array(3))).rejects.toThrow(/after close/);
    await v.close();
  });

  test('in-thread mode works for cart-pole', async () => {
    const w0 = await vec('cartpole-v1', 2, 0);
    expect(w0.numWorkers).toBe(0);
    const obs = await w0.reset(3);
    expect(obs.length).toBe(8);
  });
});
