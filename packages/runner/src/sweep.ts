/**
 * `arena sweep <config>`: validate everything first (config, plugins, output directory, earlier
 * results in it), then run the trials of this shard that are not finished on a piscina pool of
 * worker threads, resuming unfinished ones from their checkpoints.
 *
 * A trial's results depend only on its spec (the trial loop derives every random stream from the
 * seed and the iteration index), so the worker count, the shard split and interruptions change
 * nothing but the `seconds` fields.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { inject, injectable } from 'inversify';
import { Piscina } from 'piscina';
import { resolve as resolveModule } from 'import-meta-resolve';
import type { AlgorithmPlugin, Json } from '@policy-arena/core';
import { UsageError } from './config.js';
import { createRootContainer } from './container.js';
import type { TrialOutcome } from './container.js';
import { silentSweepReporter } from './progress.js';
import type { SweepReporter } from './progress.js';
import type { Clock } from './services.js';
import { MANIFEST_FILE, ResultsStore, checkWritable, makeDirectories } from './store.js';
import type { Manifest, ManifestTrial, TrialState } from './store.js';
import { expandTrials, fingerprint, selectShard } from './trials.js';
import type { Shard, TrialSpec } from './trials.js';
import { readSweepConfig } from './sweep-config.js';
import type { LoadedSweepConfig } from './sweep-config.js';
import type { SweepTask, SweepWorkerData, WorkerMessage } from './sweep-worker.js';

export interface SweepOptions {
  readonly builtinPlugins: readonly AlgorithmPlugin[];
  readonly taskIds: readonly string[];
  /** Overrides the config's `out` (relative to cwd). */
  readonly out?: string;
  readonly workers?: number;
  /** Sampling threads per trial (default: the cores left over by the concurrent trials). */
  readonly samplerWorkers?: number;
  readonly shard?: Shard;
  readonly checkpointEvery?: number;
  readonly cwd?: string;
}

export interface PreparedSweep {
  readonly loaded: LoadedSweepConfig;
  /** Every trial of the config. */
  readonly trials: readonly TrialSpec[];
  /** This shard's trials. */
  readonly selected: readonly TrialSpec[];
  readonly outDir: string;
  readonly workers: number;
  /** Sampling threads per trial; undefined: `defaultSamplerWorkers` of the concurrent trials. */
  readonly samplerWorkers: number | undefined;
  readonly checkpointEvery: number;
  readonly shard?: Shard;
}

/** Reads and checks everything; writes nothing. Throws ConfigError or UsageError. */
export async function prepareSweep(configFile: string, options: SweepOptions): Promise<PreparedSweep> {
  const loaded = await readSweepConfig(configFile, {
    builtinPlugins: options.builtinPlugins,
    taskIds: options.taskIds,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const trials = expandTrials(loaded);
  const selected = selectShard(trials, options.shard);
  const cwd = options.cwd ?? process.cwd();
  const outDir =
    options.out !== undefined
      ? path.resolve(cwd, options.out)
      : loaded.config.out !== undefined
        ? path.resolve(path.dirname(loaded.file), loaded.config.out)
        : path.resolve(cwd, 'runs', path.basename(loaded.file).replace(/\.jsonc?$/i, ''));
  const outFlag = options.out !== undefined ? '--out' : '"out"';
  checkWritable(outDir, outFlag);
  if (fs.existsSync(outDir)) {
    const entries = fs.readdirSync(outDir).filter((e) => !e.startsWith('.'));
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new UsageError(
        `${outFlag} "${outDir}" is not empty and holds no sweep (${MANIFEST_FILE}); choose an empty or new directory`,
      );
    }
  }
  const store = new ResultsStore(outDir);
  for (const spec of selected) {
    const print = fingerprint(spec);
    const state = store.readState(spec.id);
    const checkpoint = store.readCheckpoint(spec.id);
    const other = state && state.fingerprint !== print ? state.spec : undefined;
    if (other || (checkpoint && checkpoint.fingerprint !== print)) {
      const changed = other
        ? Object.keys({ ...other, ...spec }).filter(
            (k) =>
              JSON.stringify((other as unknown as Record<string, unknown>)[k]) !==
              JSON.stringify((spec as unknown as Record<string, unknown>)[k]),
          )
        : [];
      throw new UsageError(
        `${outFlag} "${outDir}" holds trial ${spec.id} run with a different spec${changed.length ? ` (${changed.join(', ')} changed)` : ''}; use another output directory or delete ${store.trialDir(spec.id)}`,
      );
    }
  }
  const requested = options.workers ?? loaded.config.workers ?? os.availableParallelism();
  return {
    loaded,
    trials,
    selected,
    outDir,
    workers: Math.max(1, requested),
    samplerWorkers: options.samplerWorkers ?? loaded.config.samplerWorkers,
    checkpointEvery: options.checkpointEvery ?? loaded.config.checkpointEvery ?? 1,
    ...(options.shard ? { shard: options.shard } : {}),
  };
}

/**
 * Sampling threads per trial when the config does not say: with T trials at once on C cores, each
 * trial's thread keeps a core busy while it samples in-thread when T ≥ C; otherwise each trial gets
 * ⌊C / T⌋ sampling threads (its own thread waits while they sample), so every core samples.
 */
export function defaultSamplerWorkers(concurrentTrials: number, cores: number): number {
  return concurrentTrials >= cores ? 0 : Math.floor(cores / concurrentTrials);
}

/** The worker module: dist/sweep-worker.js (also when this module runs from src/ under vitest). */
export function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../dist/sweep-worker.js', here)
    : new URL('./sweep-worker.js', here);
  return fileURLToPath(url);
}

