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
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { inject, injectable } from 'inversify';
import { Piscina } from 'piscina';
import lockfile from 'proper-lockfile';
import { resolve as resolveModule } from 'import-meta-resolve';
import type { AlgorithmPlugin, Json } from '@policy-arena/core';
import { UsageError } from './config.js';
import { createRootContainer } from './container.js';
import type { TrialOutcome } from './container.js';
import { silentSweepReporter } from './progress.js';
import type { SweepReporter } from './progress.js';
import type { Clock } from './services.js';
import { checkOutputDir } from './output-dir.js';
import { MANIFEST_FILE, ResultsStore, makeDirectories, removeTempFiles } from './store.js';
import type { Manifest, ManifestTrial, TrialFailure, TrialState } from './store.js';
import { canonicalJson, expandTrials, fingerprint, selectShard, shortHash } from './trials.js';
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
  /** Seconds without a finished iteration before a trial is stopped (default: config, else 3600). */
  readonly iterationTimeout?: number;
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
  readonly iterationTimeout: number;
  readonly shard?: Shard;
  /**
   * Trials recorded before fingerprints covered the plugin's identity, whose recorded package
   * version (the manifest's) is the current one: their files get the current fingerprint when run.
   */
  readonly legacy: ReadonlySet<string>;
}

/** Default of `iterationTimeout`: generous next to a paper-size iteration (≈ 1 min on 2 cores). */
export const DEFAULT_ITERATION_TIMEOUT_S = 3600;

/** The fingerprint a spec had before it carried its plugin's identity (results of 0.1.0 and earlier). */
function legacyFingerprint(spec: TrialSpec): string {
  const { id: _id, plugin: _plugin, ...rest } = spec;
  return shortHash(canonicalJson(rest), 16);
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
  checkOutputDir(outDir, outFlag);
  if (fs.existsSync(outDir)) {
    const entries = fs.readdirSync(outDir).filter((e) => !e.startsWith('.'));
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new UsageError(
        `${outFlag} "${outDir}" is not empty and holds no sweep (${MANIFEST_FILE}); choose an empty or new directory`,
      );
    }
  }
  const store = new ResultsStore(outDir);
  const recordedVersions = store.readManifest()?.packages ?? {};
  const legacy = new Set<string>();
  const mine = new Set(selected.map((t) => t.id));
  // Legacy results are looked for in every shard's trials: the first sweep with this version adopts
  // them all, before its manifest (whose package versions are the evidence) is rewritten.
  for (const spec of trials) {
    const print = fingerprint(spec);
    const state = store.readState(spec.id);
    const checkpoint = store.readCheckpoint(spec.id);
    const stored = [state?.fingerprint, checkpoint?.fingerprint].filter((f) => f !== undefined);
    if (stored.every((f) => f === print)) continue;
    if (
      stored.every((f) => f === print || f === legacyFingerprint(spec)) &&
      (!state || !('plugin' in state.spec)) &&
      recordedVersions[spec.plugin.package] === spec.plugin.version
    ) {
      legacy.add(spec.id);
      continue;
    }
    if (!mine.has(spec.id)) continue; // another shard's problem
    const other = state && state.fingerprint !== print ? state.spec : undefined;
    const changed = other
      ? Object.keys({ ...other, ...spec }).filter(
          (k) =>
            JSON.stringify((other as unknown as Record<string, unknown>)[k]) !==
            JSON.stringify((spec as unknown as Record<string, unknown>)[k]),
        )
      : [];
    const was = other?.plugin;
    const upgrade =
      was && (was.package !== spec.plugin.package || was.version !== spec.plugin.version)
        ? `; it ran ${was.package}@${was.version}, this sweep has ${spec.plugin.package}@${spec.plugin.version}`
        : '';
    throw new UsageError(
      `${outFlag} "${outDir}" holds trial ${spec.id} run with a different spec${changed.length ? ` (${changed.join(', ')} changed)` : ''}${upgrade}; use another output directory or delete ${store.trialDir(spec.id)}`,
    );
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
    iterationTimeout:
      options.iterationTimeout ?? loaded.config.iterationTimeout ?? DEFAULT_ITERATION_TIMEOUT_S,
    ...(options.shard ? { shard: options.shard } : {}),
    legacy,
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
  /** Trials that another sweep process on the same directory ran while this one waited. */
  readonly doneElsewhere: number;
  readonly outDir: string;
}

