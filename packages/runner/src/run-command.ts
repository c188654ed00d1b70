/**
 * `arena run`: one trial, run as a one-trial sweep. The flags become an in-memory sweep config,
 * which goes through the sweep's own preparation and runner: the same trial spec and id, results
 * store, locks, checkpoints, failure records and iteration timeout, on a worker thread of its own.
 * So `arena report` reads a run directory, and running the same command again resumes it.
 *
 * Everything is validated first (so bad input writes nothing); then one progress line per
 * iteration goes to stderr, and the result to stdout (`runResult`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Json, PresetName, BackendName } from '@policy-arena/core';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { UsageError, checkBackend, checkThreadCount, parseSetting, resolvePluginConfig } from './config.js';
import { budgetFor } from './presets.js';
import { didYouMean } from './config-messages.js';
import { checkOutputDir } from './output-dir.js';
import { commandPlugins } from './plugins.js';
import { scoreText } from './progress.js';
import type { SweepPlan, SweepReporter } from './progress.js';
import { systemClock } from './services.js';
import type { Clock, IterationUpdate } from './services.js';
import { MANIFEST_FILE, ResultsStore } from './store.js';
import { POLICY_FILE_NAMES, loadPolicy } from './saved-policies.js';
import type { LoadedPolicy } from './saved-policies.js';
import type { LoadedSweepConfig } from './sweep-config.js';
import { prepareLoadedSweep } from './sweep-prepare.js';
import type { PreparedSweep } from './sweep-prepare.js';
import type { SweepConfig } from './sweep-schema.js';
import { runSweep } from './sweep.js';
import type { SweepSummary } from './sweep.js';
import type { IterationRecord } from './trial.js';
import type { TrialSpec } from './trials.js';

export interface RawRunOptions {
  algo: string;
  env: string;
  seed: string;
  preset: PresetName;
  iterations?: string;
  batchSize?: string;
  backend: BackendName;
  workers?: string;
  set?: string[];
  out: string;
  force?: boolean;
  quiet?: boolean;
  /** Third-party plugin packages or ./paths (--plugin). */
  plugin?: string[];
  /** Periodic deterministic evaluation: every n iterations, over m episodes. */
  evalEvery?: string;
  evalEpisodes?: string;
}

export interface PreparedRun {
  /** The one-trial sweep. */
  readonly sweep: PreparedSweep;
  /** Its trial: the spec a sweep config with this algorithm, task, seed and settings would make. */
  readonly spec: TrialSpec;
  readonly quiet: boolean;
  /** Files of an old-layout run in the output directory, deleted before the trial runs (--force). */
  readonly replaced: readonly string[];
}

/** What `arena run` wrote before it was a one-trial sweep; such a directory is not resumable. */
const OLD_LAYOUT = ['metrics.jsonl', 'run.json'];

/** Stands in for a config file's path in the manifest (`configFile`) and in error messages. */
export const RUN_CONFIG_FILE = '(arena run)';

function integerOption(flag: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} must be an integer, got "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a safe integer, got "${text}"`);
  if (n < min) throw new UsageError(`${flag} must be ≥ ${min}, got ${n}`);
  return n;
}

