/**
 * What a VectorEnv takes and gives: its options, a step's result (views of the shared buffers, with
 * the reward terms as Gymnasium's vector envs return infos) and a sub-env's snapshot.
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

/** The `info` of a vector step: each field as the single env's `StepInfo`, one value per sub-env. */
export interface VectorStepInfo {
  /**
   * Per reward term (`EnvSpec.rewardTerms`), its N values in the last step: entry i is what sub-env
   * i's step returned in `info.rewardTerms`, so for each i the terms, added in the spec's order,
   * give `rewards[i]`. Absent when the env declares no terms; all 0 after `reset`.
   */
  readonly rewardTerms?: Readonly<Record<string, Float64Array>>;
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
  readonly info: VectorStepInfo;
}

/** A sub-env's exact state plus the observation it had, for branching (vine). */
export interface SubEnvSnapshot {
  readonly state: EnvState;
  readonly observation: Float64Array;
}
