/**
 * One trial: one algorithm on one task with one seed, for a number of iterations. The runner owns
 * the loop; the plugin only improves the policy from what it samples through the context.
 *
 * Random streams: everything derives from the trial seed by purpose label —
 * `policy-init`, `plugin`, and per iteration i `iteration#i` (split further into `sampler` and
 * `algorithm`) — so an iteration's numbers depend only on the seed, the iteration index and the
 * policy parameters, never on timing or worker count.
 */
import { GaussianPolicy, Rng, initBackend, threadCpuSeconds } from '@policy-arena/core';
import type {
  AlgorithmPlugin,
  BackendName,
  EnvSpec,
  IterationContext,
  Json,
  TrajectoryBatch,
} from '@policy-arena/core';
import { RolloutPool, defaultEnvRegistry } from '@policy-arena/envs';
import type { EnvRegistry } from '@policy-arena/envs';
import { architectureFor, defaultPolicy } from './default-policy.js';
import type { PolicyArchitecture } from './presets.js';
import { EVALUATION_METRICS, periodicEvaluation } from './trial-evaluation.js';
import type { TrialEvaluation } from './trials.js';

/**
 * One line of a trial's metrics JSONL. Every algorithm reports these; extras follow.
 *
 * `meanReturn`, `perStepReward` and `meanEpisodeLength` are absent from an iteration that completed
 * no episode (`episodes` 0: a plugin that steps envs itself through `makeEnv` + `recordSteps`), so
 * no made-up score can enter a curve or a final table.
 *
 * `reward.<term>`, for each of the env's reward terms (`EnvSpec.rewardTerms`, e.g. `reward.forward`,
 * `reward.control`), is the term's mean per step over the steps of the episodes completed this
 * iteration — the steps `meanReturn` is made of, so the terms add up to the mean reward per step,
 * Σ returns / Σ lengths. Vine branch steps and `recordSteps` steps count in `envSteps` but carry no
 * terms. Absent with `meanReturn`, and for envs that report no terms.
 *
 * `evalPerStepReward` and `evalMeanReturn`: the deterministic evaluation after this iteration's
 * update, on the iterations the trial's `evaluation` setting names (trial-evaluation.ts).
 */
export interface IterationRecord {
  readonly iteration: number;
  /** Env steps so far in the trial (the x-axis for sample efficiency). */
  readonly envSteps: number;
  readonly episodes: number;
  /** Mean undiscounted return of the episodes completed this iteration. */
  readonly meanReturn?: number;
  /** meanReturn ÷ horizon: Figure 4's per-time-step score (an early fall scores low). */
  readonly perStepReward?: number;
  readonly meanEpisodeLength?: number;
  readonly [extra: string]: number | undefined;
  /**
   * Wall-clock seconds of this iteration. Beside it, `cpuSeconds`: CPU seconds of the iteration, the
   * trial's thread plus its sampling threads (Linux only; absent where a thread's CPU time cannot be
   * read).
   */
  readonly seconds: number;
}

/** The fields that differ between identical runs: timing. */
export const TIMING_FIELDS: readonly string[] = ['seconds', 'cpuSeconds'];

/** Names the runner writes into every record; a plugin's extras must not reuse them. */
export const SHARED_METRICS: readonly string[] = [
  'iteration',
  'envSteps',
  'episodes',
  'meanReturn',
  'perStepReward',
  'meanEpisodeLength',
  ...EVALUATION_METRICS,
  ...TIMING_FIELDS,
];

/**
 * Name prefixes the runner writes under: `reward.<term>` is the mean per step of a reward term
 * (`EnvSpec.rewardTerms`) over the iteration's episodes. A prefix, not a list, because the terms
 * are the env's and a third-party env may name its own.
 */
export const RUNNER_METRIC_PREFIXES: readonly string[] = ['reward.'];

/** Whether the runner writes `name` itself, so a plugin's extras may not use it. */
export function isRunnerMetric(name: string): boolean {
  return SHARED_METRICS.includes(name) || RUNNER_METRIC_PREFIXES.some((p) => name.startsWith(p));
}