/**
 * Locks. A trial is run only by the process holding its lock, `trials/<id>/.lock` (proper-lockfile:
 * an atomic mkdir, its mtime refreshed every LOCK_UPDATE_MS); a lock not refreshed for
 * LOCK_STALE_MS is stale — its sweep was killed or lost its machine — and the next sweep takes it
 * over and resumes the trial from its checkpoint. manifest.json is rewritten under its own lock, so
 * two sweeps never interleave read-modify-write cycles.
 */
export const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_500;
/** How often a sweep waiting for trials held by another sweep looks again. */
const LOCK_POLL_MS = 1_000;

/** A trial stopped for going `iterationTimeout` seconds without finishing an iteration. */
export class IterationTimeoutError extends Error {
  override name = 'IterationTimeoutError';
}

type Release = () => Promise<void>;

/** Runs a prepared sweep. Injected: the results store, the progress reporter and the clock. */
@injectable()
export class SweepRunner {
  constructor(
    @inject(Symbol.for('policy-arena.ResultsStore')) private readonly store: ResultsStore,
    @inject(Symbol.for('policy-arena.Reporter')) private readonly reporter: SweepReporter,
    @inject(Symbol.for('policy-arena.Clock')) private readonly clock: Clock,
  ) {}

  /** Rewrites manifest.json from the config and every trial's trial.json (all shards), under its lock. */
  async writeManifest(prepared: PreparedSweep): Promise<void> {
    makeDirectories(prepared.outDir);
    const release = await lockfile.lock(prepared.outDir, {
      realpath: false,
      lockfilePath: path.join(prepared.outDir, '.manifest.lock'),
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: { retries: 200, minTimeout: 20, maxTimeout: 250 },
    });
    try {
      removeTempFiles(prepared.outDir);
      this.store.writeManifest(this.composeManifest(prepared));
    } finally {
      await release();
    }
  }

