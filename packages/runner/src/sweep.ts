/**
 * `arena sweep <config>`: validate everything first (config, plugins, output directory, earlier
 * results in it), then run the trials of this shard that are not finished on a piscina pool of
 * worker threads, resuming unfinished ones from their checkpoints.
 *
 * A trial's results depend only on its spec (the trial loop derives every random stream from the
 * seed and the iteration index), so the worker count, the shard split and interruptions change
 * nothing but the `seconds` fields.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { inject, injectable } from 'inversify';
import { Piscina } from 'piscina';
import { createRootContainer, describeFailure } from './container.js';
import type { TrialOutcome } from './container.js';
import { silentSweepReporter } from './progress.js';
import type { SweepReporter } from './progress.js';
import { UsageError } from './config.js';
import { TYPES } from './services.js';
import type { Clock } from './services.js';
import { ResultsStore, makeDirectories, removeTempFiles } from './store.js';
import type { TrialFailure, TrialState } from './store.js';
import { fingerprint } from './trials.js';
import type { TrialSpec } from './trials.js';
import { LOCK_POLL_MS, LOCK_STALE_MS, lockManifest, lockTrial } from './sweep-locks.js';
import type { Release } from './sweep-locks.js';
import { composeManifest } from './sweep-manifest.js';
import type { PreparedSweep } from './sweep-prepare.js';
import type { SweepTask, SweepWorkerData, WorkerMessage } from './sweep-worker.js';

/**
 * Sampling threads per trial when the config does not say: with T trials at once on C cores, each
 * trial's thread keeps a core busy while it samples in-thread when T ≥ C; otherwise each trial gets
 * ⌊C / T⌋ sampling threads (its own thread waits while they sample), so every core samples.
 */
export function defaultSamplerWorkers(concurrentTrials: number, cores: number): number {
  return concurrentTrials >= cores ? 0 : Math.floor(cores / concurrentTrials);
}

/**
 * The file piscina loads in each worker: dist/sweep-worker-entry.cjs, which imports
 * dist/sweep-worker.js (also when this module runs from src/ under vitest).
 */
export function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../dist/sweep-worker-entry.cjs', here)
    : new URL('./sweep-worker-entry.cjs', here);
  return fileURLToPath(url);
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

/** Runs a prepared sweep. Injected: the results store, the progress reporter and the clock. */
@injectable()
export class SweepRunner {
  constructor(
    @inject(TYPES.ResultsStore) private readonly store: ResultsStore,
    @inject(TYPES.Reporter) private readonly reporter: SweepReporter,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  /** Rewrites manifest.json from the config and every trial's trial.json (all shards), under its lock. */
  async writeManifest(prepared: PreparedSweep): Promise<void> {
    makeDirectories(prepared.outDir);
    const release = await lockManifest(prepared.outDir);
    try {
      removeTempFiles(prepared.outDir);
      this.store.writeManifest(composeManifest(this.store, prepared, this.clock));
    } finally {
      await release();
    }
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
    return lockTrial(dir, onCompromised);
  }

  /** Runs `work` under the trial's lock, briefly; false (and nothing run) when another sweep holds it. */
  private async underLock(spec: TrialSpec, work: () => void): Promise<boolean> {
    const release = await this.tryLock(spec, () => {});
    if (!release) return false;
    try {
      work();
    } finally {
      await release();
    }
    return true;
  }

  private holder(spec: TrialSpec): string {
    const runner = this.store.readState(spec.id)?.runner;
    return runner ? `pid ${runner.pid} on ${runner.host}` : 'another process';
  }

  async run(prepared: PreparedSweep, signal?: AbortSignal): Promise<SweepSummary> {
    const { store } = this;
    for (const spec of prepared.selected) {
      // Under the trial's lock, so that a run of it in another process keeps its files.
      if (prepared.restart.has(spec.id) && !(await this.underLock(spec, () => store.clearTrial(spec.id)))) {
        throw new UsageError(
          `trial ${spec.id} is being run by ${this.holder(spec)}; it was not started over`,
        );
      }
    }
    const pending: TrialSpec[] = [];
    let skipped = 0;
    for (const spec of prepared.selected) {
      if (!this.isComplete(spec)) {
        pending.push(spec);
        continue;
      }
      skipped++;
      // Temporary files a killed writer left: removed under the trial's lock (skipped if it is held).
      await this.underLock(spec, () => removeTempFiles(store.trialDir(spec.id)));
    }
    for (const spec of prepared.trials) {
      // A trial being run is skipped: the sweep holding it adopts it.
      if (prepared.legacy.has(spec.id)) await this.underLock(spec, () => this.adoptLegacy(spec));
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
            : describeFailure(e, current);
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
          // The stack's top frame, so that the console line says where (trial.json keeps the stack).
          const frame = failure.stack ? /\n\s+at (.+)/.exec(failure.stack)?.[1] : undefined;
          const error = `${failure.type}: ${failure.message}${where}${frame ? ` at ${frame}` : ''}`;
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
  container.bind<SweepRunner>(TYPES.SweepRunner).to(SweepRunner);
  return container.get<SweepRunner>(TYPES.SweepRunner).run(prepared, options.signal);
}
