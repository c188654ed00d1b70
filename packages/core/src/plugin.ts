/**
 * The algorithm plugin contract. The runner owns the loop: it creates the policy and envs, calls
 * `optimizer.iterate(ctx)` once per iteration, and records the metrics every algorithm shares
 * (env steps, episode returns, timing) from what the plugin sampled through `ctx`. A plugin only
 * says how to improve the policy.
 */
import type { TObject, Static } from '@sinclair/typebox';
import type { EnvSpec, Env } from './env.js';
import type { GaussianPolicy } from './policy.js';
import type { Rng } from './rng.js';
import type { BranchJob, BranchTrace } from './rollout.js';
import type { TrajectoryBatch } from './trajectory.js';

/** JSON-compatible values, for optimizer state checkpoints. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface IterationContext {
  /** 0-based iteration index. */
  readonly iteration: number;
  readonly envSpec: EnvSpec;
  /** The policy being optimized. Its parameters are the algorithm's to set. */
  readonly policy: GaussianPolicy;
  /** A random stream for this iteration only (derived from the trial seed, algorithm and iteration). */
  readonly rng: Rng;
  /** Env steps per iteration chosen by the budget (batch size). */
  readonly stepsPerIteration: number;
  /**
   * Rolls out the current policy for whole episodes until at least `minSteps` steps are collected.
   * Counts toward the iteration's env steps and returns.
   */
  sampleTrajectories(minSteps: number, options?: { snapshots?: boolean }): Promise<TrajectoryBatch>;
  /**
   * Counts env steps the plugin simulated itself (vine's branch rollouts from snapshots) toward the
   * iteration's env steps; they are not episodes and do not enter the returns.
   */
  recordSteps(steps: number): void;
  /**
   * Black-box evaluation for CEM / CMA: the mean undiscounted (or discounted, with `gamma`) return
   * of `episodes` episodes for each parameter vector. Counts toward env steps and returns.
   */
  evaluateParams(
    candidates: readonly Float64Array[],
    options: { episodes: number; gamma?: number },
  ): Promise<Float64Array>;
  /**
   * Vine branch rollouts (§5.2) of the current policy: for each job, restore its snapshot, take its
   * first action, then follow the policy with the job's noise stream for at most `length` steps.
   * Runs on the trial's sampling threads; the steps count toward the iteration's env steps (they are
   * not episodes and do not enter the returns). Trace j belongs to `jobs[j]`.
   */
  rolloutBranches(
    jobs: readonly BranchJob[],
    options: { length: number; gamma: number },
  ): Promise<BranchTrace[]>;
  /** A fresh env of the same task, for algorithms that simulate on their own. */
  makeEnv(): Promise<Env>;
}

/** Per-iteration diagnostics a plugin reports beside the shared metrics (e.g. meanKl). */
export type IterationExtras = Readonly<Record<string, number>>;

export interface Optimizer {
  iterate(ctx: IterationContext): Promise<IterationExtras>;
  /** Everything needed to resume exactly (parameters live in the policy, not here). */
  state(): Json;
  load(state: Json): void;
  /** Releases tensors or workers. */
  dispose?(): void;
}

export interface PluginDeps {
  readonly envSpec: EnvSpec;
  readonly policy: GaussianPolicy;
  /** A stream for the plugin's one-off randomness at creation (derived from seed and plugin name). */
  readonly rng: Rng;
}

/**
 * The presets, smallest budget first: the keys a plugin's `presets` may use, the runner's budget
 * tables and its `--preset` choices. Listed once here so that a new preset cannot be accepted by
 * one of them and refused by another.
 */
export const PRESET_NAMES = ['smoke', 'quick', 'paper'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Kebab-case, as a JSON Schema `pattern`: a plugin's name, and a sweep entry's label, which stands
 * in for the name in trial ids and directory names (hence no dots, slashes or upper case).
 */
export const PLUGIN_NAME_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';

export interface AlgorithmPlugin<S extends TObject = TObject> {
  /** Unique, kebab-case (`PLUGIN_NAME_PATTERN`): `trpo-single-path`. */
  readonly name: string;
  /** One line for `arena list` and reports. */
  readonly description: string;
  /** TypeBox schema of the config, with a default and a description for every knob. */
  readonly configSchema: S;
  /**
   * Settings per task id that hold under every preset (e.g. a step size for the MuJoCo tasks),
   * given once instead of under each of smoke, quick and paper. A preset's own settings override
   * them; the user's (`--set`, a sweep's settings and grid) override both.
   */
  readonly taskDefaults?: (envId: string) => Partial<Static<S>>;
  /** Setting overrides per preset (and per task id where a value depends on the task). */
  readonly presets?: Partial<Record<PresetName, (envId: string) => Partial<Static<S>>>>;
  create(config: Static<S>, deps: PluginDeps): Optimizer;
}

/**
 * The settings a plugin gives itself for `preset` on task `envId`: its `taskDefaults(envId)`,
 * overridden by its `presets[preset](envId)`. The runner lays the user's settings over these and
 * the schema's defaults under them.
 */
export function presetSettings(
  plugin: Pick<AlgorithmPlugin, 'taskDefaults' | 'presets'>,
  preset: PresetName,
  envId: string,
): Record<string, unknown> {
  return { ...plugin.taskDefaults?.(envId), ...plugin.presets?.[preset]?.(envId) };
}

/** Identity helper that keeps the config type tied to the schema at the definition site. */
export function definePlugin<S extends TObject>(plugin: AlgorithmPlugin<S>): AlgorithmPlugin<S> {
  return plugin;
}
