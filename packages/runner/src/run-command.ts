/**
 * `arena run`: validate everything first (so bad input writes nothing), then run one trial,
 * appending one JSONL line per iteration to <out>/metrics.jsonl and printing a progress line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AlgorithmPlugin, BackendName, PresetName } from '@policy-arena/core';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { UsageError, checkBackend, checkThreadCount, parseSetting, resolvePluginConfig } from './config.js';
import { budgetFor } from './presets.js';
import { checkOutputDir } from './output-dir.js';
import { makeDirectories } from './store.js';
import { runTrial } from './trial.js';
import type { IterationRecord } from './trial.js';
import { scoreText } from './progress.js';

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
}

export interface PreparedRun {
  readonly plugin: AlgorithmPlugin;
  readonly config: Record<string, unknown>;
  readonly envId: string;
  readonly seed: number;
  readonly preset: PresetName;
  readonly iterations: number;
  readonly stepsPerIteration: number;
  readonly backend: BackendName;
  /** Sampling worker threads (0: sample in the main thread). Results do not depend on it. */
  readonly workers: number;
  readonly outDir: string;
  readonly quiet: boolean;
}

export const METRICS_FILE = 'metrics.jsonl';
export const RUN_FILE = 'run.json';

function integerOption(flag: string, text: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} must be an integer, got "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a safe integer, got "${text}"`);
  if (n < min) throw new UsageError(`${flag} must be ≥ ${min}, got ${n}`);
  return n;
}

export async function prepareRun(raw: RawRunOptions): Promise<PreparedRun> {
  const plugin = builtinPlugins.find((p) => p.name === raw.algo);
  if (!plugin) {
    throw new UsageError(
      `unknown algorithm "${raw.algo}"; valid: ${builtinPlugins.map((p) => p.name).join(', ')}`,
    );
  }
  if (!defaultEnvRegistry.has(raw.env)) {
    throw new UsageError(`unknown env "${raw.env}"; valid: ${defaultEnvRegistry.ids().join(', ')}`);
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
  const settings = Object.fromEntries((raw.set ?? []).map(parseSetting));
  const config = resolvePluginConfig(plugin, raw.preset, raw.env, settings);
  await checkBackend('--backend', raw.backend);
  checkOutputDir(raw.out, '--out');
  if (!raw.force && fs.existsSync(path.join(raw.out, METRICS_FILE))) {
    throw new UsageError(
      `--out "${raw.out}" already holds a run (${METRICS_FILE}); pass --force to overwrite`,
    );
  }
  return {
    plugin,
    config,
    envId: raw.env,
    seed,
    preset: raw.preset,
    iterations,
    stepsPerIteration,
    backend: raw.backend,
    workers,
    outDir: raw.out,
    quiet: raw.quiet ?? false,
  };
}

function formatProgress(run: PreparedRun, r: IterationRecord, elapsed: number): string {
  const done = r.iteration + 1;
  const eta = (elapsed / done) * (run.iterations - done);
  const kl = typeof r['meanKl'] === 'number' ? `  KL ${r['meanKl'].toFixed(4)}` : '';
  return (
    `[${run.plugin.name} ${run.envId} seed ${run.seed}] iter ${String(done).padStart(String(run.iterations).length)}/${run.iterations}` +
    `  score/step ${scoreText(r.perStepReward)}  return ${scoreText(r.meanReturn, 1)}${kl}` +
    `  steps ${r.envSteps}  ${elapsed.toFixed(1)}s  ETA ${eta.toFixed(0)}s\n`
  );
}

export async function executeRun(run: PreparedRun): Promise<IterationRecord[]> {
  makeDirectories(run.outDir);
  const metricsPath = path.join(run.outDir, METRICS_FILE);
  fs.writeFileSync(metricsPath, '');
  fs.writeFileSync(
    path.join(run.outDir, RUN_FILE),
    JSON.stringify(
      {
        algorithm: run.plugin.name,
        env: run.envId,
        seed: run.seed,
        preset: run.preset,
        iterations: run.iterations,
        stepsPerIteration: run.stepsPerIteration,
        backend: run.backend,
        workers: run.workers,
        config: run.config,
        node: process.version,
      },
      null,
      2,
    ) + '\n',
  );
  const started = performance.now();
  const { records } = await runTrial({
    plugin: run.plugin,
    config: run.config,
    envId: run.envId,
    seed: run.seed,
    iterations: run.iterations,
    stepsPerIteration: run.stepsPerIteration,
    backend: run.backend,
    samplerWorkers: run.workers,
    onIteration: (record) => {
      fs.appendFileSync(metricsPath, JSON.stringify(record) + '\n');
      if (!run.quiet) process.stderr.write(formatProgress(run, record, (performance.now() - started) / 1000));
    },
  });
  const last = records.at(-1);
  if (last && !run.quiet) {
    process.stderr.write(
      `done: final score/step ${scoreText(last.perStepReward)} (return ${scoreText(last.meanReturn, 1)}) → ${metricsPath}\n`,
    );
  }
  return records;
}
