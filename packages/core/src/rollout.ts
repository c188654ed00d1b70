/**
 * Single-path sampling (§5.1): roll out the current policy for whole episodes; and the vine's
 * branch rollouts from restored states (§5.2). Both are plain float64 code without tfjs, so the
 * sampler's worker threads run exactly this code and results do not depend on where it runs.
 */
import type { Env, EnvState } from './env.js';
import type { GaussianMlp } from './gaussian-mlp.js';
import { Rng } from './rng.js';
import type { RngState } from './rng.js';
import { TrajectoryBuilder } from './trajectory.js';
import type { TrajectoryBatch } from './trajectory.js';

export interface SampleOptions {
  /** Collect whole episodes until at least this many steps are in the batch. */
  readonly minSteps?: number;
  /** Or exactly this many episodes (takes precedence when given). */
  readonly episodes?: number;
  /** Index of the first episode, so episode k always uses stream `episode#k` of `rng`. */
  readonly firstEpisode?: number;
  /** Keep `env.snapshot()` before every step (vine branches from them). */
  readonly snapshots?: boolean;
}

/**
 * Runs episode `index` of a sampling round to its end (termination or horizon), appending its
 * steps to `builder` (and the env state before every step to `snapshots`). Its reset seed and
 * action noise come from the stream `rng.splitIndex('episode', index)` alone, so the episode is
 * the same whichever worker runs it and whatever ran before it in that env.
 */
export function rolloutEpisode(
  env: Env,
  policy: GaussianMlp,
  rng: Rng,
  index: number,
  builder: TrajectoryBuilder,
  snapshots?: EnvState[],
): void {
  const episodeRng = rng.splitIndex('episode', index);
  const action = new Float64Array(policy.actDim);
  const names = env.spec.rewardTerms;
  // Summed here, one slot per term, so the hot loop allocates nothing for the terms; the sums
  // become one object per episode at its end.
  const sums = names ? new Float64Array(names.length) : undefined;
  let obs = env.reset(episodeRng.seed31());
  for (;;) {
    if (snapshots) snapshots.push(env.snapshot!());
    policy.act(obs, episodeRng, action);
    const r = env.step(action);
    builder.push(obs, action, r.reward);
    obs = r.observation;
    if (sums) {
      const terms = r.info?.rewardTerms;
      if (!terms) throw new TypeError(`${env.spec.id}: a step returned no info.rewardTerms`);
      for (let j = 0; j < sums.length; j++) sums[j]! += terms[names![j]!]!;
    }
    if (r.terminated || r.truncated) {
      let termSums: Record<string, number> | undefined;
      if (sums) {
        termSums = {};
        for (let j = 0; j < sums.length; j++) termSums[names![j]!] = sums[j]!;
      }
      // obs is the step's own fresh array, so the batch may keep it without a copy.
      builder.endEpisode(r.terminated, !r.terminated, obs, termSums);
      return;
    }
  }
}

/**
 * Rolls out `policy` in `env`: episodes firstEpisode, firstEpisode + 1, … (see `rolloutEpisode`)
 * until at least `minSteps` steps are in the batch, or exactly `episodes` of them. Episodes always
 * run to termination or the horizon; the batch may overshoot `minSteps` by less than one horizon.
 */
export function sampleEpisodes(
  env: Env,
  policy: GaussianMlp,
  rng: Rng,
  options: SampleOptions,
): TrajectoryBatch {
  const { minSteps = 0, episodes, firstEpisode = 0 } = options;
  if (episodes === undefined && !(minSteps > 0)) {
    throw new RangeError(`sampleEpisodes: minSteps must be positive, got ${minSteps}`);
  }
  const obsDim = env.spec.observationSpace.shape[0];
  const builder = new TrajectoryBuilder(obsDim, policy.actDim);
  const snapshots: EnvState[] | undefined = options.snapshots ? [] : undefined;
  if (snapshots && !env.snapshot) throw new TypeError(`sampleEpisodes: ${env.spec.id} has no snapshot()`);
  for (let k = 0; episodes === undefined ? builder.numSteps < minSteps : k < episodes; k++) {
    rolloutEpisode(env, policy, rng, firstEpisode + k, builder, snapshots);
  }
  return builder.build(snapshots);
}

/** One branch of the vine (§5.2): where it starts and the action it takes first. */
export interface BranchJob {
  /** The exact env state to restore (taken before the step the branch replaces). */
  readonly snapshot: EnvState;
  readonly firstAction: Float64Array;
  /**
   * The noise stream of the policy's later actions. Give the K branches from one state the same
   * stream for common random numbers.
   */
  readonly noise: RngState;
}

export interface BranchTrace {
  /** Discounted return of the branch. */
  readonly q: number;
  readonly steps: number;
}

/**
 * One branch rollout (§5.2): restore `job.snapshot`, take `job.firstAction`, then act with
 * `policy`, drawing its noise from a fresh copy of `job.noise`, for at most `length` steps in all
 * (cut at a termination or the horizon, nothing bootstrapped). `onAction(t, action, observation)`
 * sees every action taken.
 */
export function branchRollout(
  env: Env,
  policy: GaussianMlp,
  job: BranchJob,
  length: number,
  gamma: number,
  onAction?: (t: number, action: Float64Array, observation: Float64Array | null) => void,
): BranchTrace {
  env.restore!(job.snapshot);
  const noise = Rng.fromState(job.noise);
  let action: Float64Array = Float64Array.from(job.firstAction);
  let q = 0;
  let discount = 1;
  let t = 0;
  onAction?.(0, action, null);
  while (t < length) {
    const r = env.step(action);
    q += discount * r.reward;
    discount *= gamma;
    t++;
    if (r.terminated || r.truncated || t >= length) break;
    action = policy.act(r.observation, noise);
    onAction?.(t, action, r.observation);
  }
  return { q, steps: t };
}