export async function prepareRun(raw: RawRunOptions): Promise<PreparedRun> {
  const specifiers = raw.plugin ?? [];
  const { plugins, thirdParty } = await commandPlugins(builtinPlugins, specifiers);
  const plugin = plugins.find((p) => p.name === raw.algo);
  if (!plugin) {
    const names = plugins.map((p) => p.name);
    throw new UsageError(
      `unknown algorithm "${raw.algo}"; valid: ${names.join(', ')}${didYouMean(raw.algo, names)}`,
    );
  }
  if (!defaultEnvRegistry.has(raw.env)) {
    const ids = defaultEnvRegistry.ids();
    throw new UsageError(`unknown env "${raw.env}"; valid: ${ids.join(', ')}${didYouMean(raw.env, ids)}`);
  }
  const seed = integerOption('--seed', raw.seed, 0);
  const budget = budgetFor(raw.preset, raw.env);
  const iterations =
    raw.iterations === undefined ? budget.iterations : integerOption('--iterations', raw.iterations, 1);
  const stepsPerIteration =
    raw.batchSize === undefined ? budget.stepsPerIteration : integerOption('--batch-size', raw.batchSize, 1);
  const workers =
    raw.workers === undefined ? os.availableParallelism() : integerOption('--workers', raw.workers, 0);
  checkThreadCount('--workers', workers);
  const settings = Object.fromEntries((raw.set ?? []).map(parseSetting)) as Record<string, Json>;
  // Checked here for its messages, which name the flag; the sweep's expansion merges the same way.
  resolvePluginConfig(plugin, raw.preset, raw.env, settings);
  await checkBackend('--backend', raw.backend);
  checkOutputDir(raw.out, '--out');
  const outDir = path.resolve(raw.out);
  const oldLayout =
    !fs.existsSync(path.join(outDir, MANIFEST_FILE)) &&
    OLD_LAYOUT.every((f) => fs.existsSync(path.join(outDir, f)));
  if (oldLayout && !raw.force) {
    throw new UsageError(
      `--out "${raw.out}" holds a run in the layout before results stores (${OLD_LAYOUT.join(', ')}), which cannot be resumed; pass --force to replace it, or use another output directory`,
    );
  }

  const config: SweepConfig = {
    name: path.basename(outDir),
    preset: raw.preset,
    backend: raw.backend,
    ...(specifiers.length ? { plugins: specifiers } : {}),
    algorithms: [{ name: plugin.name, ...(Object.keys(settings).length ? { settings } : {}) }],
    tasks: [raw.env],
    seeds: [seed],
    budget: { iterations, stepsPerIteration },
    ...(raw.evalEvery !== undefined
      ? {
          evaluation: {
            every: integerOption('--eval-every', raw.evalEvery, 1),
            ...(raw.evalEpisodes !== undefined
              ? { episodes: integerOption('--eval-episodes', raw.evalEpisodes, 1) }
              : {}),
          },
        }
      : {}),
    workers: 1,
    samplerWorkers: workers,
  };
  const loaded: LoadedSweepConfig = {
    file: RUN_CONFIG_FILE,
    text: JSON.stringify(config),
    config,
    preset: raw.preset,
    backend: raw.backend,
    plugins,
    thirdParty,
  };
  const sweep = prepareLoadedSweep(loaded, {
    builtinPlugins,
    taskIds: defaultEnvRegistry.ids(),
    out: outDir,
    restart: { flag: '--force', forced: raw.force ?? false },
    // --force replaced such a run before, and `pnpm demo` passes it: keep that working.
    ...(oldLayout ? { replaced: OLD_LAYOUT } : {}),
  });
  const [spec] = sweep.selected;
  if (!spec || sweep.selected.length !== 1) throw new Error('arena run: expected exactly one trial');
  return { sweep, spec, quiet: raw.quiet ?? false, replaced: oldLayout ? OLD_LAYOUT : [] };
}

/** The progress line of one iteration, as `arena run` printed it before it ran through the sweep. */
export function formatProgress(
  spec: TrialSpec,
  r: IterationUpdate,
  elapsed: number,
  fromIteration = 0,
): string {
  const done = r.iteration + 1;
  // The rate of this process only: resumed iterations took no time here.
  const eta = (elapsed / Math.max(1, done - fromIteration)) * (spec.iterations - done);
  const kl = typeof r.meanKl === 'number' ? `  KL ${r.meanKl.toFixed(4)}` : '';
  return (
    `[${spec.algorithm} ${spec.task} seed ${spec.seed}] iter ${String(done).padStart(String(spec.iterations).length)}/${spec.iterations}` +
    `  score/step ${scoreText(r.perStepReward)}  return ${scoreText(r.meanReturn, 1)}${kl}` +
    `  steps ${r.envSteps}  ${elapsed.toFixed(1)}s  ETA ${eta.toFixed(0)}s\n`
  );
}

/** `arena run`'s progress: a line per iteration (the sweep's reporters show bars and trial lines). */
export class RunReporter implements SweepReporter {
  private startedAt = 0;
  private fromIteration = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  start(plan: SweepPlan): void {
    this.startedAt = this.clock.now();
    this.fromIteration = plan.toRun[0]?.fromIteration ?? 0;
  }
  trialStarted(trial: TrialSpec, fromIteration: number): void {
    // From here, as when the trial ran in this thread: the worker thread's start-up is not the trial's.
    this.startedAt = this.clock.now();
    this.fromIteration = fromIteration;
    if (fromIteration > 0) {
      this.write(
        `[${trial.algorithm} ${trial.task} seed ${trial.seed}] resuming at iteration ${fromIteration + 1} of ${trial.iterations}\n`,
      );
    }
  }
  iteration(trial: TrialSpec, update: IterationUpdate): void {
    const elapsed = (this.clock.now() - this.startedAt) / 1000;
    this.write(formatProgress(trial, update, elapsed, this.fromIteration));
  }
  trialFinished(): void {}
  note(line: string): void {
    this.write(line + '\n');
  }
  stop(): void {}
}

