/**
 * One episode of a policy, simulated when it starts and played back afterwards: core's
 * `evaluationEpisode` runs it (the same reset seed and action noise as episode k of `arena eval`
 * with that seed), and every step's pose, reward terms and running return are kept, so playback can
 * run at any speed, and the reward chart's axes can span the whole episode from its first frame.
 * A hopper episode is at most 1,000 steps of a few geoms: milliseconds to simulate, and well under
 * a megabyte to keep.
 */
import { evaluationEpisode } from '@policy-arena/core';
import type { Env, GaussianMlp } from '@policy-arena/core';
import { MujocoEnv, SimulationDivergedError, sideView } from '@policy-arena/envs';
import type { MujocoGeometry, Point2, SideViewScene } from '@policy-arena/envs';

/** What is drawn at one step: MuJoCo's geoms in 3-D, or the planar scene of another env. */
export type Pose =
  | { readonly kind: 'mujoco'; readonly geometry: MujocoGeometry }
  | { readonly kind: 'planar'; readonly scene: SideViewScene };

export interface RecordedStep {
  readonly pose: Pose;
  /** Where the camera looks (envs' `sideView` focus: the robot's root). */
  readonly focus: Point2;
  /** Return up to and including this step. */
  readonly total: number;
  /** The step's reward terms (`info.rewardTerms`); none at the reset. */
  readonly terms?: Readonly<Record<string, number>>;
}

export interface RecordedEpisode {
  /** k in `evaluationEpisode`: its reset seed and action noise. */
  readonly index: number;
  readonly deterministic: boolean;
  /** The reset state, then one entry per env step. */
  readonly steps: readonly RecordedStep[];
  readonly total: number;
  /** Set when MuJoCo diverged: the episode ends at the last finite state. */
  readonly diverged?: string;
}

/** The pose of `env`'s current state, or undefined for an env that cannot be drawn. */
export function poseOf(env: Env): { pose: Pose; focus: Point2 } | undefined {
  const scene = sideView(env);
  if (!scene) return undefined;
  return {
    pose: env instanceof MujocoEnv ? { kind: 'mujoco', geometry: env.geometry() } : { kind: 'planar', scene },
    focus: scene.focus,
  };
}

/** Simulates episode `index` of `policy` on `env` (which it resets) and records it. */
export function recordEpisode(
  env: Env,
  policy: GaussianMlp,
  options: { readonly seed: number; readonly deterministic: boolean },
  index: number,
): RecordedEpisode {
  let terms: Readonly<Record<string, number>> | undefined;
  // evaluationEpisode reports steps and returns only; the reward terms are in each step's info.
  const observed: Env = {
    spec: env.spec,
    reset: (seed) => env.reset(seed),
    step: (action) => {
      const result = env.step(action);
      terms = result.info?.rewardTerms;
      return result;
    },
    close: () => env.close(),
  };
  const steps: RecordedStep[] = [];
  const record = (total: number, stepTerms: Readonly<Record<string, number>> | undefined) => {
    const drawn = poseOf(env);
    if (!drawn) throw new Error(`${env.spec.id}: the viewer cannot draw this task`);
    steps.push({ ...drawn, total, ...(stepTerms ? { terms: stepTerms } : {}) });
  };
  try {
    const { total } = evaluationEpisode(observed, policy, options, index, ({ steps: t, total }) => {
      record(total, t === 0 ? undefined : terms);
    });
    return { index, deterministic: options.deterministic, steps, total };
  } catch (e) {
    if (!(e instanceof SimulationDivergedError) || steps.length === 0) throw e;
    return {
      index,
      deterministic: options.deterministic,
      steps,
      total: steps.at(-1)!.total,
      diverged: e.message,
    };
  }
}
