/**
 * `arena eval`: a saved policy's score over fresh episodes, in a process of its own — the check
 * that a trained policy is what its training run said it was. Deterministic by default (act with
 * the mean μ_θ(s)): the training metrics are of the stochastic policy, a deployed controller is
 * the mean.
 */
import { evaluatePolicy } from '@policy-arena/core';
import type { EvaluationResult } from '@policy-arena/core';
import { openSavedPolicy } from './saved-policies.js';
import type { SavedPolicyKind } from './saved-policies.js';

export interface EvalOptions {
  readonly target: string;
  readonly kind: SavedPolicyKind;
  readonly trial?: string;
  readonly episodes: number;
  readonly seed: number;
  readonly deterministic: boolean;
}

export interface EvalOutcome extends EvaluationResult {
  readonly policyFile: string;
  readonly env: string;
  readonly algorithm: string;
  readonly kind: SavedPolicyKind;
  readonly trainedIterations: number;
}

export async function evaluateSaved(options: EvalOptions): Promise<EvalOutcome> {
  const { policy, file, path, env } = await openSavedPolicy(options.target, {
    kind: options.kind,
    ...(options.trial !== undefined ? { trial: options.trial } : {}),
  });
  try {
    const result = evaluatePolicy(env, policy, {
      episodes: options.episodes,
      seed: options.seed,
      deterministic: options.deterministic,
    });
    return {
      policyFile: path,
      env: file.env.id,
      algorithm: file.algorithm.name,
      kind: file.kind,
      trainedIterations: file.training.iteration,
      ...result,
    };
  } finally {
    env.close();
  }
}

/** The human-readable lines of an evaluation. */
export function formatEvaluation(o: EvalOutcome): string {
  const mode = o.deterministic ? 'deterministic (mean action)' : 'stochastic';
  return (
    `${o.algorithm} on ${o.env}, ${o.kind} policy after ${o.trainedIterations} iterations (${o.policyFile})\n` +
    `  ${o.episodes} episodes, ${mode}, seed ${o.seed}\n` +
    `  score per step ${o.perStepReward.toFixed(4)}   return ${o.meanReturn.toFixed(2)} ± ${o.stdReturn.toFixed(2)}   episode length ${o.meanEpisodeLength.toFixed(1)}\n`
  );
}
