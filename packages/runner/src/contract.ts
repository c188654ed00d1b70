/**
 * The plugin contract as a reusable check, for plugin authors' own test suites (node:test, vitest,
 * jest — anything that awaits a promise):
 *
 *   import { assertPluginContract } from '@policy-arena/runner';
 *   await assertPluginContract(plugin); // throws an Error listing every problem
 *
 * What it checks, in order (a plugin that passes runs in `arena run` and in sweeps):
 * 1. the object is an AlgorithmPlugin (`pluginProblems` of @policy-arena/core);
 * 2. every config setting has a description and a default, and the defaults validate against the
 *    schema; every preset gives a valid config for every task;
 * 3. under the runner (`runTrial`, a short cart-pole run of 5 iterations by default, so that a
 *    failure a few iterations in shows) every iteration samples env steps and episodes, reports
 *    finite numbers only, keeps off the runner's metric names (`SHARED_METRICS`, `reward.*`), and
 *    leaves finite policy parameters; a trial that throws is reported with the iteration it was in
 *    and the error's stack;
 * 4. the same seed gives the same numbers twice (everything random must come from `ctx.rng`,
 *    `deps.rng` or the sampler);
 * 5. `optimizer.state()` is plain JSON, and a trial resumed from a checkpoint (parameters and state
 *    through JSON, as sweeps store them) continues exactly like the uninterrupted run.
 * Besides the problems it warns (`onWarning`, by default console.warn) about what is legal but most
 * likely a mistake: policy parameters that no iteration changed (a flat learning curve).
 */
import { pluginProblems } from '@policy-arena/core';
import type { AlgorithmPlugin, BackendName, Json, Optimizer, PresetName } from '@policy-arena/core';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { pluginConfigIssues, resolvePluginConfig } from './config.js';
import { PRESETS } from './presets.js';
import { EVALUATION_METRICS } from './trial-evaluation.js';
import { SHARED_METRICS, runTrial, sortExtras, withoutTiming } from './trial.js';
import type { IterationRecord, TrialCheckpoint } from './trial.js';

export interface PluginContractOptions {
  /** Task of the test runs (default `cartpole-v1`). */
  readonly envId?: string;
  /** Tasks whose preset settings must validate (default: every task of the built-in env registry). */
  readonly tasks?: readonly string[];
  /** Preset of the test runs' settings (default `smoke`). */
  readonly preset?: PresetName;
  /** Settings over the preset's for the test runs. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * Iterations per test run, at least 2 (default 5, so that a failure a few iterations in shows):
   * the resume check restarts after the first.
   */
  readonly iterations?: number;
  /** Env steps per iteration (default 300). */
  readonly stepsPerIteration?: number;
  /** Trial seed (default 11). */
  readonly seed?: number;
  /** Tensor backend (default `wasm`, as `arena`). */
  readonly backend?: BackendName;
  /**
   * Receives each warning of `pluginContractProblems` and `assertPluginContract` (default
   * `console.warn`, so that it shows in a test run's output). `pluginContractReport` returns them.
   */
  readonly onWarning?: (message: string) => void;
}

/** What the contract check found: problems break the contract, warnings point at likely mistakes. */
export interface PluginContractReport {
  readonly problems: string[];
  readonly warnings: string[];
}

/** The default number of iterations per test run. */
export const CONTRACT_ITERATIONS = 5;

export { SHARED_METRICS };

/** Where `value` is not plain JSON (typed arrays, NaN, undefined, class instances…), by path. */
function jsonProblems(value: unknown, at: string): string[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${at} is ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonProblems(v, `${at}[${i}]`));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object';
      return [`${at} is a ${name}, not a plain object or array (convert it, e.g. Array.from(typedArray))`];
    }
    return Object.entries(value).flatMap(([k, v]) => jsonProblems(v, `${at}.${k}`));
  }
  return [`${at} is ${typeof value}`];
}

/** The first difference between two runs' records and final parameters, or undefined. */
function firstDifference(
  a: { records: IterationRecord[]; finalParams: Float64Array },
  b: { records: IterationRecord[]; finalParams: Float64Array },
): string | undefined {
  for (let i = 0; i < Math.max(a.records.length, b.records.length); i++) {
    const ra = a.records[i];
    const rb = b.records[i];
    if (!ra || !rb) return `one run has ${a.records.length} iterations, the other ${b.records.length}`;
    const fa = withoutTiming(ra);
    const fb = withoutTiming(rb);
    for (const key of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
      if (!Object.is(fa[key], fb[key])) return `iteration ${ra.iteration}: ${key} ${fa[key]} vs ${fb[key]}`;
    }
  }
  const i = a.finalParams.findIndex((v, k) => !Object.is(v, b.finalParams[k]));
  if (i >= 0 || a.finalParams.length !== b.finalParams.length)
    return `final policy parameter ${i} ${a.finalParams[i]} vs ${b.finalParams[i]}`;
  return undefined;
}

