/**
 * `arena worker --queue <url>`: pulls trial jobs from a BullMQ queue and runs each through the
 * sweep's own runner (`runSweep` on a one-trial selection of the job's sweep): the same worker
 * thread per trial, sampling threads, results store, per-trial lock, checkpoints and failure
 * records as a local `arena sweep`. So a trial run by a queue worker has the records a local sweep
 * would write, and a trial one worker left unfinished resumes from its checkpoint on another.
 *
 * A worker that dies mid-trial (SIGKILL, a lost machine) stops renewing its job's BullMQ lock; after
 * `stallTimeout` seconds the lock expires, the stalled-job check of any live worker (every
 * `stallTimeout` seconds) moves the job back to waiting (at most `maxStalls` times, then it fails),
 * and the next worker to take it waits for the trial directory's lock to go stale (10 s, as between
 * two sweeps on one directory) and resumes the trial from its last checkpoint. The directory lock,
 * not the queue, is what keeps two processes off one trial: a job wrongly judged stalled (a worker
 * frozen past its lock) only makes the second worker wait, then find the trial finished.
 *
 * Ctrl-C or SIGTERM: the running trials stop (their checkpoints stay), their jobs go back to
 * waiting at once for another worker, and the worker exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { checkBackend } from './config.js';
import { scoreText } from './progress.js';
import type { SweepReporter } from './progress.js';
import { probeRedis } from './queue-url.js';
import type { QueueTarget } from './queue-url.js';
import { checkJobData } from './queue-jobs.js';
import type { TrialJobData, TrialJobProgress, TrialJobResult } from './queue-jobs.js';
import type { IterationUpdate, TrialFinish } from './services.js';
import { MANIFEST_FILE, ResultsStore } from './store.js';
import { parseSweepConfig } from './sweep-config.js';
import type { LoadedSweepConfig } from './sweep-config.js';
import { prepareLoadedSweep } from './sweep-prepare.js';
import { defaultSamplerWorkers, runSweep } from './sweep.js';
import { fingerprint, shortHash } from './trials.js';
import type { TrialSpec } from './trials.js';

export interface QueueWorkerOptions {
  readonly target: QueueTarget;
  /** Trials at once. */
  readonly concurrency: number;
  /** Sampling threads per trial (default: the cores the concurrent trials leave free). */
  readonly samplerWorkers?: number;
  /** Seconds after which a job whose worker stopped renewing its lock is judged stalled (BullMQ `lockDuration` and `stalledInterval`). */
  readonly stallTimeout: number;
  /** Times a job may stall and be retried before it fails (BullMQ `maxStalledCount`). */
  readonly maxStalls: number;
  /** Exit once the queue holds no waiting, delayed or running job. */
  readonly untilEmpty: boolean;
  readonly write: (line: string) => void;
  readonly signal: AbortSignal;
}

export interface QueueWorkerSummary {
  readonly completed: number;
  readonly failed: number;
  /** Jobs handed back to the queue by Ctrl-C / SIGTERM. */
  readonly returned: number;
}

/** Most progress updates a job sends per second (a cart-pole iteration takes milliseconds). */
const PROGRESS_INTERVAL_MS = 1_000;
/** How often an idle `--until-empty` worker asks whether the queue is empty. */
const EMPTY_POLL_MS = 2_000;

/** Progress of one job: lines on this worker's stderr, updates on the job for the submitter and `arena status`. */
class JobReporter implements SweepReporter {
  private latest: TrialJobProgress | undefined;
  private sentAt = -Infinity;
  private fromIteration = 0;

  constructor(
    private readonly job: Job,
    private readonly worker: string,
    private readonly write: (line: string) => void,
  ) {}

