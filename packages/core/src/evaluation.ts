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

/** What an evaluation episode reports after each step (`evaluationEpisode`'s observer). */
export interface EvaluationStep {
  /** Steps taken so far in the episode (0 right after the reset). */
  readonly steps: number;
  /** Undiscounted return so far. */
  readonly total: number;
  /** The episode ended at this step (terminated or truncated). */
  readonly done: boolean;
}

/**
 * Episode k of an evaluation with `seed`: its reset seed and action noise come from
 * `Rng.fromSeed(seed, 'evaluation').splitIndex('episode', k)`. `onStep`, called after the reset and
 * after every step, may return false to stop the episode early (`arena render --steps`).
 */
export function evaluationEpisode(
  env: Env,
  policy: GaussianMlp,
  options: { readonly seed: number; readonly deterministic: boolean },
  k: number,
  onStep?: (step: EvaluationStep) => boolean | void,
): { readonly total: number; readonly steps: number } {
  const episodeRng = Rng.fromSeed(options.seed, 'evaluation').splitIndex('episode', k);
  const action = new Float64Array(policy.actDim);
  let obs = env.reset(episodeRng.seed31());
  let total = 0;
  let steps = 0;
  if (onStep?.({ steps, total, done: false }) === false) return { total, steps };
  for (;;) {
    if (options.deterministic) action.set(policy.means(obs));
    else policy.act(obs, episodeRng, action);
    const r = env.step(action);
    total += r.reward;
    steps++;
    obs = r.observation;
    const done = r.terminated || r.truncated;
    if (onStep?.({ steps, total, done }) === false || done) return { total, steps };
  }
}

export function evaluatePolicy(env: Env, policy: GaussianMlp, options: EvaluationOptions): EvaluationResult {
  const { episodes, seed, deterministic } = options;
  if (!Number.isInteger(episodes) || episodes < 1) {
    throw new RangeError(`evaluatePolicy: episodes must be a positive integer, got ${episodes}`);
  }
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let k = 0; k < episodes; k++) {
    const { total, steps } = evaluationEpisode(env, policy, { seed, deterministic }, k);
    returns.push(total);
    lengths.push(steps);
  }
  const meanReturn = returns.reduce((a, b) => a + b, 0) / episodes;
  const stdReturn = Math.sqrt(
    returns.reduce((a, b) => a + (b - meanReturn) * (b - meanReturn), 0) / episodes,
  );
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
