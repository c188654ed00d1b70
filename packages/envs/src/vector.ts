/**
 * VectorEnv: N environments of one task, stepped together, in this thread (0 workers) or spread over
 * W worker threads (node:worker_threads). The caller acts for all N at once: `step` takes an
 * N × actDim action matrix (row i for sub-env i) and returns N × obsDim observations, N rewards and
 * N terminated/truncated flags, so a policy runs one batched forward per step.
 *
 * - Buffers: one Float64Array block (actions, observations, final observations, rewards, reward
 *   terms) and one Uint8Array (flags), SharedArrayBuffers when workers are used. Worker w owns the
 *   contiguous sub-envs [⌊wN/W⌋, ⌊(w+1)N/W⌋) and reads and writes only their rows; messages carry
 *   commands.
 * - Reward terms: what each sub-env's step returned in `info.rewardTerms`, as Gymnasium's vector
 *   envs return infos: `info.rewardTerms[name]` holds N values, entry i for sub-env i. A step-wise
 *   `info` object per sub-env would allocate N objects a step and could not cross from a worker
 *   without a copy; the terms are declared up front (`EnvSpec.rewardTerms`), so they get N-value
 *   columns in the shared buffers like the rewards.
 * - Auto-reset: when sub-env i ends (terminated or truncated), its next episode starts in the same
 *   call: `observations` row i is the new episode's first observation, `finalObservations` row i the
 *   observation the step produced (bootstrap a truncated episode from it).
 * - Seeding: `reset(seed)` starts sub-env i with `env.reset(subEnvSeed(seed, i))`, a function of the
 *   seed and the index i only; its later episodes continue that env's own stream. Nothing depends on
 *   which worker runs a sub-env, so rollouts are bitwise identical for every W (tested for 0, 1, 2).
 * - Errors: a wrong-size or non-finite action matrix throws a RangeError before anything runs. A
 *   failure inside a worker (an exception, a crash, an exit) rejects the pending call with a message
 *   naming the worker and its sub-envs, terminates the other workers, and makes later calls throw;
 *   in-thread, the env's own error is thrown and later calls throw too (the sub-envs may be half
 *   stepped).
 * - Worker entry: in the built package `dist/vector-worker.js`. When this module runs from its
 *   TypeScript source (vitest, which resolves packages to `src/` through the "source" export
 *   condition), workers start through `scripts/source-worker.mjs`, which registers a small Node module
 *   hook (`scripts/ts-hooks.mjs`: `.ts` transpiled with the workspace's `typescript`, the "source"
 *   condition added) and imports `src/vector-worker.ts`. That path is for development only and is not
 *   published.
 */
import type { EnvSpec, EnvState } from '@policy-arena/core';
import { EnvBlock, allocateMemory, termCount, viewMemory } from './vector-block.js';
import type { VectorBuffers, VectorMemory } from './vector-block.js';
import type { WorkerReply, WorkerRequest } from './vector-protocol.js';
import type { SubEnvSnapshot, VectorEnvOptions, VectorStepInfo, VectorStepResult } from './vector-types.js';
import { defaultEnvRegistry } from './registry.js';
import { WorkerGroup, startWorkers } from './worker-group.js';
import type { WorkerHandle } from './worker-group.js';

export { subEnvSeed } from './vector-block.js';
export type { SubEnvSnapshot, VectorEnvOptions, VectorStepInfo, VectorStepResult } from './vector-types.js';

type VectorWorkers = WorkerGroup<WorkerRequest, WorkerReply>;
type VectorWorker = WorkerHandle<WorkerRequest, WorkerReply>;

export class VectorEnv {
  readonly spec: EnvSpec;
  readonly numEnvs: number;
  /** Worker threads in use (0: in-thread). */
  readonly numWorkers: number;
  readonly obsDim: number;
  readonly actDim: number;
  /**
   * The shared action matrix (N × actDim). `step(actions)` copies into it; writing into it and
   * calling `step(vec.actions)` saves the copy.
   */
  readonly actions: Float64Array;

