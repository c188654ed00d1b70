/**
 * Malformed sweep configs through the CLI as a user runs it: each gives exit code 2, a message
 * naming the file (with line and column), the JSON path, what was expected and what was found,
 * the valid choices where there are some — and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'packages/runner/dist/cli.js');
const fixtures = path.join(root, 'test/fixtures/sweeps');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-sweep-config-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs from packages/runner, where the example plugins are installed (the config's dir comes first). */
function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: path.join(root, 'packages/runner'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cases: [file: string, message: RegExp][] = [
  ['wrong-type-seeds.json', /wrong-type-seeds\.json:4:12: seeds: expected an array, got "1,2"/],
  [
    'unknown-algorithm.json',
    /:2:28: algorithms\[0\]\.name: unknown algorithm "trpo-singlepath"; expected one of: trpo-single-path.* \(did you mean "trpo-single-path"\?\)/,
  ],
  [
    'unknown-key.jsonc',
    /unknown-key\.jsonc:6:3: seedz: unknown key "seedz"; expected one of: .*algorithms, tasks, seeds.* \(did you mean "seeds"\?\)/,
  ],
  ['negative-budget.json', /:5:29: budget\.iterations: expected an integer >= 1, got number -5/],
  ['bad-grid.json', /:2:77: algorithms\[0\]\.grid\.stepSize\[1\]: expected a number, got "big"/],
  ['empty-grid.json', /algorithms\[0\]\.grid\.stepSize: expected at least 1 item\(s\), got 0/],
  [
    'unknown-setting.json',
    /algorithms\[0\]\.settings\.delta: unknown setting "delta"; expected one of: stepSize, discount/,
  ],
  ['bad-setting-value.json', /algorithms\[0\]\.settings\.stepSize: expected a number > 0, got number -1/],
  [
    'bad-choice.json',
    /algorithms\[0\]\.settings\.baseline: expected one of: "none", "normalize", got "mean"/,
  ],
  [
    'unknown-task.json',
    /tasks\[0\]: unknown task "cartpole"; expected one of: cartpole-v1.* \(did you mean "cartpole-v1"\?\)/,
  ],
  ['invalid-json.json', /invalid-json\.json:3:3: \(root\): invalid JSON: comma expected/],
  ['missing-tasks.json', /\(root\): missing required key "tasks"/],
  ['bad-preset.json', /preset: unknown preset "huge"; expected one of: smoke, quick, paper/],
  ['duplicate-seeds.json', /seeds: expected unique items, got number 1 twice \(items 0 and 2\)/],
  ['zero-workers.json', /workers: expected an integer >= 1, got number 0/],
  ['not-an-object.json', /\(root\): expected an object, got an array/],
  ['duplicate-label.json', /algorithms\[0\] and algorithms\[1\] are both labelled "trpo-single-path"/],
  [
    'not-a-plugin.json',
    /plugins\[0\]: plugin package "@policy-arena\/example-not-a-plugin": its default export is not an AlgorithmPlugin: missing "description".*missing "create".*missing "configSchema"/,
  ],
  [
    'uninstalled-plugin.json',
    /plugins\[0\]: plugin package "policy-arena-plugin-that-is-not-installed" is not installed \(looked from .*fixtures.sweeps and .*runner\)/,
  ],
  ['does-not-exist.json', /does-not-exist\.json: \(root\): cannot read the config file: no such file/],
];

/** Written here rather than kept as a fixture, so that formatters leave its syntax error alone. */
const inline: Record<string, string> = {
  'invalid-json.json':
    '{\n  "algorithms": [{ "name": "trpo-single-path" }]\n  "tasks": ["cartpole-v1"],\n  "seeds": [1]\n}\n',
};

describe('arena sweep rejects malformed configs', () => {
  for (const [file, message] of cases) {
    it(`${file}: exit code 2, file:line:column, path, expected and got; nothing written`, () => {
      const out = path.join(tmp, file);
      let config = path.join(fixtures, file);
      if (inline[file] !== undefined) {
        config = path.join(tmp, 'inline', file);
        fs.mkdirSync(path.dirname(config), { recursive: true });
        fs.writeFileSync(config, inline[file]);
      }
      const before = fs.readdirSync(fixtures).sort();
      const r = arena('sweep', config, '--out', out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^arena: invalid sweep config .*\(1 problem\):\n/);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(fixtures).sort()).toEqual(before);
    });
  }

  it('lists every problem of a config at once, in file order', () => {
    const out = path.join(tmp, 'many');
    const r = arena('sweep', path.join(fixtures, 'many-problems.jsonc'), '--out', out);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/invalid sweep config .*many-problems\.jsonc \(5 problems\):/);
    expect(lines.slice(1).map((l) => l.replace(/^.*?jsonc:(\d+):\d+: /, '$1 '))).toEqual([
      '4 algorithms[0].settings.stepSize: expected a number > 0, got number 0',
      '4 algorithms[0].grid.discount[1]: expected a number <= 1, got number 1.5',
      expect.stringMatching(/^5 algorithms\[1\]\.name: unknown algorithm "random-search"; expected one of: /),
      expect.stringMatching(/^7 tasks\[1\]: unknown task "swimer-v1".*\(did you mean "swimmer-v1"\?\)/),
      '8 seeds[0]: expected an integer >= 0, got number -1',
    ]);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('`arena schema` prints the JSON Schema of configs, naming the built-in algorithms and tasks', () => {
    const r = arena('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.algorithms.items.properties.name.enum).toContain('trpo-single-path');
    expect(schema.properties.tasks.items.enum).toContain('cartpole-v1');
    expect(schema.required).toEqual(expect.arrayContaining(['algorithms', 'tasks', 'seeds']));
  });

  it('rejects bad command-line values with one line and writes nothing', () => {
    const valid = path.join(fixtures, 'valid.jsonc');
    for (const [args, message] of [
      [['--shard', '3/2'], /--shard: i must be between 1 and 2, got 3/],
      [['--shard', 'half'], /--shard must look like i\/n/],
      [['--workers', '0'], /--workers must be an integer ≥ 1, got "0"/],
      [['--checkpoint-every', 'x'], /--checkpoint-every must be an integer ≥ 1/],
    ] as const) {
      const out = path.join(tmp, 'cli-bad');
      const r = arena('sweep', valid, '--out', out, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  it('refuses an output directory that is not empty and holds no sweep', () => {
    const out = path.join(tmp, 'occupied');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const r = arena('sweep', path.join(fixtures, 'valid.jsonc'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty and holds no sweep \(manifest\.json\)/);
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
  });
});
