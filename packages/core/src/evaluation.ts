/**
 * Evaluating a policy after training: whole episodes with fixed reset seeds, acting either with
 * the mean action μ_θ(s) (`deterministic`, what a trained controller is deployed as) or by sampling
 * a ~ π_θ(·|s) as during training. Episode k resets with, and draws its noise from, the stream
 * `Rng.fromSeed(seed, 'evaluation').splitIndex('episode', k)`, so the same seed gives the same
 * episodes in any process.
 *
 * The score per time step is the mean return divided by the task's horizon, as the training
 * metrics and Figure 4 of the paper report it.
 */
import type { Env } from './env.js';
import type { GaussianMlp } from './gaussian-mlp.js';
import { Rng } from './rng.js';

export interface EvaluationOptions {
  readonly episodes: number;
  readonly seed: number;
  /** Act with μ_θ(s) instead of sampling. */
  readonly deterministic: boolean;
}

export interface EvaluationResult extends EvaluationOptions {
  readonly meanReturn: number;
  /** Population standard deviation of the episode returns. */
  readonly stdReturn: number;
  readonly perStepReward: number;
  readonly meanEpisodeLength: number;
  readonly returns: readonly number[];
  readonly lengths: readonly number[];
}

export function evaluatePolicy(env: Env, policy: GaussianMlp, options: EvaluationOptions): EvaluationResult {
  const { episodes, seed, deterministic } = options;
  if (!Number.isInteger(episodes) || episodes < 1) {
    throw new RangeError(`evaluatePolicy: episodes must be a positive integer, got ${episodes}`);
  }
  const rng = Rng.fromSeed(seed, 'evaluation');
  const action = new Float64Array(policy.actDim);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let k = 0; k < episodes; k++) {
    const episodeRng = rng.splitIndex('episode', k);
    let obs = env.reset(episodeRng.seed31());
    let total = 0;
    let steps = 0;
    for (;;) {
      if (deterministic) action.set(policy.means(obs));
      else policy.act(obs, episodeRng, action);
      const r = env.step(action);
      total += r.reward;
      steps++;
      obs = r.observation;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
    lengths.push(steps);
  }
  const meanReturn = returns.reduce((a, b) => a + b, 0) / episodes;
  const stdReturn = Math.sqrt(returns.reduce((a, b) => a + (b - meanReturn) ** 2, 0) / episodes);
  return {
    episodes,
    seed,
    deterministic,
    meanReturn,
    stdReturn,
    perStepReward: meanReturn / env.spec.maxEpisodeSteps,
    meanEpisodeLength: lengths.reduce((a, b) => a + b, 0) / episodes,
    returns,
    lengths,
  };
}
