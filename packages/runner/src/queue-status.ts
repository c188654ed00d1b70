/**
 * `arena status <redis-url>`: a trial queue seen from anywhere — how many jobs wait, run, are done
 * or failed, the workers connected, each running trial's progress, and each failed trial's reason.
 */
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { scoreText } from './progress.js';
import { probeRedis } from './queue-url.js';
import type { QueueTarget } from './queue-url.js';
import type { TrialJobData, TrialJobProgress } from './queue-jobs.js';

export interface QueueJobRow {
  readonly job: string;
  readonly trial: string;
  readonly dir: string;
  readonly progress?: TrialJobProgress;
  readonly worker?: string;
  readonly failedReason?: string;
}

export interface QueueStatus {
  readonly url: string;
  readonly queue: string;
  readonly counts: Readonly<Record<string, number>>;
  /** Worker connections (`arena worker` processes); undefined when the server does not list clients. */
  readonly workers?: number;
  readonly running: readonly QueueJobRow[];
  readonly failed: readonly QueueJobRow[];
}

/** Jobs listed per state; more are counted, not listed. */
const LISTED = 100;

function row(job: Job): QueueJobRow {
  const data = (job.data ?? {}) as Partial<TrialJobData>;
  const progress = job.progress as TrialJobProgress | number | undefined;
  return {
    job: job.id ?? '?',
    trial: data.trial ?? job.name,
    dir: data.dir ?? '?',
    ...(progress && typeof progress === 'object' ? { progress } : {}),
    ...(job.processedBy ? { worker: job.processedBy } : {}),
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
  };
}

export async function queueStatus(target: QueueTarget): Promise<QueueStatus> {
  await probeRedis(target);
  const queue = new Queue(target.queue, { connection: target.connection });
  queue.on('error', () => {});
  try {
    const counts = await queue.getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    const workers = await queue.getWorkersCount().catch(() => undefined);
    const running = (await queue.getActive(0, LISTED - 1)).map((j) => row(j as Job));
    const failed = (await queue.getFailed(0, LISTED - 1)).map((j) => row(j as Job));
    return {
      url: target.url,
      queue: target.queue,
      counts,
      ...(workers !== undefined ? { workers } : {}),
      running,
      failed,
    };
  } finally {
    await queue.close();
  }
}

export function formatQueueStatus(s: QueueStatus): string {
  const c = s.counts;
  const waiting = (c['waiting'] ?? 0) + (c['prioritized'] ?? 0) + (c['delayed'] ?? 0);
  const lines = [
    `queue "${s.queue}" at ${s.url}: ${waiting} waiting, ${c['active'] ?? 0} running, ${c['completed'] ?? 0} done, ${c['failed'] ?? 0} failed` +
      (s.workers !== undefined ? `; ${s.workers} worker${s.workers === 1 ? '' : 's'} connected` : ''),
  ];
  const more = (listed: number, total: number | undefined) =>
    total !== undefined && total > listed ? [`  … and ${total - listed} more`] : [];
  if (s.running.length > 0) {
    lines.push('running:');
    for (const r of s.running) {
      const p = r.progress;
      const at = p
        ? `iteration ${p.iteration + 1}/${p.iterations}  score/step ${p.perStepReward === undefined ? '–' : scoreText(p.perStepReward)}`
        : 'starting';
      lines.push(`  ${r.trial}  ${at}  on ${p?.worker ?? r.worker ?? '?'}  (${r.dir})`);
    }
    lines.push(...more(s.running.length, c['active']));
  }
  if (s.failed.length > 0) {
    lines.push('failed:');
    for (const r of s.failed)
      lines.push(`  ${r.trial}: ${(r.failedReason ?? '').split('\n')[0]}  (${r.dir})`);
    lines.push(...more(s.failed.length, c['failed']));
  }
  return lines.join('\n') + '\n';
}
