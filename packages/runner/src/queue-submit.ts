/**
 * `arena sweep <config> --queue <url>`: prepares the sweep directory as a local sweep does (the
 * same checks, the same manifest), then puts one BullMQ job per unfinished trial on the queue for
 * `arena worker` processes, and by default follows them until each has completed or failed.
 *
 * Submitting again is idempotent: a job's id is its trial and directory, so a trial already
 * waiting or running is left as it is; finished trials are skipped as by a local sweep; a trial
 * whose job completed or failed but whose results are not complete (a failure, results deleted) is
 * queued afresh. Larger trials (by env steps) are queued at a higher priority. Following is by
 * queue events (progress, completions, failures, stalls), checked every few seconds against the
 * jobs' states so that a missed event cannot leave it waiting. Ctrl-C stops following; the jobs
 * stay queued.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Job, JobsOptions } from 'bullmq';
import os from 'node:os';
import type { SweepReporter } from './progress.js';
import { probeRedis } from './queue-url.js';
import type { QueueTarget } from './queue-url.js';
import { JOB_DATA_VERSION, trialJobId } from './queue-jobs.js';
import type { TrialJobData, TrialJobProgress, TrialJobResult } from './queue-jobs.js';
import { systemClock } from './services.js';
import { ResultsStore } from './store.js';
import type { PreparedSweep } from './sweep-prepare.js';
import { SweepRunner } from './sweep.js';
import { silentSweepReporter } from './progress.js';
import { fingerprint } from './trials.js';
import type { TrialSpec } from './trials.js';

export interface SubmitOptions {
  /** Follow the jobs until each has completed or failed (default); false: return once queued. */
  readonly wait: boolean;
  readonly reporter: SweepReporter;
  readonly signal?: AbortSignal;
  /** Where the config's package names resolved after its directory (workers resolve them there too). */
  readonly cwd?: string;
}

export interface SubmitSummary {
  readonly total: number;
  readonly alreadyDone: number;
  /** Jobs added by this submission. */
  readonly queued: number;
  /** Trials whose job was already waiting or running (an earlier submission). */
  readonly alreadyQueued: number;
  readonly completed: number;
  readonly failed: readonly { id: string; error: string }[];
  /** Ctrl-C while following: the jobs stay queued. */
  readonly interrupted: boolean;
  readonly waited: boolean;
  readonly outDir: string;
}

/** How often the followed jobs' states are read back (besides the events). */
const RECONCILE_MS = 5_000;
/** Jobs per addBulk call. */
const BULK = 500;

function jobOptions(jobId: string, priority: number): JobsOptions {
  // One attempt: a trial that fails fails the same way again (its seed fixes it). Stalls (a dead
  // worker) are retried by the workers' stalled-job check, not counted as attempts. Finished jobs
  // stay (a few kilobytes each) so `arena status` can list them; a new submission replaces them.
  return { jobId, priority, attempts: 1, removeOnComplete: false, removeOnFail: false };
}

/**
 * BullMQ priorities (1 = first) by env-step budget, largest first: the paper's hopper and walker
 * trials (200M steps) start before swimmer (10M) and cart-pole ones, so the sweep does not end
 * with one long trial running alone while the other workers idle.
 */
function priorities(specs: readonly TrialSpec[]): (spec: TrialSpec) => number {
  const work = (spec: TrialSpec) => spec.iterations * spec.stepsPerIteration;
  const sizes = [...new Set(specs.map(work))].sort((a, b) => b - a);
  return (spec) => 1 + sizes.indexOf(work(spec));
}

