/**
 * The inversify container. One root container per process (and one per worker thread) holds the
 * long-lived services; each trial gets a child container with its spec, its plugin and a
 * TrialRunner, so nothing trial-specific leaks between trials that share a worker.
 *
 * Inversify 8 with `experimentalDecorators` and no decorator metadata: every injection names its
 * identifier from the TYPES table (`@inject(TYPES.Clock)`), because most parameter types here are
 * interfaces and type aliases that metadata could not tell apart (the runner's README, "The
 * container").
 */
import { Container, inject, injectable } from 'inversify';
import type { AlgorithmPlugin, BackendName, EnvSpec, EvaluationResult, Rng } from '@policy-arena/core';
import { defaultEnvRegistry } from '@policy-arena/envs';
import type { EnvRegistry } from '@policy-arena/envs';
import { systemClock, silentReporter, TYPES } from './services.js';
import type { Clock, IterationUpdate, PolicyFactory, Reporter, TrialServices } from './services.js';
import { ResultsStore } from './store.js';
import type { TrialFailure } from './store.js';
import { architectureFor, defaultPolicy, runTrial } from './trial.js';
import type { IterationRecord, TrialCheckpoint } from './trial.js';
import { TrialPolicies } from './trial-policies.js';
import { fingerprint } from './trials.js';
import type { TrialSpec } from './trials.js';

export const defaultPolicyFactory: PolicyFactory = {
  architectureFor,
  create: (spec: EnvSpec, envId: string, rng: Rng) => defaultPolicy(spec, architectureFor(envId), rng),
};

export interface RootServices {
  readonly plugins: readonly AlgorithmPlugin[];
  readonly envRegistry?: EnvRegistry;
  readonly policyFactory?: PolicyFactory;
  readonly backend?: BackendName;
  readonly store?: ResultsStore;
  readonly reporter?: Reporter;
  readonly clock?: Clock;
  readonly checkpointEvery?: number;
  /** Sampling threads per trial (0, the default: in the trial's thread). */
  readonly samplerWorkers?: number;
}

export function createRootContainer(services: RootServices): Container {
  const container = new Container();
  for (const plugin of services.plugins) {
    // Multi-bound: getAll() lists every plugin, get(…, { name }) picks one by its name.
    container
      .bind<AlgorithmPlugin>(TYPES.AlgorithmPlugin)
      .toConstantValue(plugin)
      .when((constraints) => constraints.name === undefined || constraints.name === plugin.name);
  }
  const clock = services.clock ?? systemClock;
  const policyFactory = services.policyFactory ?? defaultPolicyFactory;
  container.bind<TrialServices>(TYPES.TrialServices).toConstantValue({
    envRegistry: services.envRegistry ?? defaultEnvRegistry,
    makePolicy: (spec, envId, rng) => policyFactory.create(spec, envId, rng),
    backend: services.backend ?? 'wasm',
    samplerWorkers: services.samplerWorkers ?? 0,
    checkpointEvery: services.checkpointEvery ?? 1,
    now: () => clock.now(),
  });
  if (services.store) container.bind<ResultsStore>(TYPES.ResultsStore).toConstantValue(services.store);
  if (services.reporter) container.bind<Reporter>(TYPES.Reporter).toConstantValue(services.reporter);
  container.bind<Clock>(TYPES.Clock).toConstantValue(clock);
  return container;
}

/** All plugins bound in a container. */
export function boundPlugins(container: Container): AlgorithmPlugin[] {
  return container.getAll<AlgorithmPlugin>(TYPES.AlgorithmPlugin);
}

/** A child container for one trial; `reporter` overrides the root's (a worker's message port). */
export function createTrialContainer(root: Container, spec: TrialSpec, reporter?: Reporter): Container {
  const child = new Container({ parent: root });
  child.bind<TrialSpec>(TYPES.TrialSpec).toConstantValue(spec);
  child
    .bind<AlgorithmPlugin>(TYPES.TrialPlugin)
    .toDynamicValue((ctx) => ctx.get<AlgorithmPlugin>(TYPES.AlgorithmPlugin, { name: spec.algorithm }));
  if (reporter) child.bind<Reporter>(TYPES.Reporter).toConstantValue(reporter);
  else if (!root.isBound(TYPES.Reporter))
    child.bind<Reporter>(TYPES.Reporter).toConstantValue(silentReporter);
  child.bind<TrialRunner>(TYPES.TrialRunner).to(TrialRunner);
  return child;
}

/** A trial that threw: the error, and the iteration that was running (0-based). */
export class TrialFailedError extends Error {
  override name = 'TrialFailedError';
  constructor(
    readonly failure: TrialFailure,
    options?: { cause?: unknown },
  ) {
    super(failure.message, options);
  }
}

