/**
 * Trajectory batches: flat float64 storage of many episodes, with how each one ended.
 */
import type { EnvState } from './env.js';

export interface EpisodeInfo {
  /** Index of the episode's first step in the batch. */
  readonly start: number;
  readonly length: number;
  /** Undiscounted sum of rewards. */
  readonly return: number;
  /** Ended by the task (fall): the discounted return after the last step is exactly zero. */
  readonly terminated: boolean;
  /** Cut at the horizon (or by the sampler): the task could have gone on. */
  readonly truncated: boolean;
  /**
   * The observation the last step returned, s_T, before any reset. After a truncation the return
   * from s_T on is unknown but not zero, so a value estimate V(s_T) can stand in for it (SB3 keeps
   * it for that reason, as `terminal_observation`); it is in no row of `observations`, because no
   * action was taken in it. Set by every sampler here (`sampleEpisodes`, `RolloutPool`); absent only
   * from batches built by hand.
   */
  readonly finalObservation?: Float64Array;
  /**
   * Sums over the episode's steps of each reward term (`EnvSpec.rewardTerms`, `StepInfo`), when
   * the env reports them. Kept per episode rather than per step so that sampling stays as cheap as
   * before and a batch merged from worker threads carries them without extra arrays.
   */
  readonly rewardTerms?: Readonly<Record<string, number>>;
}

export interface TrajectoryBatch {
  readonly obsDim: number;
  readonly actDim: number;
  readonly numSteps: number;
  /** numSteps × obsDim, row-major. */
  readonly observations: Float64Array;
  /** numSteps × actDim, row-major: the sampled (pre-clipping) actions. */
  readonly actions: Float64Array;
  readonly rewards: Float64Array;
  readonly episodes: readonly EpisodeInfo[];
  /** With `snapshots: true` sampling: the env state before each step (the state sₜ was observed in). */
  readonly snapshots?: readonly EnvState[];
}

/** A float64 array that grows by doubling; `view()` is the filled part. */
class GrowableF64 {
  private data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  reserve(extra: number): Float64Array {
    if (this.length + extra > this.data.length) {
      const next = new Float64Array(Math.max(2 * this.data.length, this.length + extra));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    return this.data;
  }
  /** A copy of the filled part, exactly sized. */
  take(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Builds a batch while stepping; rows are appended one step at a time. */
export class TrajectoryBuilder {
  private readonly obs = new GrowableF64();
  private readonly act = new GrowableF64();
  private readonly rew = new GrowableF64();
  private readonly episodes: EpisodeInfo[] = [];
  private episodeStart = 0;
  private episodeReturn = 0;
  private steps = 0;

  constructor(
    readonly obsDim: number,
    readonly actDim: number,
  ) {}

  get numSteps(): number {
    return this.steps;
  }

  push(observation: ArrayLike<number>, action: ArrayLike<number>, reward: number): void {
    if (observation.length !== this.obsDim || action.length !== this.actDim) {
      throw new RangeError(
        `TrajectoryBuilder.push: got observation of ${observation.length} and action of ${action.length} entries, expected ${this.obsDim} and ${this.actDim}`,
      );
    }
    const o = this.obs.reserve(this.obsDim);
    for (let i = 0; i < this.obsDim; i++) o[this.obs.length + i] = observation[i]!;
    this.obs.length += this.obsDim;
    const a = this.act.reserve(this.actDim);
    for (let i = 0; i < this.actDim; i++) a[this.act.length + i] = action[i]!;
    this.act.length += this.actDim;
    this.rew.reserve(1)[this.rew.length++] = reward;
    this.episodeReturn += reward;
    this.steps++;
  }

  /** `finalObservation` is kept as given (not copied): pass an array nothing else writes to. */
  endEpisode(
    terminated: boolean,
    truncated: boolean,
    finalObservation?: Float64Array,
    rewardTerms?: Readonly<Record<string, number>>,
  ): void {
    const length = this.steps - this.episodeStart;
    if (length === 0) throw new Error('TrajectoryBuilder.endEpisode: the episode has no steps');
    if (terminated === truncated) {
      throw new Error('TrajectoryBuilder.endEpisode: exactly one of terminated and truncated must be true');
    }
    if (finalObservation && finalObservation.length !== this.obsDim) {
      throw new RangeError(
        `TrajectoryBuilder.endEpisode: the final observation has ${finalObservation.length} entries, expected ${this.obsDim}`,
      );
    }
    const episode: { -readonly [K in keyof EpisodeInfo]: EpisodeInfo[K] } = {
      start: this.episodeStart,
      length,
      return: this.episodeReturn,
      terminated,
      truncated,
    };
    // Added, not spread in: episodes can be a few steps long, and spreading is the slower path.
    if (finalObservation) episode.finalObservation = finalObservation;
    if (rewardTerms) episode.rewardTerms = rewardTerms;
    this.episodes.push(episode);
    this.episodeStart = this.steps;
    this.episodeReturn = 0;
  }

  /**
   * Drops the steps of the episode in progress, e.g. one that an env error cut short, so that the
   * episodes before it can still be built into a batch.
   */
  discardEpisode(): void {
    const dropped = this.steps - this.episodeStart;
    this.obs.length -= dropped * this.obsDim;
    this.act.length -= dropped * this.actDim;
    this.rew.length -= dropped;
    this.steps = this.episodeStart;
    this.episodeReturn = 0;
  }

  build(snapshots?: readonly EnvState[]): TrajectoryBatch {
    if (this.episodeStart !== this.steps)
      throw new Error('TrajectoryBuilder.build: the last episode has not ended');
    return {
      obsDim: this.obsDim,
      actDim: this.actDim,
      numSteps: this.steps,
      observations: this.obs.take(),
      actions: this.act.take(),
      rewards: this.rew.take(),
      episodes: this.episodes.slice(),
      ...(snapshots ? { snapshots } : {}),
    };
  }
}

/**
 * Discounted reward-to-go Q̂_t = Σ_{k=t}^{T-1} γ^{k-t} r_k within each episode — the single-path
 * Q estimate of §5.1.
 *
 * After a termination the tail is exactly zero, so nothing is bootstrapped. At a truncation the
 * true tail is unknown; by default it is taken as zero too (the paper's estimator has no value
 * function), which biases Q̂ low over the last ~1/(1-γ) steps before the horizon. Pass
 * `truncatedTail(episode, finalObservation)` to bootstrap truncated episodes instead: it gets
 * s_T, the observation after the last step (undefined only in a batch built by hand without it),
 * and returns the tail's estimate, e.g. V(s_T), so that Q̂_{T−1} = r_{T−1} + γ·V(s_T) — what SB3
 * adds to the last reward on `TimeLimit.truncated` (Pardo et al. 2018, "Time Limits in
 * Reinforcement Learning").
 */
export function discountedReturns(
  batch: Pick<TrajectoryBatch, 'rewards' | 'episodes' | 'numSteps'>,
  gamma: number,
  truncatedTail?: (episode: EpisodeInfo, finalObservation: Float64Array | undefined) => number,
): Float64Array {
  if (!(gamma >= 0 && gamma <= 1))
    throw new RangeError(`discountedReturns: gamma must be in [0, 1], got ${gamma}`);
  const out = new Float64Array(batch.numSteps);
  for (const ep of batch.episodes) {
    let acc = ep.truncated && truncatedTail ? truncatedTail(ep, ep.finalObservation) : 0;
    for (let t = ep.start + ep.length - 1; t >= ep.start; t--) {
      acc = batch.rewards[t]! + gamma * acc;
      out[t] = acc;
    }
  }
  return out;
}