export async function submitSweep(
  prepared: PreparedSweep,
  target: QueueTarget,
  options: SubmitOptions,
): Promise<SubmitSummary> {
  // Before anything is written: an unreachable queue leaves the directory as it was.
  await probeRedis(target);
  const store = new ResultsStore(prepared.outDir);
  await new SweepRunner(store, silentSweepReporter, systemClock).writeManifest(prepared);

  const isComplete = (spec: TrialSpec) =>
    store.readState(spec.id)?.status === 'done' && store.readRecords(spec.id).length === spec.iterations;
  const pending = prepared.selected.filter((spec) => !isComplete(spec));
  const alreadyDone = prepared.selected.length - pending.length;

  const queue = new Queue(target.queue, { connection: target.connection });
  queue.on('error', () => {}); // reported where a call fails
  const events = options.wait ? new QueueEvents(target.queue, { connection: target.connection }) : undefined;
  events?.on('error', () => {});
  try {
    // Listening before adding, so that no event of a fast job is missed.
    await events?.waitUntilReady();
    const host = os.hostname();
    const at = systemClock.isoDate();
    const toAdd: { name: string; data: TrialJobData; opts: JobsOptions }[] = [];
    let alreadyQueued = 0;
    const bySpec = new Map<string, TrialSpec>();
    const priority = priorities(pending);
    for (const spec of pending) {
      const jobId = trialJobId(prepared.outDir, spec.id);
      bySpec.set(jobId, spec);
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') {
          alreadyQueued++;
          continue;
        }
        await existing.remove();
      }
      toAdd.push({
        name: spec.id,
        data: {
          version: JOB_DATA_VERSION,
          dir: prepared.outDir,
          trial: spec.id,
          fingerprint: fingerprint(spec),
          config: {
            file: prepared.loaded.file,
            text: prepared.loaded.text,
            cwd: options.cwd ?? process.cwd(),
          },
          checkpointEvery: prepared.checkpointEvery,
          iterationTimeout: prepared.iterationTimeout,
          submitted: { host, pid: process.pid, at },
        },
        opts: jobOptions(jobId, priority(spec)),
      });
    }
    for (let i = 0; i < toAdd.length; i += BULK) await queue.addBulk(toAdd.slice(i, i + BULK));
    const base = {
      total: prepared.selected.length,
      alreadyDone,
      queued: toAdd.length,
      alreadyQueued,
      outDir: prepared.outDir,
    };
    if (!events || pending.length === 0) {
      return { ...base, completed: 0, failed: [], interrupted: false, waited: false };
    }
    const followed = await follow(queue, events, bySpec, store, prepared, options, alreadyDone, target);
    if (!followed.interrupted)
      await new SweepRunner(store, silentSweepReporter, systemClock).writeManifest(prepared);
    return { ...base, ...followed, waited: true };
  } finally {
    await events?.close();
    await queue.close();
  }
}