  private readonly buffers: VectorBuffers;
  /** Views of `buffers.rewardTerms`, one per term, made once. */
  private readonly info: VectorStepInfo;
  /** In-thread mode: the envs. */
  private readonly block: EnvBlock | undefined;
  /** Worker mode: the threads. */
  private readonly group: VectorWorkers | undefined;
  private seed = 0;
  private started = false;
  private busy = false;
  private closed = false;
  private localFailure: Error | undefined;

  private constructor(
    spec: EnvSpec,
    numEnvs: number,
    buffers: VectorBuffers,
    backend: { block: EnvBlock } | { group: VectorWorkers },
  ) {
    this.spec = spec;
    this.numEnvs = numEnvs;
    this.buffers = buffers;
    this.block = 'block' in backend ? backend.block : undefined;
    this.group = 'group' in backend ? backend.group : undefined;
    this.numWorkers = this.group?.handles.length ?? 0;
    this.obsDim = spec.observationSpace.shape[0];
    const act = spec.actionSpace;
    this.actDim = act.kind === 'box' ? act.shape[0] : 1;
    this.actions = buffers.actions;
    const names = spec.rewardTerms;
    const terms: Record<string, Float64Array> = {};
    names?.forEach((name, j) => (terms[name] = buffers.rewardTerms.subarray(j * numEnvs, (j + 1) * numEnvs)));
    this.info = names ? { rewardTerms: terms } : {};
  }

