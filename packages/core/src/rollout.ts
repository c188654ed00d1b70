/**
 * Single-path sampling (§5.1): roll out the current policy for whole episodes.
 */
import type { Env, EnvState } from './env.js';
import type { GaussianPolicy } from './policy.js';
import type { Rng } from './rng.js';
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
 * Rolls out `policy` in `env`. Episode k draws its reset seed and its action noise from its own
 * stream `rng.splitIndex('episode', firstEpisode + k)`, so an episode's randomness does not depend
 * on how many steps earlier episodes took, nor on which worker runs it. Episodes always run to
 * termination or the horizon; the batch may overshoot `minSteps` by less than one horizon.
 */
export function sampleEpisodes(
  env: Env,
  policy: GaussianPolicy,
  rng: Rng,
  options: SampleOptions,
): TrajectoryBatch {
  const { minSteps = 0, episodes, firstEpisode = 0 } = options;
  if (episodes === undefined && !(minSteps > 0)) {
    throw new RangeError(`sampleEpisodes: minSteps must be positive, got ${minSteps}`);
  }
  const obsDim = env.spec.observationSpace.shape[0];
  const builder = new TrajectoryBuilder(obsDim, policy.actDim);
  const action = new Float64Array(policy.actDim);
  const snapshots: EnvState[] | undefined = options.snapshots ? [] : undefined;
  if (snapshots && !env.snapshot) throw new TypeError(`sampleEpisodes: ${env.spec.id} has no snapshot()`);
  for (let k = 0; episodes === undefined ? builder.numSteps < minSteps : k < episodes; k++) {
    const episodeRng = rng.splitIndex('episode', firstEpisode + k);
    let obs = env.reset(episodeRng.seed31());
    for (;;) {
      if (snapshots) snapshots.push(env.snapshot!());
      policy.act(obs, episodeRng, action);
      const r = env.step(action);
      builder.push(obs, action, r.reward);
      obs = r.observation;
      if (r.terminated || r.truncated) {
        builder.endEpisode(r.terminated, !r.terminated);
        break;
      }
    }
  }
  return builder.build(snapshots);
}
