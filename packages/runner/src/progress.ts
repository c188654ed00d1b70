/**
 * Sweep progress on the main thread: a bar per running trial and an overall bar with the ETA on a
 * TTY (cli-progress); plain lines otherwise (CI logs): one when a trial starts or ends, and a
 * summary line every `intervalSeconds`.
 *
 * Work is counted in env steps (iterations × batch size), so the ETA weighs a swimmer trial more
 * than a cart-pole one; the rate comes from the work done by this run only (resumed work excluded).
 */
import cliProgress from 'cli-progress';
import type { Clock, IterationUpdate, Reporter, TrialFinish } from './services.js';
import type { TrialSpec } from './trials.js';

export interface SweepPlan {
  /** Every trial of this run's shard. */
  readonly total: number;
  /** Finished before this run (skipped). */
  readonly alreadyDone: number;
  readonly toRun: readonly { spec: TrialSpec; fromIteration: number }[];
  readonly workers: number;
}

export interface SweepReporter extends Reporter {
  start(plan: SweepPlan): void;
  /** A line about the sweep itself (a trial another sweep holds, a lock taken over). */
  note(line: string): void;
  stop(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Shared bookkeeping: work done, trials finished, ETA. */
class Tally {
  private units = new Map<string, number>();
  private startUnits = 0;
  totalUnits = 0;
  finished = 0;
  failed = 0;
  total = 0;
  running = new Set<string>();
  private startedAt = 0;

  constructor(private readonly clock: Clock) {}

  start(plan: SweepPlan): void {
    this.startedAt = this.clock.now();
    this.total = plan.total;
    this.finished = plan.alreadyDone;
    for (const { spec, fromIteration } of plan.toRun) {
      this.totalUnits += spec.iterations * spec.stepsPerIteration;
      this.units.set(spec.id, fromIteration * spec.stepsPerIteration);
      this.startUnits += fromIteration * spec.stepsPerIteration;
    }
  }
  progress(spec: TrialSpec, iterationsDone: number): void {
    this.units.set(spec.id, iterationsDone * spec.stepsPerIteration);
  }
  get doneUnits(): number {
    let sum = 0;
    for (const u of this.units.values()) sum += u;
    return sum;
  }
  get fraction(): number {
    return this.totalUnits === 0 ? 1 : this.doneUnits / this.totalUnits;
  }
  get elapsed(): number {
    return (this.clock.now() - this.startedAt) / 1000;
  }
  get eta(): number {
    const doneNow = this.doneUnits - this.startUnits;
    if (doneNow <= 0) return NaN;
    return (this.elapsed / doneNow) * (this.totalUnits - this.doneUnits);
  }
}

/** A score for display; an iteration that completed no episode has none. */
export function scoreText(score: number | undefined, digits = 2): string {
  return score === undefined ? '– (no episode ended)' : score.toFixed(digits);
}

function finishLine(trial: TrialSpec, outcome: TrialFinish, seen?: IterationUpdate): string {
  const last = outcome.last ?? seen;
  if (outcome.status === 'failed') return `FAILED ${trial.id}: ${outcome.error ?? 'unknown error'}`;
  if (outcome.by) return `done   ${trial.id}: by ${outcome.by}`;
  const score = last
    ? `score/step ${scoreText(last.perStepReward)} at iteration ${last.iteration + 1}`
    : 'no new iterations';
  return `done   ${trial.id}: ${score}`;
}

/** Plain lines, for logs (not a TTY). */
export class PlainReporter implements SweepReporter {
  private readonly tally: Tally;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly last = new Map<string, IterationUpdate>();

  constructor(
    private readonly write: (line: string) => void,
    clock: Clock,
    private readonly intervalSeconds = 10,
  ) {
    this.tally = new Tally(clock);
  }

  start(plan: SweepPlan): void {
    this.tally.start(plan);
    this.write(
      `sweep: ${plan.total} trials (${plan.alreadyDone} already done, ${plan.toRun.length} to run) on ${plan.workers} worker${plan.workers === 1 ? '' : 's'}`,
    );
    if (this.intervalSeconds > 0 && plan.toRun.length > 0) {
      this.timer = setInterval(() => this.write(this.summary()), this.intervalSeconds * 1000);
      this.timer.unref();
    }
  }
  summary(): string {
    const t = this.tally;
    return `progress ${(100 * t.fraction).toFixed(0)}% · ${t.finished}/${t.total} trials done · ${t.running.size} running · elapsed ${formatDuration(t.elapsed)} · ETA ${formatDuration(t.eta)}`;
  }
  trialStarted(trial: TrialSpec, fromIteration: number): void {
    this.tally.running.add(trial.id);
    this.write(
      `start  ${trial.id}${fromIteration > 0 ? ` (resuming at iteration ${fromIteration + 1} of ${trial.iterations})` : ''}`,
    );
  }
  iteration(trial: TrialSpec, update: IterationUpdate): void {
    this.last.set(trial.id, update);
    this.tally.progress(trial, update.iteration + 1);
  }
  trialFinished(trial: TrialSpec, outcome: TrialFinish): void {
    this.tally.running.delete(trial.id);
    this.tally.finished++;
    if (outcome.status === 'failed') this.tally.failed++;
    else this.tally.progress(trial, trial.iterations);
    this.write(
      `${finishLine(trial, outcome, this.last.get(trial.id))}  [${this.tally.finished}/${this.tally.total}]`,
    );
  }
  note(line: string): void {
    this.write(line);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** cli-progress bars on a TTY: the overall bar on top, one bar per running trial. */
export class TtyReporter implements SweepReporter {
  private readonly tally: Tally;
  private multibar: cliProgress.MultiBar | undefined;
  private overall: cliProgress.SingleBar | undefined;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly last = new Map<string, IterationUpdate>();
  private nameWidth = 24;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    clock: Clock,
  ) {
    this.tally = new Tally(clock);
  }

  start(plan: SweepPlan): void {
    this.tally.start(plan);
    const columns = this.stream.columns ?? 100;
    this.nameWidth = Math.max(16, Math.min(64, columns - 60));
    this.multibar = new cliProgress.MultiBar(
      {
        stream: this.stream,
        format: '{name} |{bar}| {value}/{total} {info}',
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.overall = this.multibar.create(plan.total, plan.alreadyDone, {
      name: this.pad(`sweep (${plan.workers} worker${plan.workers === 1 ? '' : 's'})`),
      info: this.overallInfo(),
    });
  }
  private pad(name: string): string {
    return name.length > this.nameWidth
      ? '…' + name.slice(name.length - this.nameWidth + 1)
      : name.padEnd(this.nameWidth);
  }
  private overallInfo(): string {
    const t = this.tally;
    return `trials · ${(100 * t.fraction).toFixed(0)}% of env steps · elapsed ${formatDuration(t.elapsed)} · ETA ${formatDuration(t.eta)}`;
  }
  private refreshOverall(): void {
    this.overall?.update(this.tally.finished, { info: this.overallInfo() });
  }
  trialStarted(trial: TrialSpec, fromIteration: number): void {
    this.tally.running.add(trial.id);
    const bar = this.multibar?.create(trial.iterations, fromIteration, {
      name: this.pad(trial.id),
      info: 'it',
    });
    if (bar) this.bars.set(trial.id, bar);
    this.refreshOverall();
  }
  iteration(trial: TrialSpec, update: IterationUpdate): void {
    this.last.set(trial.id, update);
    this.tally.progress(trial, update.iteration + 1);
    this.bars
      .get(trial.id)
      ?.update(update.iteration + 1, { info: `it · score/step ${scoreText(update.perStepReward)}` });
    this.refreshOverall();
  }
  trialFinished(trial: TrialSpec, outcome: TrialFinish): void {
    this.tally.running.delete(trial.id);
    this.tally.finished++;
    if (outcome.status === 'done') this.tally.progress(trial, trial.iterations);
    const bar = this.bars.get(trial.id);
    if (bar) this.multibar?.remove(bar);
    this.bars.delete(trial.id);
    this.multibar?.log(finishLine(trial, outcome, this.last.get(trial.id)) + '\n');
    this.refreshOverall();
  }
  note(line: string): void {
    this.multibar?.log(line + '\n');
  }
  stop(): void {
    this.refreshOverall();
    // A final render flushes the log lines buffered since the last frame (the last "done" lines).
    (this.multibar as unknown as { update(): void } | undefined)?.update();
    this.multibar?.stop();
    this.multibar = undefined;
  }
}

export const silentSweepReporter: SweepReporter = {
  start() {},
  note() {},
  stop() {},
  trialStarted() {},
  iteration() {},
  trialFinished() {},
};
