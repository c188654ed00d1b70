/**
 * The commands that take a sweep beyond one machine (docs/cluster.md):
 *
 *   arena sweep <config> --queue redis://host:6379 [--no-wait]   queue the trials (submitToQueue)
 *   arena worker --queue redis://host:6379 [--workers n]          run queued trials
 *   arena status <dir | redis://…>                                where the trials stand
 *   arena merge <out> <dir…>                                      shard directories → one sweep
 *
 * The queue modules (BullMQ, ioredis) are imported only by the commands that use them, so the
 * other commands start as fast as before. An unreachable queue is one line and exit code 1; a
 * malformed URL, like any bad flag, exit code 2.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { UsageError, checkThreadCount } from './config.js';
import { mergeSweepDirs } from './merge.js';
import type { SweepReporter } from './progress.js';
import { QueueUnreachableError, isQueueUrl, parseQueueUrl } from './queue-url.js';
import { directoryStatus, formatDirectoryStatus } from './status.js';
import type { PreparedSweep } from './sweep-prepare.js';

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  }
  return Number(text);
}

/** An unreachable queue: one line, exit code 1 (the command's input was fine; the server was not there). */
async function reportingQueueErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (e instanceof QueueUnreachableError) {
      process.stderr.write(`arena: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** First Ctrl-C or SIGTERM: `onStop`, which ends the command cleanly; a second: exit at once. */
function stoppable(): AbortController {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}

/** `arena sweep <config> --queue <url>`: the sweep action's branch once its config is prepared and checked. */
export async function submitToQueue(
  prepared: PreparedSweep,
  raw: Record<string, string | boolean | undefined>,
  reporter: SweepReporter,
): Promise<void> {
  const target = parseQueueUrl(String(raw['queue']));
  for (const flag of ['workers', 'samplerWorkers'] as const) {
    if (raw[flag] !== undefined) {
      const name = flag === 'workers' ? '--workers' : '--sampler-workers';
      throw new UsageError(
        `${name} does not apply with --queue: each \`arena worker\` sets its own (arena worker ${name} <n>)`,
      );
    }
  }
  const wait = raw['wait'] !== false;
  await reportingQueueErrors(async () => {
    const { submitSweep } = await import('./queue-submit.js');
    const controller = stoppable();
    const s = await submitSweep(prepared, target, { wait, reporter, signal: controller.signal });
    const where = `queue "${target.queue}" at ${target.url}`;
    if (!s.waited) {
      process.stderr.write(
        `queued ${s.queued} trial${s.queued === 1 ? '' : 's'} on ${where} (${s.alreadyQueued} already queued, ${s.alreadyDone} of ${s.total} already done) → ${s.outDir}\n` +
          (s.queued + s.alreadyQueued > 0
            ? `follow: arena status ${s.outDir}   (or: arena status ${target.url})\n`
            : `report: arena report ${s.outDir}\n`),
      );
      return;
    }
    if (s.interrupted) {
      process.stderr.write(
        `arena: stopped following; the trials stay on ${where} (arena status ${s.outDir}; the same command follows them again)\n`,
      );
      process.exit(130);
    }
    const failed = s.failed.length;
    process.stderr.write(
      `sweep ${failed ? 'finished with failures' : 'done'}: ${s.total} trials (${s.alreadyDone} already done, ${s.completed} run by queue workers${failed ? `, ${failed} failed` : ''}) → ${s.outDir}\n` +
        (failed
          ? s.failed.map((f) => `  FAILED ${f.id}: ${f.error.split('\n')[0]}\n`).join('')
          : `report: arena report ${s.outDir}\n`),
    );
    if (failed) process.exitCode = 1;
  });
}

