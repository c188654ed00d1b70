/**
 * Rounds: the items (episodes, vine branches) of one RolloutPool request, how threads claim them,
 * and how their parts are merged back. Both sides use it: the pool in the calling thread and
 * rollout-worker.ts in each worker thread, so the claiming loop is the same code everywhere.
 *
 * Results do not depend on the thread count W. Work is split into items with fixed indices —
 * episode k of a round, branch j — and each item's randomness comes from its index alone (episode
 * k: the stream `rng.splitIndex('episode', k)` for its reset seed and action noise; branch j: its
 * own noise stream), so it is the same whichever thread runs it. Threads claim items in index order
 * from a shared counter (Atomics). For "at least minSteps steps", a thread stops claiming once the
 * finished episodes hold minSteps steps; every claimed episode is finished, so the claimed prefix
 * 0..C−1 holds at least minSteps steps, and the batch is the shortest prefix 0..K−1 that does —
 * exactly what one thread running episodes 0, 1, 2, … in order collects. Episodes past K (at most
 * one per thread in flight) are dropped unseen.
 *
 * Errors are part of the result too. An exception in an item (a SimulationDivergedError, a NaN
 * action) ends that thread's claiming and stops the others from claiming more; every item below it
 * was already claimed and is finished. The round then throws the error of the lowest failed item —
 * unless, with minSteps, the episodes before it already hold minSteps steps (then one thread in
 * order would never have run it, and the batch is returned as usual).
 */
import type {
  BranchJob,
  BranchTrace,
  Env,
  EnvOptions,
  EnvSpec,
  EnvState,
  GaussianPolicyConfig,
  RngState,
  TrajectoryBatch,
} from '@policy-arena/core';
import { GaussianMlp, Rng, TrajectoryBuilder, branchRollout, rolloutEpisode } from '@policy-arena/core/env';
import type { ErrorReply } from './worker-group.js';

/** What one round of episodes asks for; see `RolloutPool.sample` and `RolloutPool.evaluate`. */
export interface EpisodeRound {
  /** θ for every episode, or one θ per group of `episodesPerCandidate` episodes. */
  readonly params: readonly Float64Array[];
  readonly rng: RngState;
  /** Index of the round's first episode: episode k of the round uses stream `episode#(first + k)`. */
  readonly firstEpisode: number;
  /** Stop once the finished episodes hold this many steps (0: run exactly `episodes`). */
  readonly minSteps: number;
  /** With minSteps 0: the number of episodes. */
  readonly episodes: number;
  /** With several θ: episodes per θ (episode k uses θ number ⌊k / episodesPerCandidate⌋). */
  readonly episodesPerCandidate: number;
  readonly snapshots: boolean;
}

export interface BranchRound {
  readonly params: Float64Array;
  readonly jobs: readonly BranchJob[];
  readonly length: number;
  readonly gamma: number;
}

/**
 * The item (episode or branch index) at which a thread's env or policy threw, and the error: the
 * Error itself in the calling thread, a SerializedError on its way back from a worker.
 */
export interface ItemFailure {
  readonly index: number;
  readonly error: unknown;
}

/** What one thread ran of a round: the indices of its episodes, in the order of its batch. */
export interface EpisodePart {
  readonly indices: Int32Array;
  readonly batch: TrajectoryBatch;
  readonly failure?: ItemFailure;
}

export interface BranchPart {
  readonly indices: Int32Array;
  readonly q: Float64Array;
  readonly steps: Int32Array;
  readonly failure?: ItemFailure;
}

export type RolloutRequest =
  | { type: 'init'; envId: string; envOptions: EnvOptions | undefined; policy: GaussianPolicyConfig }
  | { type: 'episodes'; round: EpisodeRound; counter: SharedArrayBuffer }
  | { type: 'branches'; round: BranchRound; counter: SharedArrayBuffer }
  | { type: 'close' };

export type RolloutReply =
  | { type: 'ready'; spec: EnvSpec }
  | { type: 'episodes'; part: EpisodePart; cpuSeconds: number }
  | { type: 'branches'; part: BranchPart; cpuSeconds: number }
  | { type: 'ok' }
  | ErrorReply;

/** How a thread takes work from a round. */
export interface Claims {
  /** The next item index, or -1 when there is no more work. */
  claim(): number;
  /** Reports a finished episode's length. */
  done(steps: number): void;
  /** After a failed item: no thread claims anything more. */
  stop(): void;
}

/**
 * Runs claimed episodes of a round in `env` (the loop every thread runs, the calling one included),
 * until there is no more work or an episode throws (see the module comment).
 */
export function runEpisodeClaims(
  env: Env,
  policy: GaussianMlp,
  round: EpisodeRound,
  claims: Claims,
): EpisodePart {
  const builder = new TrajectoryBuilder(env.spec.observationSpace.shape[0], policy.actDim);
  const snapshots: EnvState[] | undefined = round.snapshots ? [] : undefined;
  if (snapshots && !env.snapshot) throw new TypeError(`${env.spec.id} has no snapshot()`);
  const rng = Rng.fromState(round.rng);
  const indices: number[] = [];
  let current = -1;
  let failure: ItemFailure | undefined;
  for (let k = claims.claim(); k >= 0; k = claims.claim()) {
    const which = round.params.length === 1 ? 0 : Math.floor(k / round.episodesPerCandidate);
    const before = builder.numSteps;
    try {
      // Inside the try: a candidate that setParams refuses (NaN θ) is a failure of its first episode.
      if (which !== current) {
        policy.setParams(round.params[which]!);
        current = which;
      }
      rolloutEpisode(env, policy, rng, round.firstEpisode + k, builder, snapshots);
    } catch (error) {
      builder.discardEpisode();
      if (snapshots) snapshots.length = builder.numSteps;
      failure = { index: k, error };
      claims.stop();
      break;
    }
    indices.push(k);
    claims.done(builder.numSteps - before);
  }
  const part = { indices: Int32Array.from(indices), batch: builder.build(snapshots) };
  return failure ? { ...part, failure } : part;
}