/** A record without its timing fields, for comparing runs. */
export function withoutTiming(record: IterationRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (!TIMING_FIELDS.includes(k)) out[k] = v as number;
  return out;
}

/** A plugin's iteration broke the plugin contract (what `iterate()` returned, typically). */
export class PluginContractError extends Error {
  override name = 'PluginContractError';
}

/** One extra that a plugin may not report: a runner-owned name, or a value that is not a finite number. */
export interface ExtraProblem {
  readonly key: string;
  readonly kind: 'reserved' | 'not-finite';
  readonly value: unknown;
}

/**
 * Sorts what `iterate()` returned into the extras the runner may record and the problems with the
 * rest. `notPlain` describes a value that is not nothing and not a plain object (an array, a typed
 * array, a class instance, a number…). The runner stops at the first problem (`checkedExtras`); the
 * plugin contract suite lists them all.
 */
export function sortExtras(value: unknown): {
  readonly valid: Record<string, number>;
  readonly problems: readonly ExtraProblem[];
  readonly notPlain?: string;
} {
  if (value === undefined || value === null) return { valid: {}, problems: [] };
  const proto = typeof value === 'object' ? (Object.getPrototypeOf(value) as unknown) : undefined;
  if (typeof value !== 'object' || Array.isArray(value) || (proto !== Object.prototype && proto !== null)) {
    const notPlain = Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object'}`
        : `${typeof value} ${String(value)}`;
    return { valid: {}, problems: [], notPlain };
  }
  const valid: Record<string, number> = {};
  const problems: ExtraProblem[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (isRunnerMetric(key)) problems.push({ key, kind: 'reserved', value: v });
    else if (typeof v !== 'number' || !Number.isFinite(v))
      problems.push({ key, kind: 'not-finite', value: v });
    else valid[key] = v;
  }
  return { valid, problems };
}

/**
 * What `iterate()` returned, checked every iteration: nothing, or a plain object of finite numbers
 * whose names are not the runner's. Without this a plugin reporting `perStepReward` would overwrite
 * the runner's score (and be ranked by it), and a returned typed array would add keys "0", "1", ….
 */
export function checkedExtras(plugin: string, iteration: number, value: unknown): Record<string, number> {
  const where = `plugin "${plugin}", iteration ${iteration}: iterate() must resolve to nothing or a plain object of finite numbers`;
  const { valid, problems, notPlain } = sortExtras(value);
  if (notPlain !== undefined) throw new PluginContractError(`${where}, got ${notPlain}`);
  const [first] = problems;
  if (first?.kind === 'reserved') {
    throw new PluginContractError(
      `${where}: "${first.key}" is a name the runner records itself (reserved: ${SHARED_METRICS.join(', ')} and names starting ${RUNNER_METRIC_PREFIXES.join(', ')}); rename the metric`,
    );
  }
  if (first) {
    const v = first.value;
    throw new PluginContractError(
      `${where}: "${first.key}" is ${typeof v === 'number' ? String(v) : typeof v === 'object' ? (JSON.stringify(v) ?? typeof v) : `${typeof v} ${JSON.stringify(v)}`}`,
    );
  }
  return valid;
}

/**
 * Everything a trial needs to continue exactly where it stopped. The random streams are derived
 * from the seed and the iteration index, so no generator state is stored; a plugin that keeps its
 * own random state (or any other state) returns it from `optimizer.state()`.
 */
export interface TrialCheckpoint {
  /** Iterations completed, i.e. the index of the next iteration to run. */
  readonly iteration: number;
  /** Cumulative env steps after those iterations. */
  readonly envSteps: number;
  /** Policy parameters θ after those iterations. */
  readonly params: Float64Array;
  /** `optimizer.state()` after those iterations. */
  readonly optimizerState: Json;
}

/** Makes the trial's policy; the default uses the architecture per task (Table 2). */
export type PolicyMaker = (spec: EnvSpec, envId: string, rng: Rng) => GaussianPolicy;

