/**
 * Trained policies as artifacts, end to end through the built CLI: `arena run` saves its policies,
 * `arena eval` in a fresh process reproduces the stored deterministic score, `arena run --resume`
 * after SIGKILL gives the metrics of a straight run, `arena render` draws a saved policy, and
 * `arena run --config` takes the same options from a file.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'packages/runner/dist/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-artifacts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  expect(fs.existsSync(cli), 'build first: pnpm tsc -b').toBe(true);
});

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const trialDir = (out: string) => {
  const trials = path.join(tmp, out, 'trials');
  return path.join(trials, fs.readdirSync(trials)[0]!);
};
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
/** metrics.jsonl without the wall-clock fields. */
const metrics = (out: string) =>
  fs
    .readFileSync(path.join(trialDir(out), 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { seconds: _s, cpuSeconds: _c, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });

describe('saved policies', () => {
  it('arena run saves final and best policies; arena eval in a fresh process reproduces the final deterministic score', () => {
    const run = arena(
      'run',
      '--algo',
      'trpo-single-path',
      '--env',
      'hopper-v2',
      '--preset',
      'smoke',
      '--iterations',
      '3',
      '--workers',
      '1',
      '--out',
      'hop',
      '--quiet',
    );
    expect(run.code, run.stderr).toBe(0);
    const final = readJson(path.join(trialDir('hop'), 'policy-final.json')) as {
      kind: string;
      training: { iteration: number };
      evaluation: { perStepReward: number; meanReturn: number; episodes: number; seed: number };
      policy: { params: number[] };
    };
    expect(final.kind).toBe('final');
    expect(final.training.iteration).toBe(3);
    const best = readJson(path.join(trialDir('hop'), 'policy-best.json')) as {
      training: { iteration: number; perStepReward: number };
    };
    const scores = metrics('hop').map((r) => r['perStepReward'] as number);
    expect(best.training.perStepReward).toBe(Math.max(...scores));
    expect(best.training.iteration).toBe(scores.indexOf(Math.max(...scores)));

    const evaluated = arena('eval', 'hop', '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout) as {
      perStepReward: number;
      meanReturn: number;
      deterministic: boolean;
    };
    expect(result.deterministic).toBe(true);
    expect(result.perStepReward).toBe(final.evaluation.perStepReward);
    expect(result.meanReturn).toBe(final.evaluation.meanReturn);
    // A stochastic evaluation is another measurement.
    const stochastic = JSON.parse(arena('eval', 'hop', '--json', '--stochastic').stdout) as {
      meanReturn: number;
    };
    expect(stochastic.meanReturn).not.toBe(final.evaluation.meanReturn);
  });

  it('arena run --resume after SIGKILL gives the metrics of a straight run', async () => {
    const args = [
      '--algo',
      'trpo-single-path',
      '--env',
      'cartpole-v1',
      '--iterations',
      '40',
      '--batch-size',
      '3000',
      '--workers',
      '1',
      '--seed',
      '4',
    ];
    expect(arena('run', ...args, '--out', 'straight', '--quiet').code).toBe(0);

    const child = spawn(process.execPath, [cli, 'run', ...args, '--out', 'killed', '--quiet'], {
      cwd: tmp,
      stdio: 'ignore',
    });
    const checkpoint = path.join(
      tmp,
      'killed',
      'trials',
      'trpo-single-path__cartpole-v1__seed4',
      'checkpoint.json',
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const iteration = fs.existsSync(checkpoint) ? (readJson(checkpoint)['iteration'] as number) : 0;
      if (iteration >= 3 || child.exitCode !== null) break;
    }
    expect(child.exitCode, 'the run finished before it could be killed: make it longer').toBeNull();
    child.kill('SIGKILL');
    await exited;
    const partial = metrics('killed').length;
    expect(partial).toBeLessThan(40);

    const resumed = arena('run', '--resume', '--out', 'killed', '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(metrics('killed')).toEqual(metrics('straight'));
    const state = readJson(path.join(trialDir('killed'), 'trial.json')) as { starts: number[] };
    expect(state.starts.length).toBe(2);
    expect(state.starts[1]).toBeGreaterThan(0);
    // A contradicting flag is refused rather than silently ignored or obeyed.
    const contradiction = arena('run', '--resume', '--out', 'killed', '--seed', '5');
    expect(contradiction.code).toBe(2);
    expect(contradiction.stderr).toMatch(/the run in .*killed has seed "4", the command gives "5"/);
    expect(arena('run', '--resume', '--out', 'nothing-here').stderr).toMatch(/holds no run to resume/);
  });

  it('arena render writes a GIF and an HTML player of a saved policy', () => {
    const gif = arena('render', 'hop', '--out', 'hop.gif', '--steps', '30', '--width', '200');
    expect(gif.code, gif.stderr).toBe(0);
    expect(gif.stdout).toMatch(/hop\.gif: \d+ frames of \d+ steps/);
    const bytes = fs.readFileSync(path.join(tmp, 'hop.gif'));
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(bytes.readUInt16LE(6)).toBe(200); // logical screen width
    const frames = Number(/: (\d+) frames/.exec(gif.stdout)![1]);
    expect(frames).toBeGreaterThan(2);
    const html = arena('render', 'hop', '--out', 'hop.html', '--steps', '10');
    expect(html.code, html.stderr).toBe(0);
    const page = fs.readFileSync(path.join(tmp, 'hop.html'), 'utf8');
    expect((page.match(/<svg /g) ?? []).length).toBeGreaterThan(2);
    expect(arena('render', 'hop', '--out', 'hop.mp4').stderr).toMatch(/expected a \.gif or \.html file name/);
  });

  it('--eval-every records a deterministic evaluation every n-th and the last iteration, equal to the saved final one', () => {
    const r = arena(
      'run',
      '--algo',
      'trpo-single-path',
      '--env',
      'cartpole-v1',
      '--iterations',
      '5',
      '--batch-size',
      '1000',
      '--workers',
      '0',
      '--eval-every',
      '2',
      '--out',
      'evaluated',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const records = metrics('evaluated');
    expect(records.map((rec) => 'evalPerStepReward' in rec)).toEqual([false, true, false, true, true]);
    const final = readJson(path.join(trialDir('evaluated'), 'policy-final.json')) as {
      evaluation: { perStepReward: number };
    };
    expect(records.at(-1)!['evalPerStepReward']).toBe(final.evaluation.perStepReward);
    // The setting is part of the run: --resume keeps it, and a run without it is another trial.
    const manifest = readJson(path.join(tmp, 'evaluated', 'manifest.json')) as {
      config: { evaluation?: unknown };
    };
    expect(manifest.config.evaluation).toEqual({ every: 2 });
  });

  it('arena export writes every iteration of every trial as CSV, matching metrics.jsonl', () => {
    const r = arena('export', 'hop', '--format', 'csv');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 7)).toEqual([
      'trial',
      'algorithm',
      'label',
      'task',
      'seed',
      'iteration',
      'envSteps',
    ]);
    const records = metrics('hop');
    expect(rows).toHaveLength(records.length);
    const score = columns.indexOf('perStepReward');
    rows.forEach((row, i) => expect(Number(row.split(',')[score])).toBe(records[i]!['perStepReward']));
    expect(arena('export', 'hop', '--out', 'hop.csv').code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'hop.csv'), 'utf8')).toBe(r.stdout);
    expect(arena('export', 'nothing-here').stderr).toMatch(/not a results directory/);
    const tb = arena('export', 'hop', '--format', 'tensorboard', '--out', 'tb');
    expect(tb.code, tb.stderr).toBe(0);
    const [trial] = fs.readdirSync(path.join(tmp, 'tb'));
    const [events] = fs.readdirSync(path.join(tmp, 'tb', trial!));
    expect(events).toMatch(/^events\.out\.tfevents\.\d+\.arena$/);
    // The version record and one record per iteration: 8-byte length, CRC, data, CRC.
    const bytes = fs.readFileSync(path.join(tmp, 'tb', trial!, events!));
    let count = 0;
    for (let at = 0; at < bytes.length; count++) at += 16 + Number(bytes.readBigUInt64LE(at));
    expect(count).toBe(1 + records.length);
    expect(arena('export', 'hop', '--format', 'tensorboard').stderr).toMatch(/needs --out/);
  });

  it('arena run --config takes the options from a JSONC file, flags winning; unknown keys are named', () => {
    fs.writeFileSync(
      path.join(tmp, 'run.jsonc'),
      '{\n  // a run config\n  "algo": "cem", "env": "cartpole-v1", "iterations": 2, "seed": 3,\n  "settings": { "eliteFraction": 0.3 }, "out": "from-config",\n}\n',
    );
    const r = arena('run', '--config', 'run.jsonc', '--seed', '6', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'from-config', 'trials'))).toEqual(['cem__cartpole-v1__seed6']);
    expect(metrics('from-config')).toHaveLength(2);
    const state = readJson(path.join(trialDir('from-config'), 'trial.json')) as {
      spec: { config: { eliteFraction: number } };
    };
    expect(state.spec.config.eliteFraction).toBe(0.3);
    fs.writeFileSync(path.join(tmp, 'bad.jsonc'), '{ "algoo": "cem" }');
    expect(arena('run', '--config', 'bad.jsonc').stderr).toMatch(/unknown option "algoo"/);
  });
});