export function registerClusterCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'run trials queued by `arena sweep --queue` (any number of workers, on any machines that mount the sweep directories at the same path)',
    )
    .requiredOption('--queue <redis-url>', 'the queue: redis://[user:password@]host[:port][/db][?queue=name]')
    .option('--workers <n>', 'trials at once, one thread each (default: the CPU count)')
    .option(
      '--sampler-workers <n>',
      "sampling threads per trial, 0 = in the trial's thread (default: the cores the trials leave free)",
    )
    .option(
      '--stall-timeout <seconds>',
      "seconds without a lock renewal after which a trial's job is taken back from a dead worker (BullMQ lockDuration and stalledInterval)",
      '30',
    )
    .option('--max-stalls <n>', 'times a job may be taken back from a dead worker before it fails', '3')
    .option('--until-empty', 'exit once the queue has no waiting, delayed or running job')
    .option('--quiet', 'print only failures')
    .action(async (raw: Record<string, string | boolean | undefined>) => {
      const target = parseQueueUrl(String(raw['queue']));
      const concurrency =
        integer('--workers', raw['workers'] as string | undefined, 1) ?? os.availableParallelism();
      checkThreadCount('--workers', concurrency);
      const samplerWorkers = integer('--sampler-workers', raw['samplerWorkers'] as string | undefined, 0);
      if (samplerWorkers !== undefined) checkThreadCount('--sampler-workers', samplerWorkers);
      const stallText = String(raw['stallTimeout']);
      const stallTimeout = Number(stallText);
      if (!(Number.isFinite(stallTimeout) && stallTimeout >= 1 && stallTimeout <= 86_400)) {
        throw new UsageError(`--stall-timeout must be a number of seconds in [1, 86400], got "${stallText}"`);
      }
      const maxStalls = integer('--max-stalls', raw['maxStalls'] as string | undefined, 0)!;
      const quiet = raw['quiet'] === true;
      await reportingQueueErrors(async () => {
        const { runQueueWorker } = await import('./queue-worker.js');
        const controller = stoppable();
        const summary = await runQueueWorker({
          target,
          concurrency,
          ...(samplerWorkers !== undefined ? { samplerWorkers } : {}),
          stallTimeout,
          maxStalls,
          untilEmpty: raw['untilEmpty'] === true,
          write: (line) => {
            if (!quiet || line.startsWith('FAILED')) process.stderr.write(line + '\n');
          },
          signal: controller.signal,
        });
        process.stderr.write(
          `worker done: ${summary.completed} trial${summary.completed === 1 ? '' : 's'} completed, ${summary.failed} failed${summary.returned ? `, ${summary.returned} handed back to the queue` : ''}\n`,
        );
        if (controller.signal.aborted) process.exit(130);
      });
    });

  program
    .command('status')
    .description('show where the trials of a sweep directory, or the jobs of a trial queue, stand')
    .argument('<dir|redis-url>', 'a sweep directory, or a queue URL (redis://host:port[/db][?queue=name])')
    .option('--json', 'print JSON')
    .action(async (target: string, raw: Record<string, boolean | undefined>) => {
      if (isQueueUrl(target)) {
        const queue = parseQueueUrl(target, 'arena status');
        await reportingQueueErrors(async () => {
          const { queueStatus, formatQueueStatus } = await import('./queue-status.js');
          const status = await queueStatus(queue);
          process.stdout.write(
            raw['json'] ? JSON.stringify(status, null, 2) + '\n' : formatQueueStatus(status),
          );
        });
        return;
      }
      const status = await directoryStatus(target);
      process.stdout.write(
        raw['json'] ? JSON.stringify(status, null, 2) + '\n' : formatDirectoryStatus(status),
      );
    });

  program
    .command('merge')
    .description(
      'combine the directories of one sweep run in parts (e.g. --shard i/n, each in its own directory) into one sweep directory; refuses directories of different sweeps',
    )
    .argument('<out>', 'the merged sweep directory (new, empty, or one of the sweep directories)')
    .argument('<dirs...>', 'sweep directories of the same config')
    .action(async (out: string, dirs: string[]) => {
      const r = await mergeSweepDirs(out, dirs);
      for (const w of r.warnings)
        process.stderr.write(`arena: warning: ${w}; results may differ between them\n`);
      process.stderr.write(
        `merged ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'} into ${r.out}: ${r.trials} trials, ${r.done} done (${r.copied} copied${r.duplicates ? `, ${r.duplicates} found in more than one directory` : ''})\n` +
          `report: arena report ${r.out}\n`,
      );
    });
}