export interface TrialOptions {
  readonly plugin: AlgorithmPlugin;
  /** A config already validated against the plugin's schema (defaults filled in). */
  readonly config: Record<string, unknown>;
  readonly envId: string;
  readonly seed: number;
  readonly iterations: number;
  readonly stepsPerIteration: number;
  readonly backend?: BackendName;
  readonly envRegistry?: EnvRegistry;
  /**
   * Sampling threads: 0 (the default) samples in this thread; W > 0 runs episodes, candidate
   * evaluations and vine branches on W worker threads. Results are identical for every W. Workers
   * build envs from the built-in registry, so a custom `envRegistry` needs 0.
   */
  readonly samplerWorkers?: number;
  /** The policy network; defaults by task (Table 2). */
  readonly policy?: PolicyArchitecture;
  /** Builds the policy instead of `policy` (the DI container's policy factory). */
  readonly makePolicy?: PolicyMaker;
  /**
   * After each iteration, with the parameters the iteration started from — the policy whose
   * samples the record's scores measure (for population methods, the distribution's mean).
   */
  readonly onIteration?: (record: IterationRecord, sampledParams: Float64Array) => void | Promise<void>;
  /** Continue from a checkpoint instead of iteration 0 (results are identical to an uninterrupted run). */
  readonly resumeFrom?: TrialCheckpoint;
  /** Called after every `checkpointEvery`-th iteration (and after the last), after `onIteration`. */
  readonly onCheckpoint?: (checkpoint: TrialCheckpoint) => void | Promise<void>;
  /** Default 1: a checkpoint after every iteration. */
  readonly checkpointEvery?: number;
  /** Periodic deterministic evaluation of the policy (trial-evaluation.ts). */
  readonly evaluation?: TrialEvaluation;
  /** Monotonic milliseconds, for the `seconds` field (default: performance.now). */
  readonly now?: () => number;
}

export interface TrialResult {
  /** The records of the iterations run by this call (from `resumeFrom.iteration` on). */
  readonly records: IterationRecord[];
  readonly finalParams: Float64Array;
}

