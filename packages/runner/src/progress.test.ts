import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlainReporter, TtyReporter, formatDuration } from './progress.js';
import type { TrialSpec } from './trials.js';

const trial = (id: string) => ({ id, iterations: 4, stepsPerIteration: 100 }) as TrialSpec;
const update = (iteration: number) => ({
  iteration,
  perStepReward: 1.5 + iteration,
  envSteps: 100,
  seconds: 1,
});

describe('sweep progress', () => {
  it('plain lines: start, finish with the score, and a summary with the ETA', () => {
    const lines: string[] = [];
    let now = 0;
    const reporter = new PlainReporter((l) => lines.push(l), { now: () => now, isoDate: () => '' }, 0);
    reporter.start({
      total: 3,
      alreadyDone: 1,
      toRun: [
        { spec: trial('a'), fromIteration: 0 },
        { spec: trial('b'), fromIteration: 2 },
      ],
      workers: 2,
    });
    reporter.trialStarted(trial('a'), 0);
    reporter.trialStarted(trial('b'), 2);
    now = 10_000;
    reporter.iteration(trial('a'), update(0));
    reporter.iteration(trial('a'), update(1));
    // 2 of the 6 remaining iterations done in 10 s → 4 more take 20 s.
    expect(reporter.summary()).toBe('progress 50% · 1/3 trials done · 2 running · elapsed 10s · ETA 20s');
    reporter.trialFinished(trial('a'), { status: 'done', last: update(3) });
    reporter.trialFinished(trial('b'), { status: 'failed', error: 'boom' });
    reporter.stop();
    expect(lines).toEqual([
      'sweep: 3 trials (1 already done, 2 to run) on 2 workers',
      'start  a',
      'start  b (resuming at iteration 3 of 4)',
      'done   a: score/step 4.50 at iteration 4  [2/3]',
      'FAILED b: boom  [3/3]',
    ]);
  });

  it('bars on a TTY: an overall bar and one per running trial', () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      moveCursor: () => true,
      clearLine: () => true,
      clearScreenDown: () => true,
    });
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const reporter = new TtyReporter(stream as unknown as NodeJS.WriteStream, {
      now: () => 0,
      isoDate: () => '',
    });
    reporter.start({
      total: 1,
      alreadyDone: 0,
      toRun: [{ spec: trial('trial-one'), fromIteration: 0 }],
      workers: 1,
    });
    reporter.trialStarted(trial('trial-one'), 0);
    reporter.iteration(trial('trial-one'), update(0));
    reporter.trialFinished(trial('trial-one'), { status: 'done', last: update(3) });
    reporter.stop();
    expect(text).toMatch(/sweep \(1 worker\)/);
    expect(text).toMatch(/done {3}trial-one: score\/step 4\.50 at iteration 4/);
  });

  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(65), formatDuration(7300), formatDuration(NaN)]).toEqual([
      '5s',
      '1m05s',
      '2h01m',
      '?',
    ]);
  });
});
