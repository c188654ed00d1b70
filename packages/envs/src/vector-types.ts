/**
 * What a VectorEnv takes and gives: its options, a step's result (views of the shared buffers) and
 * a sub-env's snapshot.
 */
import type { EnvOptions, EnvState } from '@policy-arena/core';
import type { EnvRegistry } from './registry.js';

export interface VectorEnvOptions {
  /** A registered env id, e.g. `hopper-v1`. Workers build envs from the built-in registry. */
  readonly envId: string;
  readonly numEnvs: number;
  /** Worker threads; 0 (the default) steps every sub-env in the calling thread. Capped at numEnvs. */
  readonly numWorkers?: number;
  readonly envOptions?: EnvOptions;
  /** A registry for in-thread use (numWorkers 0) only; workers always use the built-in one. */
  readonly registry?: EnvRegistry;
}

/**
 * Views of the vector env's buffers after a step. They are overwritten by the next call; copy what
 * you keep.
 */
export interface VectorStepResult {
  readonly observations: Float64Array;
  readonly finalObservations: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
}

/** A sub-env's exact state plus the observation it had, for branching (vine). */
export interface SubEnvSnapshot {
  readonly state: EnvState;
  readonly observation: Float64Array;
}