  private send(force: boolean): void {
    const now = performance.now();
    if (!this.latest || (!force && now - this.sentAt < PROGRESS_INTERVAL_MS)) return;
    this.sentAt = now;
    this.job
      .updateProgress(this.latest as unknown as object)
      .catch((e: unknown) => this.write(`note   could not report progress of ${this.job.id}: ${String(e)}`));
  }
  start(): void {}
  trialStarted(trial: TrialSpec, fromIteration: number): void {
    this.fromIteration = fromIteration;
    this.write(
      `start  ${trial.id}${fromIteration > 0 ? ` (resuming at iteration ${fromIteration + 1} of ${trial.iterations})` : ''}`,
    );
    this.latest = {
      iteration: fromIteration - 1,
      iterations: trial.iterations,
      fromIteration,
      envSteps: 0,
      seconds: 0,
      worker: this.worker,
    };
    this.send(true);
  }
  iteration(trial: TrialSpec, u: IterationUpdate): void {
    this.latest = {
      iteration: u.iteration,
      iterations: trial.iterations,
      fromIteration: this.fromIteration,
      ...(u.perStepReward !== undefined ? { perStepReward: u.perStepReward } : {}),
      ...(u.meanReturn !== undefined ? { meanReturn: u.meanReturn } : {}),
      envSteps: u.envSteps,
      seconds: u.seconds,
      worker: this.worker,
    };
    this.send(u.iteration + 1 === trial.iterations);
  }
  trialFinished(trial: TrialSpec, outcome: TrialFinish): void {
    if (outcome.status === 'failed') this.write(`FAILED ${trial.id}: ${outcome.error ?? 'unknown error'}`);
    else if (outcome.by) this.write(`done   ${trial.id}: by ${outcome.by}`);
    else {
      const last = outcome.last;
      this.write(
        `done   ${trial.id}: ${last ? `score/step ${scoreText(last.perStepReward)} at iteration ${last.iteration + 1}` : 'no new iterations'}`,
      );
    }
  }
  note(line: string): void {
    this.write(line);
  }
  stop(): void {}
}