export { architectureFor, defaultPolicy } from './default-policy.js';

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export async function runTrial(options: TrialOptions): Promise<TrialResult> {
  const { plugin, config, envId, seed, iterations, stepsPerIteration } = options;
  const now = options.now ?? (() => performance.now());
  const checkpointEvery = options.checkpointEvery ?? 1;
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new RangeError(`checkpointEvery must be an integer ≥ 1, got ${checkpointEvery}`);
  }
  await initBackend(options.backend ?? 'wasm');
  const registry = options.envRegistry ?? defaultEnvRegistry;
  const probe = await registry.make(envId);
  const spec = probe.spec;
  probe.close();
  if (spec.actionSpace.kind !== 'box') {
    throw new TypeError(`${envId}: only continuous action spaces are supported`);
  }
  const trialRng = Rng.fromSeed(seed);
  const makePolicy: PolicyMaker =
    options.makePolicy ??
    ((envSpec, id, rng) => defaultPolicy(envSpec, options.policy ?? architectureFor(id), rng));
  // The policy is always created from its init stream first, so a resumed trial builds the same
  // network before its parameters are overwritten by the checkpoint's.
  const policy = makePolicy(spec, envId, trialRng.split('policy-init'));
  const resume = options.resumeFrom;
  if (resume) policy.setParams(resume.params);
  const evaluation = await periodicEvaluation(options.evaluation, registry, envId, iterations);
  const pool = await RolloutPool.create({
    envId,
    policy: policy.config,
    numWorkers: options.samplerWorkers ?? 0,
    registry,
  });
  let optimizer: ReturnType<AlgorithmPlugin['create']>;
  try {
    optimizer = plugin.create(config, { envSpec: spec, policy, rng: trialRng.split('plugin') });
    if (resume) optimizer.load(resume.optimizerState);
  } catch (e) {
    evaluation.close();
    await pool.close();
    throw e;
  }

  const records: IterationRecord[] = [];
  let totalSteps = resume?.envSteps ?? 0;
  const termNames = spec.rewardTerms;
  try {
    for (let iteration = resume?.iteration ?? 0; iteration < iterations; iteration++) {
      const started = now();
      const cpuStarted = (threadCpuSeconds() ?? NaN) + pool.workerCpuSeconds;
      const sampledParams = options.onIteration ? policy.getParams() : undefined;
      const iterationRng = trialRng.splitIndex('iteration', iteration);
      const samplerRng = iterationRng.split('sampler');
      const returns: number[] = [];
      const lengths: number[] = [];
      let steps = 0;
      let episodesSoFar = 0;
      const termSums = termNames ? new Float64Array(termNames.length) : undefined;
      let termSteps = 0;
      const account = (batch: TrajectoryBatch) => {
        steps += batch.numSteps;
        episodesSoFar += batch.episodes.length;
        for (const ep of batch.episodes) {
          returns.push(ep.return);
          lengths.push(ep.length);
          if (termSums && ep.rewardTerms) {
            for (let j = 0; j < termSums.length; j++) termSums[j]! += ep.rewardTerms[termNames![j]!]!;
            termSteps += ep.length;
          }
        }
      };
      const ctx: IterationContext = {
        iteration,
        envSpec: spec,
        policy,
        rng: iterationRng.split('algorithm'),
        stepsPerIteration,
        async sampleTrajectories(minSteps, sampleOptions) {
          const batch = await pool.sample(policy.getParams(), samplerRng, {
            minSteps,
            firstEpisode: episodesSoFar,
            snapshots: sampleOptions?.snapshots ?? false,
          });
          account(batch);
          return batch;
        },
        async evaluateParams(candidates, { episodes, gamma = 1 }) {
          const batches = await pool.evaluate(candidates, samplerRng, {
            episodes,
            firstEpisode: episodesSoFar,
          });
          const scores = new Float64Array(candidates.length);
          batches.forEach((batch, c) => {
            account(batch);
            let total = 0;
            for (const ep of batch.episodes) {
              let g = 0;
              for (let t = ep.start + ep.length - 1; t >= ep.start; t--) g = batch.rewards[t]! + gamma * g;
              total += g;
            }
            scores[c] = total / batch.episodes.length;
          });
          return scores;
        },
        async rolloutBranches(jobs, branchOptions) {
          const traces = await pool.branches(policy.getParams(), jobs, branchOptions);
          for (const t of traces) steps += t.steps;
          return traces;
        },
        recordSteps(extra) {
          if (!(Number.isInteger(extra) && extra >= 0))
            throw new RangeError(`recordSteps: expected a count, got ${extra}`);
          steps += extra;
        },
        makeEnv: async () => registry.make(envId),
      };
      const extras = checkedExtras(plugin.name, iteration, await optimizer.iterate(ctx));
      const evaluated = evaluation.after(iteration, policy);
      totalSteps += steps;
      const meanReturn = mean(returns);
      const cpuSeconds = (threadCpuSeconds() ?? NaN) + pool.workerCpuSeconds - cpuStarted;
      const scores =
        returns.length > 0
          ? { meanReturn, perStepReward: meanReturn / spec.maxEpisodeSteps, meanEpisodeLength: mean(lengths) }
          : {};
      const terms: Record<string, number> = {};
      if (termSums && termSteps > 0)
        termNames!.forEach((name, j) => (terms[`reward.${name}`] = termSums[j]! / termSteps));
      const record: IterationRecord = {
        iteration,
        envSteps: totalSteps,
        episodes: returns.length,
        ...scores,
        ...terms,
        ...extras,
        ...evaluated,
        seconds: (now() - started) / 1000,
        ...(Number.isFinite(cpuSeconds) ? { cpuSeconds } : {}),
      };
      records.push(record);
      if (sampledParams) await options.onIteration?.(record, sampledParams);
      const done = iteration + 1;
      if (options.onCheckpoint && (done % checkpointEvery === 0 || done === iterations)) {
        await options.onCheckpoint({
          iteration: done,
          envSteps: totalSteps,
          params: policy.getParams(),
          optimizerState: optimizer.state(),
        });
      }
    }
  } finally {
    optimizer.dispose?.();
    evaluation.close();
    await pool.close();
  }
  return { records, finalParams: policy.getParams() };
}
