/**
 * The runner's services and their identifiers for the inversify container (always
 * `@inject(TYPES.…)`, no decorator metadata: the runner's README, "The container", says why).
 *
 * Root container (one per process or worker thread): algorithm plugins (multi-bound, looked up by
 * name), the trial services (what every trial of the process runs with), results store, progress
 * reporter, clock. Child container (one per trial): the trial's spec and plugin, and the
 * TrialRunner that runs it.
 *
 * Each service has one identifier and reaches the class that uses it through one injection: the
 * env registry, policy factory, backend, sampling threads and checkpoint interval are used only by
 * the trial loop (`runTrial`), so they are bound together as its `TrialServices`, in the shape
 * `TrialOptions` takes them, rather than one by one for TrialRunner to hand on.
 */
import type { AlgorithmPlugin, EnvSpec, GaussianPolicy, Rng } from '@policy-arena/core';
import type { PolicyArchitecture } from './presets.js';
import type { IterationRecord, TrialOptions } from './trial.js';
import type { TrialSpec } from './trials.js';

export const TYPES = {
  /** Every algorithm plugin, multi-bound: `getAll` lists them, `get(…, { name })` picks one. */
  AlgorithmPlugin: Symbol.for('policy-arena.AlgorithmPlugin'),
  /** What every trial of the process runs with: `TrialServices`. */
  TrialServices: Symbol.for('policy-arena.TrialServices'),
  ResultsStore: Symbol.for('policy-arena.ResultsStore'),
  Reporter: Symbol.for('policy-arena.Reporter'),
  Clock: Symbol.for('policy-arena.Clock'),
  /** Child container only: the trial being run, its plugin, and the runner. */
  TrialSpec: Symbol.for('policy-arena.TrialSpec'),
  TrialPlugin: Symbol.for('policy-arena.TrialPlugin'),
  TrialRunner: Symbol.for('policy-arena.TrialRunner'),
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

/**
 * The fields of `TrialOptions` that are the same for every trial of a process — env registry,
 * policy maker, tensor backend, sampling threads per trial, checkpoint interval, clock — as the
 * root container binds them (`createRootContainer`, from its `RootServices`). A trial's own
 * settings (plugin, config, task, seed, budget) come from its spec.
 */
export type TrialServices = Required<
  Pick<TrialOptions, 'envRegistry' | 'makePolicy' | 'backend' | 'samplerWorkers' | 'checkpointEvery' | 'now'>
>;

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
