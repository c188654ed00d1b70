/** Messages between the training playground and its Web Worker. */
import type { IterationRecord } from '@policy-arena/runner/browser';
import type { GaussianPolicyConfig, PresetName } from '@policy-arena/core';

export interface StartRequest {
  readonly type: 'start';
  readonly algorithm: string;
  readonly task: string;
  readonly preset: PresetName;
  readonly seed: number;
  /** Overrides the preset's iterations. */
  readonly iterations?: number;
}

export type WorkerReply =
  | {
      readonly type: 'started';
      readonly config: Record<string, unknown>;
      readonly iterations: number;
      readonly stepsPerIteration: number;
      /** The trial's policy network, for the page's copy that shows the current parameters. */
      readonly policy: GaussianPolicyConfig;
    }
  /** After each iteration: its record and the policy parameters it ended with. */
  | { readonly type: 'iteration'; readonly record: IterationRecord; readonly params: Float64Array }
  | { readonly type: 'done'; readonly records: IterationRecord[] }
  | { readonly type: 'error'; readonly message: string };
