/**
 * RolloutPool: a trial's sampler. It runs whole episodes of the current policy (single path, §5.1),
 * black-box evaluations of candidate parameters (CEM, CMA) and vine branch rollouts (§5.2) in this
 * thread (0 workers) or over W worker threads, each with its own env and a float64 copy of the
 * policy network.
 *
 * Results do not depend on W, failures included: each request is a round of indexed items that
 * threads claim in order (rollout-rounds.ts says how). An exception in an item is thrown as one
 * thread running the items in order would have thrown it: errors from workers are rebuilt as the
 * same class with the same message, and the pool stays usable.
 *
 * Workers build their envs from the built-in registry by id; a custom registry works in-thread only.
 */
import type {
  BranchJob,
  BranchTrace,
  Env,
  EnvOptions,
  EnvSpec,
  GaussianPolicyConfig,
  TrajectoryBatch,
} from '@policy-arena/core';
import { GaussianMlp, Rng } from '@policy-arena/core/env';
import { defaultEnvRegistry } from './registry.js';
import type { EnvRegistry } from './registry.js';
import { reviveError } from './errors.js';
import type { SerializedError } from './errors.js';
import {
  COUNTER_SLOTS,
  firstFailure,
  mergeEpisodes,
  roundLimit,
  runBranchClaims,
  runEpisodeClaims,
} from './rollout-rounds.js';
import type {
  BranchPart,
  BranchRound,
  Claims,
  EpisodePart,
  EpisodeRound,
  ItemFailure,
  RolloutReply,
  RolloutRequest,
} from './rollout-rounds.js';
import { WorkerGroup, startWorkers } from './worker-group.js';

export interface RolloutPoolOptions {
  /** A registered env id, e.g. `hopper-v1`. */
  readonly envId: string;
  /** The policy network acting in the envs (its parameters are sent with every request). */
  readonly policy: GaussianPolicyConfig;
  /** Worker threads; 0 (the default) runs everything in the calling thread. */
  readonly numWorkers?: number;
  readonly envOptions?: EnvOptions;
  /** A registry for in-thread use (numWorkers 0) only; workers always use the built-in one. */
  readonly registry?: EnvRegistry;
}

type PoolWorkers = WorkerGroup<RolloutRequest, RolloutReply>;

export class RolloutPool {
  readonly spec: EnvSpec;
  /** Worker threads in use (0: in-thread). */
  readonly numWorkers: number;
  readonly obsDim: number;
  readonly actDim: number;
  private readonly local: { env: Env; policy: GaussianMlp } | undefined;
  private readonly group: PoolWorkers | undefined;
  private busy = false;
  private closed = false;
  private workerCpu = 0;

  private constructor(
    spec: EnvSpec,
    actDim: number,
    backend: { env: Env; policy: GaussianMlp } | { group: PoolWorkers },
  ) {
    this.spec = spec;
    this.obsDim = spec.observationSpace.shape[0];
    this.actDim = actDim;
    this.local = 'env' in backend ? backend : undefined;
    this.group = 'group' in backend ? backend.group : undefined;
    this.numWorkers = this.group?.handles.length ?? 0;
  }