  private composeManifest(prepared: PreparedSweep): Manifest {
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
    return {
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
  }

  private setState(spec: TrialSpec, patch: Partial<TrialState>): void {
    const old = this.store.readState(spec.id);
    const records = this.store.readRecords(spec.id);
    const { error: _error, failure: _failure, ...kept } = old ?? ({} as Partial<TrialState>);
    this.store.writeState({
      status: 'pending',
      starts: [],
      ...kept,
      id: spec.id,
      fingerprint: fingerprint(spec),
      spec,
      iterationsDone: records.length,
      wallSeconds: records.reduce((s, r) => s + r.seconds, 0),
      runner: { pid: process.pid, host: os.hostname() },
      ...patch,
      updatedAt: this.clock.isoDate(),
    } as TrialState);
  }

  private isComplete(spec: TrialSpec): boolean {
    const state = this.store.readState(spec.id);
    return state?.status === 'done' && this.store.readRecords(spec.id).length === spec.iterations;
  }

  /** Progress output must never change a trial's outcome: a reporter that throws is reported, not fatal. */
  private report(call: (r: SweepReporter) => void): void {
    try {
      call(this.reporter);
    } catch (e) {
      process.emitWarning(`arena: progress reporter failed: ${(e as Error).message ?? e}`);
    }
  }

  /** Locks the trial, or undefined when another live sweep holds its lock. */
  private async tryLock(spec: TrialSpec, onCompromised: (e: Error) => void): Promise<Release | undefined> {
    const dir = this.store.trialDir(spec.id);
    makeDirectories(dir);
    try {
      return await lockfile.lock(dir, {
        realpath: false,
        lockfilePath: path.join(dir, '.lock'),
        stale: LOCK_STALE_MS,
        update: LOCK_UPDATE_MS,
        retries: 0,
        onCompromised,
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'ELOCKED') return undefined;
      throw e;
    }
  }

  private holder(spec: TrialSpec): string {
    const runner = this.store.readState(spec.id)?.runner;
    return runner ? `pid ${runner.pid} on ${runner.host}` : 'another process';
  }

  async run(prepared: PreparedSweep, signal?: AbortSignal): Promise<SweepSummary> {
    const { store } = this;
    const pending: TrialSpec[] = [];
    let skipped = 0;
    for (const spec of prepared.selected) {
      if (!this.isComplete(spec)) {
        pending.push(spec);
        continue;
      }
      skipped++;
      // Temporary files a killed writer left: removed under the trial's lock (skipped if it is held).
      const release = await this.tryLock(spec, () => {});
      if (release) {
        removeTempFiles(store.trialDir(spec.id));
        await release();
      }
    }
    for (const spec of prepared.trials) {
      if (!prepared.legacy.has(spec.id)) continue;
      const release = await this.tryLock(spec, () => {});
      if (!release) continue; // being run: the sweep holding it adopts it
      try {
        this.adoptLegacy(spec);
      } finally {
        await release();
      }
    }
    await this.writeManifest(prepared);
    const toRun = pending.map((spec) => ({
      spec,
      fromIteration: store.readCheckpoint(spec.id)?.iteration ?? 0,
    }));
    const workers = Math.max(1, Math.min(prepared.workers, toRun.length));
    this.report((r) => r.start({ total: prepared.selected.length, alreadyDone: skipped, toRun, workers }));
    const failed: { id: string; error: string }[] = [];
    let ran = 0;
    let doneElsewhere = 0;
    if (toRun.length === 0) {
      this.report((r) => r.stop());
      return {
        total: prepared.selected.length,
        skipped,
        ran,
        failed,
        doneElsewhere,
        outDir: prepared.outDir,
      };
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

    const waitingNoted = new Set<string>();
    /** The next trial this process may run, locked; 'wait' while the rest are held elsewhere. */
    const claimNext = async (): Promise<
      { spec: TrialSpec; release: Release; lost: AbortController } | 'wait' | 'empty'
    > => {
      const heldElsewhere: TrialSpec[] = [];
      try {
        for (let spec = pending.shift(); spec; spec = pending.shift()) {
          const lost = new AbortController();
          const release = await this.tryLock(spec, (e) => lost.abort(e));
          if (!release) {
            heldElsewhere.push(spec);
            if (!waitingNoted.has(spec.id)) {
              waitingNoted.add(spec.id);
              this.report((r) =>
                r.note(
                  `wait   ${spec.id}: being run by another sweep (${this.holder(spec)}); this sweep takes it over if that one stops for ${LOCK_STALE_MS / 1000} s`,
                ),
              );
            }
            continue;
          }
          removeTempFiles(store.trialDir(spec.id));
          if (this.isComplete(spec)) {
            // Finished by another sweep after this one listed it.
            await release();
            doneElsewhere++;
            this.report((r) =>
              r.trialFinished(spec, { status: 'done', by: `another sweep (${this.holder(spec)})` }),
            );
            continue;
          }
          // Claimed: say who runs it, for a sweep that finds the lock taken.
          this.setState(spec, { status: 'running' });
          return { spec, release, lost };
        }
      } finally {
        pending.push(...heldElsewhere);
      }
      return heldElsewhere.length > 0 ? 'wait' : 'empty';
    };

    const runClaimed = async (spec: TrialSpec, release: Release, lost: AbortController): Promise<void> => {
      const { port1, port2 } = new MessageChannel();
      let started = false;
      let finished = false;
      let current = store.readCheckpoint(spec.id)?.iteration ?? 0;
      const stop = new AbortController();
      let timedOut = false;
      const timeoutMs = prepared.iterationTimeout * 1000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const armTimer = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, timeoutMs);
      };
      const onLost = () => stop.abort();
      lost.signal.addEventListener('abort', onLost);
      const markStarted = async (fromIteration: number) => {
        started = true;
        current = fromIteration;
        this.setState(spec, {
          status: 'running',
          starts: [...(store.readState(spec.id)?.starts ?? []), fromIteration],
        });
        this.report((r) => r.trialStarted(spec, fromIteration));
        await this.writeManifest(prepared);
      };
      port1.on('message', (m: WorkerMessage) => {
        if (finished) return;
        armTimer();
        if (m.type === 'started') {
          markStarted(m.fromIteration).catch((e: unknown) =>
            process.emitWarning(`arena: could not record the start of ${spec.id}: ${(e as Error).message}`),
          );
        } else {
          current = m.iteration + 1;
          this.report((r) => r.iteration(spec, m));
        }
      });
      let failure: TrialFailure | undefined;
      let outcome: TrialOutcome | undefined;
      try {
        armTimer();
        ran++;
        outcome = await pool.run({ spec, port: port2 }, { transferList: [port2], signal: stop.signal });
        failure = outcome.failure;
      } catch (e) {
        if (signal?.aborted) {
          await release().catch(() => {});
          return;
        }
        failure = timedOut
          ? {
              type: 'IterationTimeoutError',
              message: `iteration ${current + 1} of ${spec.iterations} did not finish within ${prepared.iterationTimeout} s (iterationTimeout); its worker thread was terminated`,
              iteration: current,
            }
          : lost.signal.aborted
            ? {
                type: 'LockLostError',
                message: `another sweep took over this trial's lock (this process did not refresh it for ${LOCK_STALE_MS / 1000} s); that sweep continues it`,
                iteration: current,
              }
            : {
                type: (e as Error).name ?? 'Error',
                message: (e as Error).message ?? String(e),
                ...((e as Error).stack ? { stack: (e as Error).stack! } : {}),
                iteration: current,
              };
      } finally {
        finished = true;
        if (timer) clearTimeout(timer);
        lost.signal.removeEventListener('abort', onLost);
        port1.close();
      }
      try {
        if (lost.signal.aborted) {
          // The trial's files now belong to the sweep that took the lock: write nothing there.
          failed.push({ id: spec.id, error: failure?.message ?? 'lock lost' });
          this.report((r) =>
            r.trialFinished(spec, { status: 'failed', error: failure?.message ?? 'lock lost' }),
          );
          return;
        }
        if (!started) await markStarted(outcome?.fromIteration ?? current);
        if (failure) {
          const where = failure.iteration !== undefined ? ` (iteration ${failure.iteration + 1})` : '';
          const error = `${failure.type}: ${failure.message}${where}`;
          failed.push({ id: spec.id, error });
          this.setState(spec, { status: 'failed', error: failure.message, failure });
          this.report((r) => r.trialFinished(spec, { status: 'failed', error }));
        } else {
          this.setState(spec, { status: 'done' });
          this.report((r) =>
            r.trialFinished(spec, { status: 'done', ...(outcome?.last ? { last: outcome.last } : {}) }),
          );
        }
        await this.writeManifest(prepared);
      } finally {
        await release().catch(() => {});
      }
    };

    const lane = async (): Promise<void> => {
      while (!signal?.aborted) {
        const claim = await claimNext();
        if (claim === 'empty') return;
        if (claim === 'wait') {
          await sleep(LOCK_POLL_MS, undefined, signal ? { signal } : {}).catch(() => {});
          continue;
        }
        await runClaimed(claim.spec, claim.release, claim.lost);
      }
    };
    try {
      await Promise.all(Array.from({ length: workers }, lane));
    } finally {
      signal?.removeEventListener('abort', abort);
      this.report((r) => r.stop());
      await pool.destroy();
    }
    return { total: prepared.selected.length, skipped, ran, failed, doneElsewhere, outDir: prepared.outDir };
  }

  /** Gives a legacy trial's files the current fingerprint (the prepare step checked its version). */
  private adoptLegacy(spec: TrialSpec): void {
    const print = fingerprint(spec);
    const state = this.store.readState(spec.id);
    if (state && state.fingerprint !== print) this.store.writeState({ ...state, spec, fingerprint: print });
    const checkpoint = this.store.readCheckpoint(spec.id);
    if (checkpoint && checkpoint.fingerprint !== print) {
      this.store.writeCheckpoint(spec.id, print, {
        iteration: checkpoint.iteration,
        envSteps: checkpoint.envSteps,
        params: Float64Array.from(checkpoint.params),
        optimizerState: checkpoint.optimizerState,
      });
    }
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
