/**
 * The environment interface: Gymnasium's API with `terminated` (the task ended: a fall, a goal)
 * and `truncated` (a time limit or another cut that is not part of the task) kept apart, because
 * the return after a termination is zero while the return after a truncation is unknown.
 */
import type { BoxSpace, Space } from './spaces.js';

export interface EnvSpec {
  /** Versioned id, e.g. `cartpole-v1`. A change to dynamics, reward or termination bumps the version. */
  readonly id: string;
  readonly observationSpace: BoxSpace;
  /** Continuous tasks take normalized actions in [-1, 1] per dimension (rllab's `normalize`). */
  readonly actionSpace: Space;
  /** Horizon: the step at which an episode is truncated. */
  readonly maxEpisodeSteps: number;
  /** Largest possible reward per step, when known (cart-pole: 10). Used only for reporting. */
  readonly maxRewardPerStep?: number;
  /** Simulated seconds per env step. */
  readonly dt?: number;
  readonly description?: string;
  /**
   * Names of the reward's terms, in the order in which they add up to the reward; when given,
   * every step's `info.rewardTerms` has exactly these keys. Declared up front (Gymnasium's info is
   * open-ended) so that a sampler can lay out per-episode sums before the first step.
   */
  readonly rewardTerms?: readonly string[];
}

/**
 * Extra facts about a step, as Gymnasium's `info` dict; nothing in it changes the dynamics.
 */
export interface StepInfo {
  /**
   * The reward split into its terms (Gymnasium's MuJoCo envs report e.g. `reward_forward` and
   * `reward_ctrl`). Costs are negative, so the terms, added in `spec.rewardTerms` order, give
   * exactly `reward`.
   */
  readonly rewardTerms?: Readonly<Record<string, number>>;
}

export interface StepResult {
  /** A fresh array owned by the caller. */
  readonly observation: Float64Array;
  readonly reward: number;
  /** The task ended (e.g. the pole fell): no reward follows, nothing to bootstrap. */
  readonly terminated: boolean;
  /** The episode was cut at the horizon: the task itself could go on. */
  readonly truncated: boolean;
  readonly info?: StepInfo;
}

/** An opaque, exact copy of an environment's state; restoring it continues bitwise identically. */
export interface EnvState {
  readonly envId: string;
  readonly data: Float64Array;
}

export interface Env {
  readonly spec: EnvSpec;
  /**
   * Starts an episode. With a seed the env's own random stream is reseeded (the same seed gives
   * the same initial state); without one it continues its stream.
   */
  reset(seed?: number): Float64Array;
  /**
   * Advances one step. Actions out of the action space's range are clipped to it (documented per
   * env); a wrong length or a non-finite entry throws a RangeError naming the entry.
   * Stepping after `terminated` or `truncated` without `reset` throws.
   */
  step(action: Float64Array): StepResult;
  /** Exact state for branching (vine) — present on every built-in env. */
  snapshot?(): EnvState;
  restore?(state: EnvState): void;
  close(): void;
}

export interface EnvOptions {
  /** Overrides the registered horizon. */
  readonly maxEpisodeSteps?: number;
}

export interface EnvRegistration {
  readonly id: string;
  readonly description: string;
  /** May be async: the MuJoCo tasks load their WebAssembly module on first use. */
  create(options?: EnvOptions): Env | Promise<Env>;
}

/** Validates an action against a Box space of normalized actions; throws on wrong length or NaN. */
export function checkAction(spec: EnvSpec, action: ArrayLike<number>): void {
  const space = spec.actionSpace;
  const expected = space.kind === 'box' ? space.shape[0] : 1;
  if (action.length !== expected) {
    throw new RangeError(`${spec.id}: action has ${action.length} entries, expected ${expected}`);
  }
  for (let i = 0; i < action.length; i++) {
    if (!Number.isFinite(action[i]!)) {
      throw new RangeError(`${spec.id}: action[${i}] is ${action[i]}, expected a finite number`);
    }
  }
  if (space.kind === 'discrete') {
    const a = action[0]!;
    if (!Number.isInteger(a) || a < 0 || a >= space.n) {
      throw new RangeError(`${spec.id}: action ${a} is not an integer in [0, ${space.n})`);
    }
  }
}