  static async create(options: VectorEnvOptions): Promise<VectorEnv> {
    const n = options.numEnvs;
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`VectorEnv: numEnvs must be a positive integer, got ${n}`);
    }
    const requested = options.numWorkers ?? 0;
    if (!Number.isInteger(requested) || requested < 0) {
      throw new RangeError(`VectorEnv: numWorkers must be a non-negative integer, got ${requested}`);
    }
    const w = Math.min(requested, n);
    if (w === 0) {
      const block = await EnvBlock.create(options.envId, options.envOptions, 0, n, options.registry);
      const { obsDim, actDim } = block;
      const terms = termCount(block.spec);
      const buffers = viewMemory(allocateMemory(n, obsDim, actDim, terms, false), n, obsDim, actDim, terms);
      block.attach(buffers);
      return new VectorEnv(block.spec, n, buffers, { block });
    }
    if (options.registry) {
      throw new TypeError(
        'VectorEnv: a custom registry works only in-thread (numWorkers 0); workers use the built-in envs',
      );
    }
    defaultEnvRegistry.get(options.envId); // an unknown id fails here, before any thread starts

    const handles = startWorkers<WorkerRequest, WorkerReply>('vector-worker', w, (k) => {
      const start = Math.floor((k * n) / w);
      const end = Math.floor(((k + 1) * n) / w);
      return { start, count: end - start, label: `worker ${k} (sub-envs ${start}..${end - 1})` };
    });
    const group: VectorWorkers = new WorkerGroup(`VectorEnv(${options.envId})`, handles);
    try {
      const replies = await group.all((h) => ({
        type: 'init',
        envId: options.envId,
        envOptions: options.envOptions,
        start: h.start,
        count: h.count,
      }));
      const spec = (replies[0] as { spec: EnvSpec }).spec;
      const obsDim = spec.observationSpace.shape[0];
      const actDim = spec.actionSpace.kind === 'box' ? spec.actionSpace.shape[0] : 1;
      const terms = termCount(spec);
      const memory: VectorMemory = allocateMemory(n, obsDim, actDim, terms, true);
      await group.all(() => ({ type: 'attach', memory, numEnvs: n, obsDim, actDim, terms }));
      group.started = true;
      return new VectorEnv(spec, n, viewMemory(memory, n, obsDim, actDim, terms), { group });
    } catch (e) {
      await group.terminate();
      throw e;
    }
  }

  private checkUsable(what: string): void {
    const failure = this.group?.failure ?? this.localFailure;
    if (failure) throw new Error(`VectorEnv(${this.spec.id}): ${what} after a failure (${failure.message})`);
    if (this.closed) throw new Error(`VectorEnv(${this.spec.id}): ${what} after close()`);
    if (this.busy) throw new Error(`VectorEnv(${this.spec.id}): ${what} while another call is in flight`);
  }

  /** A RangeError naming the first non-finite entry in the action rows [first, first + count). */
  private checkActions(actions: Float64Array, first: number, count: number): void {
    for (let k = first * this.actDim; k < (first + count) * this.actDim; k++) {
      if (!Number.isFinite(actions[k]!)) {
        const i = Math.floor(k / this.actDim);
        throw new RangeError(
          `VectorEnv(${this.spec.id}): action of sub-env ${i}, entry ${k - i * this.actDim}, is ${actions[k]}`,
        );
      }
    }
  }

  /** Runs a command on the in-thread block, or on every worker (the request may depend on the worker). */
  private async run(
    what: string,
    req: (h: VectorWorker) => WorkerRequest,
    local: (block: EnvBlock) => void,
  ): Promise<WorkerReply[]> {
    this.checkUsable(what);
    this.busy = true;
    try {
      if (this.block) {
        try {
          local(this.block);
        } catch (e) {
          // as with workers, a failure mid-call leaves the sub-envs in an unknown state: stop here
          this.localFailure = new Error(`in-thread ${what} failed: ${String(e)}`);
          throw e;
        }
        return [];
      }
      return await this.group!.all(req);
    } finally {
      this.busy = false;
    }
  }

  /** The current observations (N × obsDim), a live view. */
  get observations(): Float64Array {
    return this.buffers.observations;
  }

  /**
   * Starts a first episode in every sub-env: sub-env i from `subEnvSeed(seed, i)`. Without a seed,
   * the last one is used again (0 at first), so `reset()` twice gives the same start.
   */
  async reset(seed?: number): Promise<Float64Array> {
    if (seed !== undefined) {
      if (!Number.isSafeInteger(seed)) {
        throw new RangeError(`VectorEnv.reset: seed must be a safe integer, got ${seed}`);
      }
      this.seed = seed;
    }
    const s = this.seed;
    await this.run(
      'reset()',
      () => ({ type: 'reset', seed: s }),
      (b) => b.reset(s),
    );
    this.started = true;
    return this.buffers.observations;
  }

  /** Steps every sub-env with its row of `actions` (N × actDim); see `VectorStepResult`. */
  async step(actions: Float64Array): Promise<VectorStepResult> {
    this.checkUsable('step()');
    if (!this.started) throw new Error(`VectorEnv(${this.spec.id}): step() before reset()`);
    const expected = this.numEnvs * this.actDim;
    if (actions.length !== expected) {
      throw new RangeError(
        `VectorEnv(${this.spec.id}): actions has ${actions.length} entries, ` +
          `expected ${this.numEnvs} × ${this.actDim} = ${expected}`,
      );
    }
    this.checkActions(actions, 0, this.numEnvs);
    if (actions !== this.buffers.actions) this.buffers.actions.set(actions);
    await this.run('step()', STEP, (b) => b.step());
    const { observations, finalObservations, rewards, terminated, truncated } = this.buffers;
    return { observations, finalObservations, rewards, terminated, truncated, info: this.info };
  }

  /**
   * Runs `steps` steps with the caller's policy, pipelined per worker: as soon as a worker's block
   * of sub-envs [first, first + count) has stepped, `act(first, count, observations, actions)` fills
   * that block's action rows and the worker steps again — no barrier across workers, and the policy
   * for one block runs while the other blocks step. `onStep(first, count, result)` sees each block's
   * step (rows outside the block may be mid-step: read only its rows, and copy what you keep).
   *
   * Each sub-env's trajectory depends only on its own action rows, so when `act` computes row i from
   * row i's observation (and any noise from a per-sub-env stream), results are identical for every
   * worker count, as with `step`. In-thread (0 workers) the whole vector is one block.
   */
  async rollout(
    steps: number,
    act: (first: number, count: number, observations: Float64Array, actions: Float64Array) => void,
    onStep?: (first: number, count: number, result: VectorStepResult) => void,
  ): Promise<void> {
    this.checkUsable('rollout()');
    if (!this.started) throw new Error(`VectorEnv(${this.spec.id}): rollout() before reset()`);
    if (!Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`VectorEnv.rollout: steps must be a non-negative integer, got ${steps}`);
    }
    const { observations, finalObservations, rewards, terminated, truncated, actions } = this.buffers;
    const info = this.info;
    const result: VectorStepResult = {
      observations,
      finalObservations,
      rewards,
      terminated,
      truncated,
      info,
    };
    this.busy = true;
    try {
      if (this.block) {
        for (let t = 0; t < steps; t++) {
          act(0, this.numEnvs, observations, actions);
          this.checkActions(actions, 0, this.numEnvs);
          try {
            this.block.step();
          } catch (e) {
            this.localFailure = new Error(`in-thread rollout() failed: ${String(e)}`);
            throw e;
          }
          onStep?.(0, this.numEnvs, result);
        }
        return;
      }
      const group = this.group!;
      let stopped: { error: unknown } | undefined;
      await Promise.all(
        group.handles.map(async (h) => {
          try {
            for (let t = 0; t < steps && !stopped; t++) {
              act(h.start, h.count, observations, actions);
              this.checkActions(actions, h.start, h.count);
              if (group.failure) throw group.failure;
              await h.request(STEP_REQUEST);
              onStep?.(h.start, h.count, result);
            }
          } catch (error) {
            stopped ??= { error };
          }
        }),
      );
      if (stopped) {
        // The blocks stopped at different steps: the vector env is no longer in step, refuse further use.
        this.localFailure = new Error(`rollout() stopped part-way: ${String(stopped.error)}`);
        throw stopped.error;
      }
    } finally {
      this.busy = false;
    }
  }

  /** Exact states of all sub-envs with their current observations. */
  async snapshot(): Promise<SubEnvSnapshot[]> {
    let states: EnvState[] = [];
    const replies = await this.run(
      'snapshot()',
      () => ({ type: 'snapshot' }),
      (b) => {
        states = b.snapshot();
      },
    );
    if (this.group) states = replies.flatMap((r) => (r.type === 'snapshot' ? r.states : []));
    const d = this.obsDim;
    return states.map((state, i) => ({
      state,
      observation: this.buffers.observations.slice(i * d, (i + 1) * d),
    }));
  }

  /**
   * Puts sub-env i into `snapshots[i]` (null or undefined leaves it as it is); the same snapshot may
   * go to several sub-envs (vine branching). The observations rows follow.
   */
  async restore(snapshots: readonly (SubEnvSnapshot | null | undefined)[]): Promise<void> {
    if (snapshots.length !== this.numEnvs) {
      throw new RangeError(
        `VectorEnv.restore: got ${snapshots.length} snapshots for ${this.numEnvs} sub-envs`,
      );
    }
    const d = this.obsDim;
    for (const s of snapshots) {
      if (s && (s.state.envId !== this.spec.id || s.observation.length !== d)) {
        throw new TypeError(`VectorEnv(${this.spec.id}): cannot restore a snapshot of ${s.state.envId}`);
      }
    }
    const states = snapshots.map((s) => s?.state ?? null);
    await this.run(
      'restore()',
      (h) => ({ type: 'restore', states: states.slice(h.start, h.start + h.count) }),
      (b) => b.restore(states),
    );
    snapshots.forEach((s, i) => {
      if (!s) return;
      this.buffers.observations.set(s.observation, i * d);
      this.buffers.finalObservations.set(s.observation, i * d);
      this.buffers.terminated[i] = 0;
      this.buffers.truncated[i] = 0;
    });
    this.started = true;
  }

  /** Closes every sub-env and stops the workers. Safe to call twice, and after a failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.block?.close();
    await this.group?.close({ type: 'close' });
  }
}

const STEP_REQUEST: WorkerRequest = { type: 'step' };
const STEP = (): WorkerRequest => STEP_REQUEST;
