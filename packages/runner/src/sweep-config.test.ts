/**
 * Values that JSON can spell but the runner cannot use: numbers that overflow to Infinity or lose
 * integer precision, keys that alias Object.prototype, nesting that overflows the parser's stack.
 * Each must be a config problem with a line number, never a crash. (A FIFO given as the config
 * file would block this process, so cli.test.ts checks it on a child with a timeout.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { ConfigError } from './config-messages.js';
import type { ConfigIssue } from './config-messages.js';
import { readSweepConfig } from './sweep-config.js';
import { MAX_CONFIG_DEPTH } from './value-checks.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-sweep-config-unit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function write(text: string): string {
  const file = path.join(tmp, `config-${counter++}.jsonc`);
  fs.writeFileSync(file, text);
  return file;
}

/** A valid config with `fields` spliced in as text, so that each literal reaches the parser as written. */
function config(fields: { algorithms?: string; seeds?: string; extra?: string }): string {
  return `{
  "preset": "smoke",
  "algorithms": ${fields.algorithms ?? '[{ "name": "trpo-single-path" }]'},
  "tasks": ["cartpole-v1"],
  "seeds": ${fields.seeds ?? '[1]'}${fields.extra ? `,\n  ${fields.extra}` : ''}
}
`;
}

async function issuesOf(text: string): Promise<ConfigIssue[]> {
  try {
    await readSweepConfig(write(text), { builtinPlugins, taskIds: defaultEnvRegistry.ids() });
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  return [];
}

const summary = (i: ConfigIssue) => `${i.line ?? '?'} ${i.path.map(String).join('.')}: ${i.message}`;

describe('finite numbers and safe integers', () => {
  it('rejects a setting that overflows to Infinity (1e400), at its line', async () => {
    const issues = await issuesOf(
      config({ algorithms: '[{ "name": "trpo-single-path", "settings": { "stepSize": 1e400 } }]' }),
    );
    expect(issues.map(summary)).toEqual([
      expect.stringMatching(/^3 algorithms\.0\.settings\.stepSize: expected a finite number, got Infinity/),
    ]);
  });

  it('rejects Infinity in a grid, and -1e400 in an integer setting', async () => {
    const issues = await issuesOf(
      config({
        algorithms:
          '[{ "name": "cem", "settings": { "populationSize": -1e400 }, "grid": { "extraStd": [0.1, 1e400] } }]',
      }),
    );
    expect(issues.map(summary).sort()).toEqual([
      expect.stringMatching(/algorithms\.0\.grid\.extraStd\.1: expected a finite number, got Infinity/),
      expect.stringMatching(
        /algorithms\.0\.settings\.populationSize: expected a finite number, got -Infinity/,
      ),
    ]);
  });

  it('rejects an integer setting beyond 2^53 (it would silently become another number)', async () => {
    const issues = await issuesOf(
      config({ algorithms: '[{ "name": "cem", "settings": { "populationSize": 9007199254740993 } }]' }),
    );
    expect(issues.map(summary)).toEqual([
      expect.stringMatching(
        /^3 algorithms\.0\.settings\.populationSize: expected a safe integer \(at most 9007199254740991 in magnitude\), got 9007199254740992/,
      ),
    ]);
  });

  it('rejects seeds beyond 2^53 and seeds that overflow to Infinity', async () => {
    expect((await issuesOf(config({ seeds: '[1, 9007199254740993]' }))).map(summary)).toEqual([
      expect.stringMatching(/^5 seeds\.1: expected a safe integer/),
    ]);
    expect((await issuesOf(config({ seeds: '[1e400]' }))).map(summary)).toEqual([
      expect.stringMatching(/^5 seeds\.0: expected a finite number, got Infinity/),
    ]);
  });

  it('checks budgets and worker counts too', async () => {
    const issues = await issuesOf(
      config({
        extra:
          '"budget": { "iterations": 1e400, "stepsPerIteration": 18014398509481984 }, "samplerWorkers": -1e400',
      }),
    );
    expect(issues.map(summary).sort()).toEqual([
      expect.stringMatching(/budget\.iterations: expected a finite number, got Infinity/),
      expect.stringMatching(/budget\.stepsPerIteration: expected a safe integer/),
      expect.stringMatching(/samplerWorkers: expected a finite number, got -Infinity/),
    ]);
  });
});

describe('keys that alias Object.prototype', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    it(`rejects "${key}" under settings (the parser would drop or merge it silently)`, async () => {
      const issues = await issuesOf(
        config({
          algorithms: `[{ "name": "trpo-single-path", "settings": { "${key}": { "stepSize": 5 } } }]`,
        }),
      );
      expect(issues.map(summary)).toEqual([
        expect.stringMatching(
          new RegExp(`^3 algorithms\\.0\\.settings\\.${key}: "${key}" is not allowed as a key`),
        ),
      ]);
    });
  }

  it('rejects "__proto__" at the top level as well', async () => {
    const issues = await issuesOf(config({ extra: '"__proto__": { "workers": 1 }' }));
    expect(issues.map(summary)).toEqual([
      expect.stringMatching(/^6 __proto__: "__proto__" is not allowed as a key/),
    ]);
  });
});

describe('structure the parser cannot take', () => {
  it(`rejects a 100 000-deep config with one issue (deeper than ${MAX_CONFIG_DEPTH} levels) instead of overflowing the stack`, async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const issues = await issuesOf(config({ extra: `"budget": ${deep}` }));
    expect(issues).toHaveLength(1);
    expect(summary(issues[0]!)).toMatch(
      new RegExp(`^6 : expected at most ${MAX_CONFIG_DEPTH} levels of nesting, got more`),
    );
  });

  it('accepts a valid config with every kind of number in range', async () => {
    expect(
      await issuesOf(
        config({
          algorithms: '[{ "name": "cem", "settings": { "populationSize": 12, "extraStd": 1e300 } }]',
          seeds: '[0, 9007199254740991]',
        }),
      ),
    ).toEqual([]);
  });
});
