/** Messages between VectorEnv and its worker threads. */
import type { EnvOptions, EnvSpec, EnvState } from '@policy-arena/core';
import type { VectorMemory } from './vector-block.js';
import type { ErrorReply } from './worker-group.js';

export type WorkerRequest =
  | { type: 'init'; envId: string; envOptions: EnvOptions | undefined; start: number; count: number }
  | {
      type: 'attach';
      memory: VectorMemory;
      numEnvs: number;
      obsDim: number;
      actDim: number;
      /** Reward terms per step (`EnvSpec.rewardTerms`), laid out in the memory after the rewards. */
      terms: number;
    }
  | { type: 'reset'; seed: number }
  | { type: 'step' }
  | { type: 'snapshot' }
  | { type: 'restore'; states: readonly (EnvState | null)[] }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ok'; spec?: EnvSpec }
  | { type: 'snapshot'; states: EnvState[] }
  | ErrorReply;