  static async create(options: RolloutPoolOptions): Promise<RolloutPool> {
    const w = options.numWorkers ?? 0;
    if (!Number.isInteger(w) || w < 0) {
      throw new RangeError(`RolloutPool: numWorkers must be a non-negative integer, got ${w}`);
    }
    const policy = new GaussianMlp(options.policy);
    if (w === 0) {
      const env = await (options.registry ?? defaultEnvRegistry).make(options.envId, options.envOptions);
      checkPolicyFits(env.spec, policy);
      return new RolloutPool(env.spec, policy.actDim, { env, policy });
    }
    if (options.registry && options.registry !== defaultEnvRegistry) {
      throw new TypeError(
        'RolloutPool: a custom env registry works only in-thread (numWorkers 0); workers build the built-in envs',
      );
    }
    defaultEnvRegistry.get(options.envId); // an unknown id fails here, before any thread starts
    const handles = startWorkers<RolloutRequest, RolloutReply>('rollout-worker', w, (k) => ({
      start: 0,
      count: 0,
      label: `sampler worker ${k}`,
    }));
    const group: PoolWorkers = new WorkerGroup(`RolloutPool(${options.envId})`, handles);
    try {
      const replies = await group.all(() => ({
        type: 'init',
        envId: options.envId,
        envOptions: options.envOptions,
        policy: policy.config,
      }));
      const spec = (replies[0] as { spec: EnvSpec }).spec;
      checkPolicyFits(spec, policy);
      group.started = true;
      return new RolloutPool(spec, policy.actDim, { group });
    } catch (e) {
      await group.terminate();
      throw e;
    }
  }