function packageVersionOf(specifier: string): string | undefined {
  try {
    let dir = path.dirname(fileURLToPath(resolveModule(specifier, import.meta.url)));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === specifier) return pkg.version;
      }
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  } catch {
    return undefined;
  }
}

export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  const own = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  versions[own.name] = own.version;
  for (const name of ['@policy-arena/core', '@policy-arena/envs', '@policy-arena/algorithms']) {
    const v = packageVersionOf(name);
    if (v) versions[name] = v;
  }
  return versions;
}

function manifestTrial(spec: TrialSpec, state: TrialState | undefined): ManifestTrial {
  return {
    id: spec.id,
    algorithm: spec.algorithm,
    label: spec.label,
    variant: spec.variant,
    task: spec.task,
    seed: spec.seed,
    grid: spec.grid,
    iterations: spec.iterations,
    stepsPerIteration: spec.stepsPerIteration,
    fingerprint: fingerprint(spec),
    status: state?.status ?? 'pending',
    iterationsDone: state?.iterationsDone ?? 0,
    wallSeconds: state?.wallSeconds ?? 0,
  };
}

export interface SweepSummary {
  readonly total: number;
  readonly skipped: number;
  readonly ran: number;
  readonly failed: readonly { id: string; error: string }[];
  readonly outDir: string;
}

/** Runs a prepared sweep. Injected: the results store, the progress reporter and the clock. */
@injectable()
export class SweepRunner {
  constructor(
    @inject(Symbol.for('policy-arena.ResultsStore')) private readonly store: ResultsStore,
    @inject(Symbol.for('policy-arena.Reporter')) private readonly reporter: SweepReporter,
    @inject(Symbol.for('policy-arena.Clock')) private readonly clock: Clock,
  ) {}

  /** Rewrites manifest.json from the config and every trial's trial.json (all shards). */
  writeManifest(prepared: PreparedSweep): void {
    const { loaded } = prepared;
    const previous = this.store.readManifest();
    const current = new Set(prepared.trials.map((t) => t.id));
    const trials: ManifestTrial[] = prepared.trials.map((spec) =>
      manifestTrial(spec, this.store.readState(spec.id)),
    );
    // Trials of an earlier config of this directory stay listed (their results are still there).
    for (const t of previous?.trials ?? []) {
      if (!current.has(t.id)) {
        const state = this.store.readState(t.id);
        trials.push(state ? manifestTrial(state.spec, state) : t);
      }
    }
    const manifest: Manifest = {
      version: 1,
      name: loaded.config.name ?? path.basename(loaded.file).replace(/\.jsonc?$/i, ''),
      configFile: loaded.file,
      config: loaded.config as unknown as Json,
      preset: loaded.preset,
      seeds: loaded.config.seeds,
      tasks: loaded.config.tasks,
      packages: {
        ...packageVersions(),
        ...Object.fromEntries(
          loaded.thirdParty
            .filter((p) => p.source.packageName && p.source.packageVersion)
            .map((p) => [p.source.packageName!, p.source.packageVersion!]),
        ),
      },
      plugins: loaded.thirdParty.map((p) => ({
        specifier: p.source.specifier,
        name: p.plugin.name,
        ...(p.source.packageName ? { packageName: p.source.packageName } : {}),
        ...(p.source.packageVersion ? { version: p.source.packageVersion } : {}),
      })),
      updatedAt: this.clock.isoDate(),
      trials,
    };
    this.store.writeManifest(manifest);
  }