/** What trial.json keeps of an error: its class, message, stack and the iteration it ended. */
export function describeFailure(e: unknown, iteration?: number): TrialFailure {
  const error = e instanceof Error ? e : new Error(String(e));
  return {
    type: error.name && error.name !== 'Error' ? error.name : (error.constructor?.name ?? 'Error'),
    message: error.message || String(e),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(iteration !== undefined ? { iteration } : {}),
  };
}

export interface TrialOutcome {
  readonly id: string;
  /** The iteration this run started from (0 unless resumed). */
  readonly fromIteration: number;
  readonly iterationsDone: number;
  readonly wallSeconds: number;
  /** The last iteration's progress fields, if any iteration was recorded. */
  readonly last?: IterationUpdate;
  /** The final policy's deterministic evaluation (`FINAL_EVALUATION`), when the trial finished. */
  readonly evaluation?: EvaluationResult;
  /** Set when the trial failed (sweep workers return failures rather than throw them, so the error's class survives the thread boundary). */
  readonly failure?: TrialFailure;
}

/**
 * Runs one trial of a sweep against the results store: resumes from the trial's checkpoint when
 * there is one (after cutting metrics.jsonl back to it), appends a record per iteration, and
 * writes a checkpoint every k iterations (the interval is one of the trial services). Injected:
 * the trial (spec and plugin), where its results go and who hears of its progress, and the trial
 * services, which go to the trial loop as they are.
 */
@injectable()
export class TrialRunner {
  constructor(
    @inject(TYPES.TrialSpec) private readonly spec: TrialSpec,
    @inject(TYPES.TrialPlugin) private readonly plugin: AlgorithmPlugin,
    @inject(TYPES.ResultsStore) private readonly store: ResultsStore,
    @inject(TYPES.Reporter) private readonly reporter: Reporter,
    @inject(TYPES.TrialServices) private readonly services: TrialServices,
  ) {}

  async run(): Promise<TrialOutcome> {
    const { spec, store } = this;
    const print = fingerprint(spec);
    const stored = store.readCheckpoint(spec.id);
    if (stored && stored.iteration > spec.iterations) {
      throw new TrialFailedError({
        type: 'CorruptResultError',
        message: `${store.checkpointFile(spec.id)} is invalid: iteration ${stored.iteration} is past the trial's ${spec.iterations} iterations; delete it to run the trial from its first iteration`,
      });
    }
    let resumeFrom: TrialCheckpoint | undefined =
      stored && stored.fingerprint === print
        ? {
            iteration: stored.iteration,
            envSteps: stored.envSteps,
            params: Float64Array.from(stored.params),
            optimizerState: stored.optimizerState,
          }
        : undefined;
    if (resumeFrom && !store.truncateRecords(spec.id, resumeFrom.iteration)) resumeFrom = undefined;
    if (!resumeFrom) {
      store.removeCheckpoint(spec.id);
      store.truncateRecords(spec.id, 0);
    }
    const fromIteration = resumeFrom?.iteration ?? 0;
    const policies = new TrialPolicies(store, spec, this.services);
    await policies.start(resumeFrom !== undefined);
    this.reporter.trialStarted(spec, fromIteration);
    const records: IterationRecord[] = [];
    let evaluation: EvaluationResult;
    try {
      const result = await runTrial({
        ...this.services,
        plugin: this.plugin,
        config: spec.config as Record<string, unknown>,
        envId: spec.task,
        seed: spec.seed,
        iterations: spec.iterations,
        stepsPerIteration: spec.stepsPerIteration,
        ...(spec.evaluation ? { evaluation: spec.evaluation } : {}),
        ...(resumeFrom ? { resumeFrom } : {}),
        onIteration: (record, sampledParams) => {
          store.appendRecord(spec.id, record);
          policies.onIteration(record, sampledParams);
          records.push(record);
          this.reporter.iteration(spec, record);
        },
        onCheckpoint: (checkpoint) => store.writeCheckpoint(spec.id, print, checkpoint),
      });
      evaluation = await policies.finish(result.finalParams, store.readRecords(spec.id).at(-1));
    } catch (e) {
      throw new TrialFailedError(describeFailure(e, fromIteration + records.length), { cause: e });
    }
    const all = store.readRecords(spec.id);
    const last = all.at(-1);
    return {
      id: spec.id,
      fromIteration,
      iterationsDone: all.length,
      wallSeconds: all.reduce((s, r) => s + r.seconds, 0),
      evaluation,
      ...(last
        ? {
            last: {
              iteration: last.iteration,
              ...(last.perStepReward !== undefined ? { perStepReward: last.perStepReward } : {}),
              envSteps: last.envSteps,
              seconds: last.seconds,
            },
          }
        : {}),
    };
  }
}