  private async exclusive<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.group?.failure)
      throw new Error(
        `RolloutPool(${this.spec.id}): ${what} after a failure (${this.group.failure.message})`,
      );
    if (this.closed) throw new Error(`RolloutPool(${this.spec.id}): ${what} after close()`);
    if (this.busy) throw new Error(`RolloutPool(${this.spec.id}): ${what} while another call is in flight`);
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  /**
   * Sends one round to every worker with a fresh shared claim counter; the workers' parts, with
   * their item errors rebuilt in this thread.
   */
  private async onWorkers<Part extends { failure?: ItemFailure }>(
    request: (counter: SharedArrayBuffer) => RolloutRequest,
  ): Promise<Part[]> {
    const req = request(new SharedArrayBuffer(4 * COUNTER_SLOTS));
    const replies = await this.group!.all(() => req);
    return replies.map((r) => {
      const reply = r as unknown as { part: Part; cpuSeconds: number };
      this.workerCpu += reply.cpuSeconds;
      const { failure } = reply.part;
      if (!failure) return reply.part;
      return {
        ...reply.part,
        failure: { index: failure.index, error: reviveError(failure.error as SerializedError) },
      };
    });
  }

  private async episodes(round: EpisodeRound): Promise<TrajectoryBatch> {
    const parts = await this.exclusive('sampling', async () => {
      if (this.local) {
        let next = 0;
        let steps = 0;
        const limit = roundLimit(round);
        const claims: Claims = {
          claim: () => ((round.minSteps > 0 ? steps < round.minSteps : next < limit) ? next++ : -1),
          done: (s) => (steps += s),
          stop: () => undefined, // the loop ends at its failure; no other thread claims
        };
        return [runEpisodeClaims(this.local.env, this.local.policy, round, claims)];
      }
      return this.onWorkers<EpisodePart>((counter) => ({ type: 'episodes', round, counter }));
    });
    return mergeEpisodes(parts, round.minSteps, this.obsDim, this.actDim);
  }

  /**
   * Whole episodes of π_θ, episodes firstEpisode, firstEpisode + 1, … of `rng`'s round, until at
   * least `minSteps` steps are collected — the same batch for any number of workers.
   */
  async sample(
    params: Float64Array,
    rng: Rng,
    options: { minSteps: number; firstEpisode?: number; snapshots?: boolean },
  ): Promise<TrajectoryBatch> {
    if (!(options.minSteps > 0))
      throw new RangeError(`RolloutPool.sample: minSteps must be positive, got ${options.minSteps}`);
    return this.episodes({
      params: [params],
      rng: rng.state(),
      firstEpisode: options.firstEpisode ?? 0,
      minSteps: options.minSteps,
      episodes: 0,
      episodesPerCandidate: 1,
      snapshots: options.snapshots ?? false,
    });
  }

  /**
   * `episodes` episodes of each candidate θ_c: candidate c runs episodes firstEpisode + c·episodes,
   * …, + (c + 1)·episodes − 1 of `rng`'s round. One batch per candidate.
   */
  async evaluate(
    candidates: readonly Float64Array[],
    rng: Rng,
    options: { episodes: number; firstEpisode?: number },
  ): Promise<TrajectoryBatch[]> {
    const e = options.episodes;
    if (!Number.isInteger(e) || e < 1)
      throw new RangeError(`RolloutPool.evaluate: episodes must be a positive integer, got ${e}`);
    if (candidates.length === 0) return [];
    const all = await this.episodes({
      params: candidates,
      rng: rng.state(),
      firstEpisode: options.firstEpisode ?? 0,
      minSteps: 0,
      episodes: e * candidates.length,
      episodesPerCandidate: e,
      snapshots: false,
    });
    return candidates.map((_, c) => sliceEpisodes(all, c * e, (c + 1) * e));
  }

  /** Vine branch rollouts (§5.2) from π_θ; trace j belongs to `jobs[j]`. */
  async branches(
    params: Float64Array,
    jobs: readonly BranchJob[],
    options: { length: number; gamma: number },
  ): Promise<BranchTrace[]> {
    const round: BranchRound = { params, jobs, length: options.length, gamma: options.gamma };
    const parts = await this.exclusive('branch rollouts', async () => {
      if (this.local) {
        let next = 0;
        const claims: Claims = {
          claim: () => (next < jobs.length ? next++ : -1),
          done: () => undefined,
          stop: () => undefined,
        };
        return [runBranchClaims(this.local.env, this.local.policy, round, claims)];
      }
      return this.onWorkers<BranchPart>((counter) => ({ type: 'branches', round, counter }));
    });
    const failure = firstFailure(parts);
    if (failure) throw failure.error;
    const traces: (BranchTrace | undefined)[] = new Array(jobs.length);
    for (const p of parts) p.indices.forEach((j, i) => (traces[j] = { q: p.q[i]!, steps: p.steps[i]! }));
    return traces.map((t, j) => {
      if (!t) throw new Error(`RolloutPool: branch ${j} is missing`);
      return t;
    });
  }

  /**
   * CPU seconds the worker threads have spent on this pool's requests so far (0 in-thread, where the
   * calling thread's own CPU time holds the work; NaN where threads' CPU time cannot be read).
   */
  get workerCpuSeconds(): number {
    return this.workerCpu;
  }

  /** Closes the envs and stops the workers. Safe to call twice, and after a failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.local?.env.close();
    await this.group?.close({ type: 'close' });
  }
}

function checkPolicyFits(spec: EnvSpec, policy: GaussianMlp): void {
  const act = spec.actionSpace;
  if (act.kind !== 'box')
    throw new TypeError(
      `RolloutPool: ${spec.id} has a discrete action space; the Gaussian policy needs a box`,
    );
  if (spec.observationSpace.shape[0] !== policy.obsDim || act.shape[0] !== policy.actDim) {
    throw new RangeError(
      `RolloutPool: the policy maps ${policy.obsDim} observations to ${policy.actDim} actions, ` +
        `but ${spec.id} has ${spec.observationSpace.shape[0]} and ${act.shape[0]}`,
    );
  }
}

/** Episodes [from, to) of a batch, as a batch of their own. */
function sliceEpisodes(batch: TrajectoryBatch, from: number, to: number): TrajectoryBatch {
  const eps = batch.episodes.slice(from, to);
  const start = eps[0]!.start;
  const end = eps[eps.length - 1]!.start + eps[eps.length - 1]!.length;
  const { obsDim, actDim } = batch;
  return {
    obsDim,
    actDim,
    numSteps: end - start,
    observations: batch.observations.slice(start * obsDim, end * obsDim),
    actions: batch.actions.slice(start * actDim, end * actDim),
    rewards: batch.rewards.slice(start, end),
    episodes: eps.map((ep) => ({ ...ep, start: ep.start - start })),
  };
}