/** Runs claimed branches of a round in `env`, until there is no more work or a branch throws. */
export function runBranchClaims(
  env: Env,
  policy: GaussianMlp,
  round: BranchRound,
  claims: Claims,
): BranchPart {
  if (!env.restore) throw new TypeError(`${env.spec.id} has no restore()`);
  const indices: number[] = [];
  const q: number[] = [];
  const steps: number[] = [];
  let failure: ItemFailure | undefined;
  let paramsSet = false;
  for (let j = claims.claim(); j >= 0; j = claims.claim()) {
    let trace: BranchTrace;
    try {
      // Inside the try: θ that setParams refuses fails every thread's first branch, and branch 0 wins.
      if (!paramsSet) {
        policy.setParams(round.params);
        paramsSet = true;
      }
      trace = branchRollout(env, policy, round.jobs[j]!, round.length, round.gamma);
    } catch (error) {
      failure = { index: j, error };
      claims.stop();
      break;
    }
    indices.push(j);
    q.push(trace.q);
    steps.push(trace.steps);
  }
  const part = { indices: Int32Array.from(indices), q: Float64Array.from(q), steps: Int32Array.from(steps) };
  return failure ? { ...part, failure } : part;
}

/** Int32 slots of the counter shared by the threads of one round. */
export const COUNTER_SLOTS = 3;

/**
 * Counter layout shared by the threads of one round: [next item to claim, finished steps, stopped].
 * Claims stop at `limit` items, once an item failed, or (minSteps > 0) once the finished steps reach
 * minSteps.
 */
export function atomicClaims(counter: Int32Array, limit: number, minSteps: number): Claims {
  return {
    claim: () => {
      if (Atomics.load(counter, 2) !== 0) return -1;
      if (minSteps > 0 && Atomics.load(counter, 1) >= minSteps) return -1;
      const k = Atomics.add(counter, 0, 1);
      return k < limit ? k : -1;
    },
    done: (s) => {
      Atomics.add(counter, 1, s);
    },
    stop: () => {
      Atomics.store(counter, 2, 1);
    },
  };
}

/** The failure of the lowest item among the threads' parts, if any failed. */
export function firstFailure(parts: readonly { failure?: ItemFailure }[]): ItemFailure | undefined {
  let first: ItemFailure | undefined;
  for (const p of parts) if (p.failure && (!first || p.failure.index < first.index)) first = p.failure;
  return first;
}

/** Items a thread may claim in an episode round: all of them, or (minSteps) until the steps suffice. */
export function roundLimit(round: EpisodeRound): number {
  return round.minSteps > 0 ? 0x7fffffff : round.episodes;
}

/**
 * The round's batch from the threads' parts: episodes in index order, and with minSteps the
 * shortest prefix that holds minSteps steps (see the module comment). Throws the lowest failed
 * episode's error when the batch would need that episode.
 */
export function mergeEpisodes(
  parts: readonly EpisodePart[],
  minSteps: number,
  obsDim: number,
  actDim: number,
): TrajectoryBatch {
  const order: { index: number; part: number; episode: number }[] = [];
  parts.forEach((p, part) => p.indices.forEach((index, episode) => order.push({ index, part, episode })));
  order.sort((a, b) => a.index - b.index);
  const failure = firstFailure(parts);
  if (failure && minSteps === 0) throw failure.error;
  let take = order.length;
  if (minSteps > 0) {
    let steps = 0;
    take = 0;
    while (take < order.length && steps < minSteps) {
      if (failure && take === failure.index) break;
      const o = order[take++]!;
      steps += parts[o.part]!.batch.episodes[o.episode]!.length;
    }
    if (failure && steps < minSteps) throw failure.error;
    if (steps < minSteps)
      throw new Error(`RolloutPool: the threads returned ${steps} steps, fewer than ${minSteps}`);
  }
  for (let i = 0; i < take; i++) {
    if (order[i]!.index !== i) throw new Error(`RolloutPool: episode ${i} of the round is missing`);
  }
  const chosen = order.slice(0, take);
  let numSteps = 0;
  for (const o of chosen) numSteps += parts[o.part]!.batch.episodes[o.episode]!.length;
  const withSnapshots = parts.length > 0 && parts.every((p) => p.batch.snapshots);
  const builder = {
    observations: new Float64Array(numSteps * obsDim),
    actions: new Float64Array(numSteps * actDim),
    rewards: new Float64Array(numSteps),
    episodes: [] as TrajectoryBatch['episodes'][number][],
    snapshots: [] as EnvState[],
  };
  let at = 0;
  for (const o of chosen) {
    const b = parts[o.part]!.batch;
    const ep = b.episodes[o.episode]!;
    const end = ep.start + ep.length;
    builder.observations.set(b.observations.subarray(ep.start * obsDim, end * obsDim), at * obsDim);
    builder.actions.set(b.actions.subarray(ep.start * actDim, end * actDim), at * actDim);
    builder.rewards.set(b.rewards.subarray(ep.start, end), at);
    builder.episodes.push({ ...ep, start: at });
    if (withSnapshots) for (let t = ep.start; t < end; t++) builder.snapshots.push(b.snapshots![t]!);
    at += ep.length;
  }
  return {
    obsDim,
    actDim,
    numSteps,
    observations: builder.observations,
    actions: builder.actions,
    rewards: builder.rewards,
    episodes: builder.episodes,
    ...(withSnapshots ? { snapshots: builder.snapshots } : {}),
  };
}
