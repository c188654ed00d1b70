/**
 * The periodic deterministic evaluation of a trial (`evaluation: { every, episodes }` in a sweep
 * config, `--eval-every` on `arena run`): after every k-th iteration and after the last, the
 * current policy acts with its mean action for `episodes` episodes from evaluation seed 0 — the
 * episodes of `arena eval` — in an env of its own in the trial's thread, so the numbers do not
 * depend on the sampling threads. Recorded as `evalPerStepReward` and `evalMeanReturn`.
 */
import { evaluatePolicy } from '@policy-arena/core';
import type { Env, GaussianPolicy } from '@policy-arena/core';
import type { EnvRegistry } from '@policy-arena/envs';
import type { TrialEvaluation } from './trials.js';

/** The metrics an evaluated iteration's record carries (absent from the others). */
export const EVALUATION_METRICS: readonly string[] = ['evalPerStepReward', 'evalMeanReturn'];

export interface PeriodicEvaluation {
  /** The metrics to add to iteration `iteration`'s record (none when it is not evaluated). */
  after(iteration: number, policy: GaussianPolicy): Record<string, number>;
  close(): void;
}

export async function periodicEvaluation(
  settings: TrialEvaluation | undefined,
  registry: EnvRegistry,
  envId: string,
  iterations: number,
): Promise<PeriodicEvaluation> {
  if (!settings) return { after: () => ({}), close: () => {} };
  const env: Env = await registry.make(envId);
  return {
    after(iteration, policy): Record<string, number> {
      const done = iteration + 1;
      if (done % settings.every !== 0 && done !== iterations) return {};
      const result = evaluatePolicy(env, policy, {
        episodes: settings.episodes,
        seed: 0,
        deterministic: true,
      });
      return { evalPerStepReward: result.perStepReward, evalMeanReturn: result.meanReturn };
    },
    close: () => env.close(),
  };
}
