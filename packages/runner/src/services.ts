/**
 * The runner's services and their identifiers for the inversify container (always
 * `@inject(TYPES.…)`, no decorator metadata: the runner's README, "The container", says why).
 *
 * Root container (one per process or worker thread): algorithm plugins (multi-bound, looked up by
 * name), env registry, policy factory, tensor backend, results store, progress reporter, clock.
 * Child container (one per trial): the trial's spec and plugin, and the TrialRunner that runs it.
 */
import type { AlgorithmPlugin, BackendName, EnvSpec, GaussianPolicy, Rng } from '@policy-arena/core';
import type { PolicyArchitecture } from './presets.js';
import type { IterationRecord } from './trial.js';
import type { TrialSpec } from './trials.js';

export const TYPES = {
  /** Every algorithm plugin, multi-bound: `getAll` lists them, `get(…, { name })` picks one. */
  AlgorithmPlugin: Symbol.for('policy-arena.AlgorithmPlugin'),
  /** The env factory: an `EnvRegistry` of @policy-arena/envs. */
  EnvRegistry: Symbol.for('policy-arena.EnvRegistry'),
  PolicyFactory: Symbol.for('policy-arena.PolicyFactory'),
  Backend: Symbol.for('policy-arena.Backend'),
  ResultsStore: Symbol.for('policy-arena.ResultsStore'),
  Reporter: Symbol.for('policy-arena.Reporter'),
  Clock: Symbol.for('policy-arena.Clock'),
  /** Child container only: the trial being run, its plugin, and the runner. */
  TrialSpec: Symbol.for('policy-arena.TrialSpec'),
  TrialPlugin: Symbol.for('policy-arena.TrialPlugin'),
  TrialRunner: Symbol.for('policy-arena.TrialRunner'),
  /** Checkpoint every k iterations (a number). */
  CheckpointEvery: Symbol.for('policy-arena.CheckpointEvery'),
  SamplerWorkers: Symbol.for('policy-arena.SamplerWorkers'),
  /** Main thread only: runs a prepared sweep (`arena sweep`, and `arena run` as a one-trial sweep). */
  SweepRunner: Symbol.for('policy-arena.SweepRunner'),
} as const;

export interface Clock {
  /** Monotonic milliseconds (durations). */
  now(): number;
  /** Wall-clock time as an ISO string (records only, never results). */
  isoDate(): string;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  isoDate: () => new Date().toISOString(),
};

export interface PolicyFactory {
  architectureFor(envId: string): PolicyArchitecture;
  create(spec: EnvSpec, envId: string, rng: Rng): GaussianPolicy;
}

export interface Backend {
  readonly name: BackendName;
}

/**
 * What progress displays need of an iteration (an IterationRecord has it all): `arena run`'s line
 * shows the return and, for the trust-region methods, the mean KL too.
 */
export type IterationUpdate = Pick<
  IterationRecord,
  'iteration' | 'perStepReward' | 'meanReturn' | 'envSteps' | 'seconds'
> & { readonly meanKl?: number };

export interface TrialFinish {
  readonly status: 'done' | 'failed';
  readonly error?: string;
  /** Who ran it, when not this process (another sweep on the same directory). */
  readonly by?: string;
  /** The trial's last iteration. */
  readonly last?: IterationUpdate;
}

/** Progress events; the sweep's reporters (TTY bars, plain lines, a worker's message port) implement it. */
export interface Reporter {
  trialStarted(trial: TrialSpec, fromIteration: number): void;
  iteration(trial: TrialSpec, update: IterationUpdate): void;
  trialFinished(trial: TrialSpec, outcome: TrialFinish): void;
}

export const silentReporter: Reporter = {
  trialStarted() {},
  iteration() {},
  trialFinished() {},
};

export type { AlgorithmPlugin };