export interface RunResult {
  readonly summary: SweepSummary;
  /** The trial's records, all of them (resumed runs included). */
  readonly records: IterationRecord[];
  /** The trial's metrics.jsonl. */
  readonly metricsFile: string;
  /** The failure line, when the trial failed. */
  readonly failure?: string;
  /** The saved final policy, when the trial finished. */
  readonly policy?: LoadedPolicy;
}

function finalPolicyOf(store: ResultsStore, id: string): LoadedPolicy | undefined {
  const file = path.join(store.trialDir(id), POLICY_FILE_NAMES.final);
  return fs.existsSync(file) ? loadPolicy(file) : undefined;
}

export async function executeRun(run: PreparedRun, signal?: AbortSignal): Promise<RunResult> {
  const write = (text: string) => {
    if (!run.quiet) process.stderr.write(text);
  };
  for (const file of run.replaced) fs.rmSync(path.join(run.sweep.outDir, file), { force: true });
  const summary = await runSweep(run.sweep, {
    reporter: new RunReporter(write),
    ...(signal ? { signal } : {}),
  });
  const store = new ResultsStore(run.sweep.outDir);
  const records = store.readRecords(run.spec.id);
  const metricsFile = store.metricsFile(run.spec.id);
  const failed = summary.failed.find((f) => f.id === run.spec.id);
  if (failed) {
    return { summary, records, metricsFile, failure: `trial ${failed.id} failed: ${failed.error}` };
  }
  if (signal?.aborted) return { summary, records, metricsFile };
  if (summary.skipped > 0) {
    write(
      `[${run.spec.algorithm} ${run.spec.task} seed ${run.spec.seed}] already complete (${records.length} iterations); pass --force to run it again\n`,
    );
  }
  const saved = finalPolicyOf(store, run.spec.id);
  return { summary, records, metricsFile, ...(saved ? { policy: saved } : {}) };
}

/**
 * The result of `arena run`, for stdout (progress goes to stderr): its final score as a line, or
 * with --json one JSON object — the trial, its status, its resolved settings, its last iteration's
 * scores and where its files are.
 */
export function runResult(run: PreparedRun, result: RunResult, json: boolean): string {
  const last = result.records.at(-1);
  if (!json) {
    if (result.failure || !last) return '';
    const e = result.policy?.file.evaluation;
    return (
      `done: final score/step ${scoreText(last.perStepReward)} (return ${scoreText(last.meanReturn, 1)}) → ${result.metricsFile}\n` +
      (e
        ? `policy: deterministic score/step ${scoreText(e.perStepReward)} over ${e.episodes} episodes (seed ${e.seed}) → ${result.policy!.path}\n`
        : '')
    );
  }
  const { spec } = run;
  const object = {
    trial: spec.id,
    algorithm: spec.algorithm,
    task: spec.task,
    seed: spec.seed,
    preset: spec.preset,
    iterations: spec.iterations,
    stepsPerIteration: spec.stepsPerIteration,
    config: spec.config,
    status: result.failure ? 'failed' : result.records.length >= spec.iterations ? 'done' : 'unfinished',
    iterationsDone: result.records.length,
    alreadyComplete: !result.failure && result.summary.skipped > 0,
    final: last
      ? {
          iteration: last.iteration + 1,
          envSteps: last.envSteps,
          perStepReward: last.perStepReward ?? null,
          meanReturn: last.meanReturn ?? null,
        }
      : null,
    ...(result.failure ? { failure: result.failure } : {}),
    ...(result.policy?.file.evaluation ? { evaluation: result.policy.file.evaluation } : {}),
    out: run.sweep.outDir,
    metrics: result.metricsFile,
    ...(result.policy ? { policy: result.policy.path } : {}),
  };
  return JSON.stringify(object) + '\n';
}