export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const { target, write, signal } = options;
  await probeRedis(target);
  const me = `${os.hostname()}:${process.pid}`;
  const samplerWorkers =
    options.samplerWorkers ?? defaultSamplerWorkers(options.concurrency, os.availableParallelism());
  const configs = new Map<string, Promise<LoadedSweepConfig>>();
  const running = new Map<string, AbortController>();
  let completed = 0;
  let failed = 0;
  let returned = 0;

  const loadConfig = (data: TrialJobData): Promise<LoadedSweepConfig> => {
    const cwd = fs.existsSync(data.config.cwd) ? data.config.cwd : process.cwd();
    const key = shortHash(`${data.config.file}\0${data.config.text}\0${cwd}`, 16);
    let loaded = configs.get(key);
    if (!loaded) {
      loaded = parseSweepConfig(data.config.file, data.config.text, {
        builtinPlugins,
        taskIds: defaultEnvRegistry.ids(),
        cwd,
      });
      loaded.catch(() => configs.delete(key));
      configs.set(key, loaded);
    }
    return loaded;
  };

  const processJob = async (job: Job, token?: string): Promise<TrialJobResult> => {
    const data = checkJobData(job.data);
    if (typeof data === 'string') {
      failed++;
      write(`FAILED job ${job.id}: ${data}`);
      throw new UnrecoverableError(`job ${job.id} cannot be run: ${data}`);
    }
    const stop = new AbortController();
    running.set(job.id!, stop);
    /** Back to waiting now (not after the stall timeout); the checkpoint stays for the next worker. */
    const handBack = async (): Promise<never> => {
      await job.moveToWait(token);
      returned++;
      write(`return ${data.trial}: interrupted; back on the queue`);
      throw new WaitingError();
    };
    let reported = false;
    try {
      if (!fs.existsSync(path.join(data.dir, MANIFEST_FILE))) {
        throw new UnrecoverableError(
          `the sweep directory ${data.dir} is not on ${os.hostname()}: queue workers need it on a shared file system mounted at the same path`,
        );
      }
      write(`job    ${data.trial} of ${data.dir}`);
      const loaded = await loadConfig(data);
      await checkBackend('"backend":', loaded.backend);
      const prepared = prepareLoadedSweep(loaded, {
        builtinPlugins,
        taskIds: defaultEnvRegistry.ids(),
        out: data.dir,
        workers: 1,
        samplerWorkers,
        checkpointEvery: data.checkpointEvery,
        iterationTimeout: data.iterationTimeout,
        trialIds: [data.trial],
      });
      const spec = prepared.selected[0];
      if (!spec)
        throw new UnrecoverableError(`trial ${data.trial} is not in the sweep config ${data.config.file}`);
      if (fingerprint(spec) !== data.fingerprint) {
        throw new UnrecoverableError(
          `trial ${data.trial} has another spec on ${os.hostname()} than where it was queued (fingerprint ${fingerprint(spec)}, queued ${data.fingerprint}; this worker runs ${spec.plugin.package}@${spec.plugin.version}): install the same package versions on every machine`,
        );
      }
      if (stop.signal.aborted) return await handBack();
      const summary = await runSweep(prepared, {
        reporter: new JobReporter(job, me, write),
        signal: stop.signal,
      });
      if (stop.signal.aborted) return await handBack();
      const problem = summary.failed.find((f) => f.id === data.trial);
      if (problem) {
        reported = true; // the reporter printed it
        throw new UnrecoverableError(problem.error);
      }
      const last = new ResultsStore(data.dir).readRecords(data.trial).at(-1);
      completed++;
      return {
        iterations: last ? last.iteration + 1 : 0,
        ...(last?.perStepReward !== undefined ? { perStepReward: last.perStepReward } : {}),
        ...(last?.meanReturn !== undefined ? { meanReturn: last.meanReturn } : {}),
        worker: me,
        ...(summary.doneElsewhere > 0 ? { doneElsewhere: true } : {}),
      };
    } catch (e) {
      if (!(e instanceof WaitingError)) {
        failed++;
        if (!reported) write(`FAILED ${data.trial}: ${(e as Error).message ?? String(e)}`);
      }
      throw e;
    } finally {
      running.delete(job.id!);
    }
  };

  const worker = new Worker(target.queue, processJob, {
    connection: target.connection,
    concurrency: options.concurrency,
    lockDuration: options.stallTimeout * 1000,
    stalledInterval: options.stallTimeout * 1000,
    maxStalledCount: options.maxStalls,
    name: me,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (e: Error) => {
    // ioredis retries a lost connection by itself; say so once per distinct error.
    if (e.message !== lastError) write(`note   queue ${target.url}: ${e.message}`);
    lastError = e.message;
  });
  worker.on('stalled', (jobId: string) =>
    write(`stall  ${jobId}: its worker stopped renewing the job's lock; back on the queue`),
  );

  const queue = options.untilEmpty ? new Queue(target.queue, { connection: target.connection }) : undefined;
  queue?.on('error', () => {}); // the worker's own 'error' handler reports connection trouble
  let poll: ReturnType<typeof setTimeout> | undefined;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= worker.close());
  const onAbort = () => {
    for (const stop of running.values()) stop.abort();
    void close();
  };
  signal.addEventListener('abort', onAbort);
  if (queue) {
    const check = async () => {
      poll = undefined;
      if (closing) return;
      try {
        if (running.size === 0) {
          const counts = await queue.getJobCounts(
            'waiting',
            'active',
            'delayed',
            'prioritized',
            'waiting-children',
          );
          if (Object.values(counts).every((n) => n === 0)) {
            write(`idle   the queue ${target.url} is empty; exiting`);
            void close();
            return;
          }
        }
      } catch (e) {
        write(`note   queue ${target.url}: ${(e as Error).message}`);
      }
      poll = setTimeout(() => void check(), EMPTY_POLL_MS);
    };
    poll = setTimeout(() => void check(), EMPTY_POLL_MS);
  }
  write(
    `worker ${me}: queue "${target.queue}" at ${target.url}, ${options.concurrency} trial${options.concurrency === 1 ? '' : 's'} at once, ${samplerWorkers} sampling thread${samplerWorkers === 1 ? '' : 's'} each`,
  );
  try {
    await worker.run();
    await closing;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (poll) clearTimeout(poll);
    await queue?.close();
  }
  return { completed, failed, returned };
}
