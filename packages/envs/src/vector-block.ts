/**
 * The part of a vector env that steps a contiguous block of sub-environments against the shared
 * buffers. The in-thread vector env (0 workers) and every worker thread run this same code, which is
 * why results do not depend on the worker count.
 */
import { Rng } from '@policy-arena/core/env';
import type { Env, EnvOptions, EnvSpec, EnvState } from '@policy-arena/core';
import { defaultEnvRegistry } from './registry.js';
import type { EnvRegistry } from './registry.js';

/** Views of the vector env's buffers (SharedArrayBuffers when workers are used). */
export interface VectorBuffers {
  /** N × actDim, row i = action of sub-env i. */
  readonly actions: Float64Array;
  /** N × obsDim: the observation to act on next (the first one of a new episode after an auto-reset). */
  readonly observations: Float64Array;
  /** N × obsDim: the observation the step produced, before any auto-reset (for bootstrapping). */
  readonly finalObservations: Float64Array;
  readonly rewards: Float64Array;
  /**
   * T × N, term-major: entry j·N + i is sub-env i's value of reward term j (`EnvSpec.rewardTerms`
   * order) in its last step, so that each term's N values are one contiguous view. Empty when the
   * env declares no terms.
   */
  readonly rewardTerms: Float64Array;
  /** 1 where the sub-env's episode ended in this step (a fall). */
  readonly terminated: Uint8Array;
  /** 1 where the episode was cut at the horizon in this step. */
  readonly truncated: Uint8Array;
}

/** The raw memory behind `VectorBuffers`, transferable to workers. */
export interface VectorMemory {
  readonly f64: SharedArrayBuffer | ArrayBuffer;
  readonly u8: SharedArrayBuffer | ArrayBuffer;
}

/** The number of reward terms a spec declares (the T of `VectorBuffers.rewardTerms`). */
export function termCount(spec: EnvSpec): number {
  return spec.rewardTerms?.length ?? 0;
}

export function allocateMemory(
  n: number,
  obsDim: number,
  actDim: number,
  terms: number,
  shared: boolean,
): VectorMemory {
  const doubles = n * (actDim + 2 * obsDim + 1 + terms);
  const Buf = shared ? SharedArrayBuffer : ArrayBuffer;
  return { f64: new Buf(8 * doubles), u8: new Buf(2 * n) };
}

export function viewMemory(
  mem: VectorMemory,
  n: number,
  obsDim: number,
  actDim: number,
  terms: number,
): VectorBuffers {
  let offset = 0;
  const take = (len: number) => {
    const v = new Float64Array(mem.f64, 8 * offset, len);
    offset += len;
    return v;
  };
  return {
    actions: take(n * actDim),
    observations: take(n * obsDim),
    finalObservations: take(n * obsDim),
    rewards: take(n),
    rewardTerms: take(n * terms),
    terminated: new Uint8Array(mem.u8, 0, n),
    truncated: new Uint8Array(mem.u8, n, n),
  };
}

/**
 * The seed of the first episode of sub-env `index`: a function of the vector env's seed and the
 * index only. Later episodes of that sub-env continue its env's own random stream (`reset()` without
 * a seed), which is part of the env's snapshot.
 */
export function subEnvSeed(seed: number, index: number): number {
  return Rng.fromSeed(seed, 'vector-env').splitIndex('env', index).seed31();
}

export class EnvBlock {
  private constructor(
    private readonly envs: Env[],
    /** Index of the first sub-env of the block in the vector env. */
    readonly start: number,
    readonly obsDim: number,
    readonly actDim: number,
    private buffers: VectorBuffers | undefined,
  ) {}

  static async create(
    envId: string,
    envOptions: EnvOptions | undefined,
    start: number,
    count: number,
    registry: EnvRegistry = defaultEnvRegistry,
  ): Promise<EnvBlock> {
    const envs: Env[] = [];
    try {
      for (let i = 0; i < count; i++) envs.push(await registry.make(envId, envOptions));
    } catch (e) {
      for (const env of envs) env.close();
      throw e;
    }
    const spec = envs[0]!.spec;
    const act = spec.actionSpace;
    return new EnvBlock(
      envs,
      start,
      spec.observationSpace.shape[0],
      act.kind === 'box' ? act.shape[0] : 1,
      undefined,
    );
  }

  get spec() {
    return this.envs[0]!.spec;
  }

  get size(): number {
    return this.envs.length;
  }

  attach(buffers: VectorBuffers): void {
    this.buffers = buffers;
  }

  private get b(): VectorBuffers {
    if (!this.buffers) throw new Error('EnvBlock: buffers not attached');
    return this.buffers;
  }

  /** Starts the first episode of every sub-env of the block, seeded by `subEnvSeed(seed, index)`. */
  reset(seed: number): void {
    const { observations, finalObservations, rewards, rewardTerms, terminated, truncated } = this.b;
    const n = rewards.length;
    for (let k = 0; k < this.envs.length; k++) {
      const i = this.start + k;
      const obs = this.envs[k]!.reset(subEnvSeed(seed, i));
      observations.set(obs, i * this.obsDim);
      finalObservations.set(obs, i * this.obsDim);
      rewards[i] = 0;
      for (let j = i; j < rewardTerms.length; j += n) rewardTerms[j] = 0;
      terminated[i] = 0;
      truncated[i] = 0;
    }
  }

  /**
   * One step of every sub-env of the block with its row of `actions`; auto-resets ended episodes.
   * The step's `info.rewardTerms` go to the sub-env's column of `rewardTerms`.
   */
  step(): void {
    const { actions, observations, finalObservations, rewards, rewardTerms, terminated, truncated } = this.b;
    const { obsDim, actDim } = this;
    const names = this.spec.rewardTerms;
    const n = rewards.length;
    for (let k = 0; k < this.envs.length; k++) {
      const i = this.start + k;
      const env = this.envs[k]!;
      const r = env.step(actions.subarray(i * actDim, (i + 1) * actDim));
      rewards[i] = r.reward;
      if (names) {
        const terms = r.info?.rewardTerms;
        if (!terms) throw new TypeError(`${env.spec.id}: a step returned no info.rewardTerms`);
        for (let j = 0; j < names.length; j++) rewardTerms[j * n + i] = terms[names[j]!]!;
      }
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      finalObservations.set(r.observation, i * obsDim);
      observations.set(r.terminated || r.truncated ? env.reset() : r.observation, i * obsDim);
    }
  }

  snapshot(): EnvState[] {
    return this.envs.map((env) => {
      if (!env.snapshot) throw new TypeError(`${env.spec.id} has no snapshot()`);
      return env.snapshot();
    });
  }

  /** Restores sub-envs from snapshots (null leaves one as it is). */
  restore(states: readonly (EnvState | null)[]): void {
    if (states.length !== this.envs.length) {
      throw new RangeError(`restore: got ${states.length} states for ${this.envs.length} sub-envs`);
    }
    for (let k = 0; k < this.envs.length; k++) {
      const s = states[k];
      if (!s) continue;
      const env = this.envs[k]!;
      if (!env.restore) throw new TypeError(`${env.spec.id} has no restore()`);
      env.restore(s);
    }
  }

  close(): void {
    for (const env of this.envs) env.close();
    this.envs.length = 0;
  }
}