/** Follows the jobs in `bySpec` until each has completed or failed, or the signal aborts. */
async function follow(
  queue: Queue,
  events: QueueEvents,
  bySpec: ReadonlyMap<string, TrialSpec>,
  store: ResultsStore,
  prepared: PreparedSweep,
  options: SubmitOptions,
  alreadyDone: number,
  target: QueueTarget,
): Promise<{ completed: number; failed: { id: string; error: string }[]; interrupted: boolean }> {
  const { reporter, signal } = options;
  const report = (call: (r: SweepReporter) => void) => {
    try {
      call(reporter);
    } catch (e) {
      process.emitWarning(`arena: progress reporter failed: ${(e as Error).message ?? e}`);
    }
  };
  const open = new Map(bySpec);
  const started = new Set<string>();
  const failed: { id: string; error: string }[] = [];
  let completed = 0;
  const fromCheckpoint = (spec: TrialSpec) => {
    try {
      return store.readCheckpoint(spec.id)?.iteration ?? 0;
    } catch {
      return 0;
    }
  };
  const workers = await queue.getWorkersCount().catch(() => 0);
  report((r) =>
    r.start({
      total: prepared.selected.length,
      alreadyDone,
      toRun: [...open.values()].map((spec) => ({ spec, fromIteration: fromCheckpoint(spec) })),
      workers,
    }),
  );
  if (workers === 0) {
    report((r) =>
      r.note(
        `note   no worker is connected to queue "${target.queue}" yet; start some: arena worker --queue ${target.url}`,
      ),
    );
  }

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const start = (jobId: string, fromIteration?: number) => {
    const spec = open.get(jobId);
    if (!spec || started.has(jobId)) return;
    started.add(jobId);
    report((r) => r.trialStarted(spec, fromIteration ?? fromCheckpoint(spec)));
  };
  const finish = (jobId: string, outcome: { error: string } | { result: TrialJobResult | undefined }) => {
    const spec = open.get(jobId);
    if (!spec) return;
    open.delete(jobId);
    started.delete(jobId);
    if ('error' in outcome) {
      failed.push({ id: spec.id, error: outcome.error });
      report((r) => r.trialFinished(spec, { status: 'failed', error: outcome.error }));
    } else {
      completed++;
      const last = store.readRecords(spec.id).at(-1);
      report((r) =>
        r.trialFinished(spec, {
          status: 'done',
          ...(last ? { last } : {}),
          ...(outcome.result?.doneElsewhere ? { by: 'another process on the directory' } : {}),
        }),
      );
    }
    if (open.size === 0) resolveDone();
  };

  events.on('active', ({ jobId }) => start(jobId));
  events.on('progress', ({ jobId, data }) => {
    const spec = open.get(jobId);
    const p = data as unknown as TrialJobProgress;
    if (!spec || typeof p !== 'object' || p === null || typeof p.iteration !== 'number') return;
    start(jobId, p.fromIteration);
    if (p.iteration < 0) return;
    report((r) =>
      r.iteration(spec, {
        iteration: p.iteration,
        envSteps: p.envSteps,
        seconds: p.seconds,
        ...(p.perStepReward !== undefined ? { perStepReward: p.perStepReward } : {}),
        ...(p.meanReturn !== undefined ? { meanReturn: p.meanReturn } : {}),
      }),
    );
  });
  events.on('completed', ({ jobId, returnvalue }) =>
    finish(jobId, { result: returnvalue as unknown as TrialJobResult | undefined }),
  );
  events.on('failed', ({ jobId, failedReason }) => finish(jobId, { error: failedReason }));
  events.on('stalled', ({ jobId }) => {
    const spec = open.get(jobId);
    if (!spec) return;
    started.delete(jobId);
    report((r) =>
      r.note(
        `stall  ${spec.id}: its worker stopped (killed, or its machine lost); back on the queue, to resume from its checkpoint`,
      ),
    );
  });

  /** Reads the open jobs' states: catches what events missed (a reconnect, a job finished before listening). */
  const reconcile = async () => {
    await Promise.all(
      [...open.keys()].map(async (jobId) => {
        const state = await queue.getJobState(jobId);
        if (state === 'completed') {
          const job = (await queue.getJob(jobId)) as Job | undefined;
          finish(jobId, { result: job?.returnvalue as TrialJobResult | undefined });
        } else if (state === 'failed') {
          const job = (await queue.getJob(jobId)) as Job | undefined;
          finish(jobId, { error: job?.failedReason ?? 'failed' });
        } else if (state === 'unknown') {
          finish(jobId, { error: `its job ${jobId} was removed from the queue` });
        } else if (state === 'active') start(jobId);
      }),
    );
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await reconcile();
    } catch (e) {
      report((r) => r.note(`note   queue ${target.url}: ${(e as Error).message}`));
    }
    if (!stopped) timer = setTimeout(() => void tick(), RECONCILE_MS);
  };
  const onAbort = () => resolveDone();
  signal?.addEventListener('abort', onAbort);
  try {
    await tick();
    if (open.size > 0 && !signal?.aborted) await done;
  } finally {
    stopped = true;
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    report((r) => r.stop());
  }
  return { completed, failed, interrupted: signal?.aborted ?? false };
}