/**
 * Every way `candidate` breaks the AlgorithmPlugin contract and every warning, each one line naming
 * the plugin and what to fix. Runs the plugin for a few short trials.
 */
export async function pluginContractReport(
  candidate: unknown,
  options: PluginContractOptions = {},
): Promise<PluginContractReport> {
  const structural = pluginProblems(candidate);
  if (structural.length > 0) return { problems: structural, warnings: [] };
  const plugin = candidate as AlgorithmPlugin;
  const { problems, warnings } = await behaviourProblems(plugin, options);
  return {
    problems: problems.map((p) => `${plugin.name}: ${p}`),
    warnings: warnings.map((w) => `${plugin.name}: ${w}`),
  };
}

/**
 * Every way `candidate` breaks the AlgorithmPlugin contract (empty when it passes), each problem
 * one line naming the plugin and what to fix; warnings go to `options.onWarning` (default
 * console.warn). Runs the plugin for a few short trials.
 */
export async function pluginContractProblems(
  candidate: unknown,
  options: PluginContractOptions = {},
): Promise<string[]> {
  const { problems, warnings } = await pluginContractReport(candidate, options);
  const warn = options.onWarning ?? ((message: string) => console.warn(`warning: ${message}`));
  for (const w of warnings) warn(w);
  return problems;
}

/** Where a trial stopped: the phase, for the failure message. */
function failedWhere(phase: string | undefined): string {
  return phase ? ` in ${phase}` : '';
}