  private setState(spec: TrialSpec, patch: Partial<TrialState>): void {
    const old = this.store.readState(spec.id);
    const records = this.store.readRecords(spec.id);
    this.store.writeState({
      id: spec.id,
      fingerprint: fingerprint(spec),
      spec,
      status: 'pending',
      starts: [],
      ...old,
      iterationsDone: records.length,
      wallSeconds: records.reduce((s, r) => s + r.seconds, 0),
      ...patch,
      updatedAt: this.clock.isoDate(),
    } as TrialState);
  }

  async run(prepared: PreparedSweep, signal?: AbortSignal): Promise<SweepSummary> {
    const { store } = this;
    const toRun: { spec: TrialSpec; fromIteration: number }[] = [];
    let skipped = 0;
    for (const spec of prepared.selected) {
      const state = store.readState(spec.id);
      if (state?.status === 'done' && store.readRecords(spec.id).length === spec.iterations) skipped++;
      else toRun.push({ spec, fromIteration: store.readCheckpoint(spec.id)?.iteration ?? 0 });
    }
    makeDirectories(prepared.outDir);
    this.writeManifest(prepared);
    const workers = Math.max(1, Math.min(prepared.workers, toRun.length));
    this.reporter.start({ total: prepared.selected.length, alreadyDone: skipped, toRun, workers });
    const failed: { id: string; error: string }[] = [];
    if (toRun.length === 0) {
      this.reporter.stop();
      return { total: prepared.selected.length, skipped, ran: 0, failed, outDir: prepared.outDir };
    }

    const workerData: SweepWorkerData = {
      outDir: prepared.outDir,
      pluginSources: prepared.loaded.thirdParty.map((p) => p.source),
      backend: prepared.loaded.backend,
      checkpointEvery: prepared.checkpointEvery,
      samplerWorkers: prepared.samplerWorkers ?? defaultSamplerWorkers(workers, os.availableParallelism()),
    };
    const pool = new Piscina<SweepTask, TrialOutcome>({
      filename: workerFile(),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      atomics: 'disabled',
      workerData,
    });
    const abort = () => void pool.destroy();
    signal?.addEventListener('abort', abort);
    try {
      await Promise.all(
        toRun.map(async ({ spec }) => {
          const { port1, port2 } = new MessageChannel();
          let started = false;
          let finished = false;
          const markStarted = (fromIteration: number) => {
            started = true;
            this.setState(spec, {
              status: 'running',
              starts: [...(store.readState(spec.id)?.starts ?? []), fromIteration],
            });
            this.writeManifest(prepared);
            this.reporter.trialStarted(spec, fromIteration);
          };
          port1.on('message', (m: WorkerMessage) => {
            if (finished) return;
            if (m.type === 'started') markStarted(m.fromIteration);
            else this.reporter.iteration(spec, m);
          });
          try {
            const outcome = await pool.run({ spec, port: port2 }, { transferList: [port2] });
            if (!started) markStarted(outcome.fromIteration);
            finished = true;
            this.setState(spec, { status: 'done' });
            this.reporter.trialFinished(spec, {
              status: 'done',
              ...(outcome.last ? { last: outcome.last } : {}),
            });
          } catch (e) {
            finished = true;
            if (signal?.aborted) return;
            const error = (e as Error).message ?? String(e);
            failed.push({ id: spec.id, error });
            this.setState(spec, { status: 'failed', error });
            this.reporter.trialFinished(spec, { status: 'failed', error });
          } finally {
            port1.close();
          }
          this.writeManifest(prepared);
        }),
      );
    } finally {
      signal?.removeEventListener('abort', abort);
      this.reporter.stop();
      await pool.destroy();
    }
    return { total: prepared.selected.length, skipped, ran: toRun.length, failed, outDir: prepared.outDir };
  }
}

/** Builds the main thread's container and runs the sweep. */
export async function runSweep(
  prepared: PreparedSweep,
  options: { reporter?: SweepReporter; clock?: Clock; signal?: AbortSignal } = {},
): Promise<SweepSummary> {
  const container = createRootContainer({
    plugins: prepared.loaded.plugins,
    backend: prepared.loaded.backend,
    store: new ResultsStore(prepared.outDir),
    reporter: options.reporter ?? silentSweepReporter,
    checkpointEvery: prepared.checkpointEvery,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  container.bind<SweepRunner>(Symbol.for('policy-arena.SweepRunner')).to(SweepRunner);
  return container.get<SweepRunner>(Symbol.for('policy-arena.SweepRunner')).run(prepared, options.signal);
}