async function behaviourProblems(
  plugin: AlgorithmPlugin,
  options: PluginContractOptions,
): Promise<PluginContractReport> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const envId = options.envId ?? 'cartpole-v1';
  const preset = options.preset ?? 'smoke';
  const iterations = options.iterations ?? CONTRACT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 2)
    throw new RangeError(`iterations must be an integer ≥ 2, got ${iterations}`);

  // 2. Settings: documented, defaulted, valid for every preset and task.
  const defaults: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(plugin.configSchema.properties)) {
    const p = prop as { description?: unknown; default?: unknown };
    if (typeof p.description !== 'string' || p.description.trim() === '')
      problems.push(`setting "${key}" has no description`);
    defaults[key] = p.default;
  }
  for (const issue of pluginConfigIssues(plugin, defaults))
    problems.push(`the schema defaults do not validate: ${issue.field}: ${issue.message}`);
  for (const p of PRESETS) {
    for (const task of options.tasks ?? defaultEnvRegistry.ids()) {
      try {
        resolvePluginConfig(plugin, p, task, {});
      } catch (e) {
        problems.push(`preset "${p}" on ${task}: ${(e as Error).message}`);
      }
    }
  }
  let config: Record<string, unknown>;
  try {
    config = resolvePluginConfig(plugin, preset, envId, { ...options.settings });
  } catch (e) {
    problems.push(
      `no valid config for the test runs (preset "${preset}", ${envId}): ${(e as Error).message}`,
    );
    return { problems, warnings };
  }

  // 3. Runs under the runner. The optimizer is wrapped to see its extras before the runner merges them.
  // `phase` is where the current run is (for a failure's message); `trail` the policy parameters
  // at creation and after each iteration of the first run (for the never-changed warning).
  const extrasProblems = new Set<string>();
  const stateProblems = new Set<string>();
  let phase: string | undefined;
  let trail: Float64Array[] | undefined = [];
  const observed: AlgorithmPlugin = {
    ...plugin,
    create(settings, deps) {
      phase = 'create()';
      const optimizer = plugin.create(settings, deps);
      trail?.push(deps.policy.getParams());
      phase = undefined;
      const wrapped: Optimizer = {
        async iterate(ctx) {
          phase = `iteration ${ctx.iteration + 1} of ${iterations} (ctx.iteration ${ctx.iteration})`;
          const extras = (await optimizer.iterate(ctx)) as unknown;
          trail?.push(ctx.policy.getParams());
          // Every problem is listed; the runner (which stops at the first) gets only the valid extras.
          const { valid, problems, notPlain } = sortExtras(extras);
          if (notPlain !== undefined) {
            extrasProblems.add(
              `iterate() must resolve to nothing or a plain object of numbers, got ${String(extras)}`,
            );
          }
          for (const { key, kind, value } of problems) {
            extrasProblems.add(
              kind === 'reserved'
                ? `iterate() reports "${key}", a name the runner records itself; rename it`
                : `iterate() reports ${key} = ${String(value)}, not a finite number`,
            );
          }
          return valid;
        },
        state: () => optimizer.state(),
        load: (state) => {
          phase = 'optimizer.load(state)';
          optimizer.load(state);
        },
        dispose: () => optimizer.dispose?.(),
      };
      return wrapped;
    },
  };
  const trial = {
    plugin: observed,
    config,
    envId,
    seed: options.seed ?? 11,
    iterations,
    stepsPerIteration: options.stepsPerIteration ?? 300,
    ...(options.backend ? { backend: options.backend } : {}),
  };
  let checkpoint: TrialCheckpoint | undefined;
  let first: Awaited<ReturnType<typeof runTrial>>;
  try {
    first = await runTrial({
      ...trial,
      onCheckpoint: (c) => {
        const where = `optimizer.state() after iteration ${c.iteration - 1}`;
        for (const p of jsonProblems(c.optimizerState, where))
          stateProblems.add(`${p}: state must be plain JSON`);
        // Stored as a sweep stores it: through JSON, at once (state() may return a live object).
        if (c.iteration === 1)
          checkpoint = {
            ...c,
            params: Float64Array.from(c.params),
            optimizerState: JSON.parse(JSON.stringify(c.optimizerState ?? null)) as Json,
          };
      },
    });
  } catch (e) {
    problems.push(`a ${iterations}-iteration trial on ${envId} failed${failedWhere(phase)}: ${errorText(e)}`);
    return { problems, warnings };
  }
  const params = trail;
  trail = undefined;
  if (params.length > 1 && params.every((p) => p.every((v, i) => Object.is(v, params[0]![i]))))
    warnings.push(
      `the policy parameters never changed in ${iterations} iterations: iterate() must set new ones (policy.setParams), or the learning curve stays flat`,
    );
  problems.push(...extrasProblems, ...stateProblems);
  let previousSteps = 0;
  for (const r of first.records) {
    if (!(r.envSteps > previousSteps))
      problems.push(
        `iteration ${r.iteration} sampled no env steps (use ctx.sampleTrajectories or ctx.evaluateParams)`,
      );
    if (!(r.episodes > 0)) problems.push(`iteration ${r.iteration} completed no episode`);
    previousSteps = r.envSteps;
    for (const k of SHARED_METRICS)
      if (!Number.isFinite(r[k]) && !(EVALUATION_METRICS.includes(k) && r[k] === undefined))
        problems.push(`iteration ${r.iteration}: ${k} = ${r[k]}, not a finite number`);
  }
  if (!first.finalParams.every(Number.isFinite))
    problems.push('the final policy parameters are not all finite');

  // 4. Reproducible.
  let again: Awaited<ReturnType<typeof runTrial>>;
  try {
    again = await runTrial(trial);
  } catch (e) {
    problems.push(
      `the same trial run again failed${failedWhere(phase)} (the first run did not): ${errorText(e)}`,
    );
    return { problems, warnings };
  }
  const diff = firstDifference(first, again);
  if (diff)
    problems.push(
      `not reproducible: two runs with seed ${trial.seed} differ (${diff}); take every random number from ctx.rng or deps.rng`,
    );

  // 5. Resumes exactly.
  if (checkpoint && !diff) {
    try {
      const resumed = await runTrial({ ...trial, resumeFrom: checkpoint });
      const tail = { records: first.records.slice(1), finalParams: first.finalParams };
      const resumeDiff = firstDifference(tail, resumed);
      if (resumeDiff)
        problems.push(
          `does not resume exactly: resumed from the checkpoint after iteration 0 (parameters and optimizer.state() through JSON), it differs from the uninterrupted run (${resumeDiff}); state() must hold everything iterate() depends on besides the policy parameters, and load() restore it`,
        );
    } catch (e) {
      problems.push(`resuming from a checkpoint failed${failedWhere(phase)}: ${errorText(e)}`);
    }
  }
  return { problems, warnings };
}

/** An error's stack (which starts with its class and message), or its text. */
function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

/** Throws an Error listing every contract problem of `candidate` (see `pluginContractProblems`). */
export async function assertPluginContract(
  candidate: unknown,
  options: PluginContractOptions = {},
): Promise<void> {
  const problems = await pluginContractProblems(candidate, options);
  if (problems.length > 0) {
    throw new Error(
      `not a valid policy-arena plugin (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
}
