import { describe, expect, it } from 'vitest';
import type { AlgorithmPlugin } from '@policy-arena/core';
import type { LoadedSweepConfig } from './sweep-config.js';
import {
  canonicalJson,
  expandTrials,
  gridPoints,
  parseShard,
  selectShard,
  semanticSchema,
  trialId,
  variantName,
} from './trials.js';
import type { TrialSpec } from './trials.js';

describe('trial ids', () => {
  it('are readable: label, task, sorted grid, seed', () => {
    expect(trialId('trpo-single-path', 'cartpole-v1', { stepSize: 0.01 }, 1)).toBe(
      'trpo-single-path__cartpole-v1__stepSize=0.01__seed1',
    );
    expect(trialId('trpo', 'swimmer-v1', { stepSize: 0.03, baseline: 'none' }, 12)).toBe(
      'trpo__swimmer-v1__baseline=none__stepSize=0.03__seed12',
    );
    expect(trialId('cem', 'cartpole-v1', {}, 0)).toBe('cem__cartpole-v1__seed0');
  });

  it('fall back to a short hash of the grid point for values that are not plain', () => {
    const id = trialId('x', 'cartpole-v1', { hidden: [32, 32] }, 1);
    expect(id).toMatch(/^x__cartpole-v1__grid-[0-9a-f]{8}__seed1$/);
    expect(trialId('x', 'cartpole-v1', { hidden: [32, 32] }, 1)).toBe(id); // stable
    expect(trialId('x', 'cartpole-v1', { hidden: [32, 64] }, 1)).not.toBe(id);
    expect(trialId('x', 'cartpole-v1', { s: 'has space' }, 1)).toMatch(/grid-[0-9a-f]{8}/);
  });

  it('do not depend on the order of grid keys', () => {
    expect(trialId('a', 't-v1', { b: 1, a: 2 }, 1)).toBe(trialId('a', 't-v1', { a: 2, b: 1 }, 1));
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
  });

  it('name variants by label and grid point', () => {
    expect(variantName('trpo', { stepSize: 0.01 })).toBe('trpo stepSize=0.01');
    expect(variantName('trpo', {})).toBe('trpo');
  });
});

describe('grids', () => {
  it('expand to every combination, in the config order', () => {
    expect(gridPoints({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(gridPoints(undefined)).toEqual([{}]);
  });
});

describe('shards', () => {
  const trials = Array.from(
    { length: 11 },
    (_, i) => ({ id: `t${String(i).padStart(2, '0')}` }) as TrialSpec,
  );

  it('parse i/n and reject the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('0/4')).toMatch(/between 1 and 4/);
    expect(parseShard('5/4')).toMatch(/between 1 and 4/);
    expect(parseShard('1-4')).toMatch(/i\/n/);
    expect(parseShard('99999999999999999999/99999999999999999999')).toMatch(/must be safe integers/);
  });

  it('are disjoint, cover every trial, and do not depend on the trials’ order', () => {
    for (const count of [1, 2, 3, 5]) {
      const parts = Array.from({ length: count }, (_, i) => selectShard(trials, { index: i + 1, count }));
      const ids = parts.flat().map((t) => t.id);
      expect(new Set(ids).size).toBe(trials.length);
      expect(ids.sort()).toEqual(trials.map((t) => t.id));
      const reversed = selectShard([...trials].reverse(), { index: 1, count });
      expect(reversed.map((t) => t.id).sort()).toEqual(parts[0]!.map((t) => t.id).sort());
      for (const p of parts) expect(p.length).toBeGreaterThanOrEqual(Math.floor(trials.length / count));
    }
  });
});

describe('the schema hash of a plugin identity', () => {
  const schema = (description: string, defaultValue: number) => ({
    type: 'object',
    description: 'settings',
    properties: {
      stepSize: { type: 'number', default: defaultValue, description },
      // A setting named like a documentation keyword is part of what the schema accepts.
      description: { type: 'string', default: 'x', title: 'a setting named description' },
    },
  });
  const hash = (s: unknown) => canonicalJson(semanticSchema(s));

  it('ignores documentation: descriptions, titles, examples, comments', () => {
    expect(hash(schema('δ, the KL bound', 0.01))).toBe(hash(schema('δ — the mean KL bound (Eq. 12)', 0.01)));
  });

  it('changes with what the schema accepts or fills in, including a property named "description"', () => {
    expect(hash(schema('δ', 0.01))).not.toBe(hash(schema('δ', 0.02)));
    const withoutSetting = {
      ...schema('δ', 0.01),
      properties: { stepSize: schema('δ', 0.01).properties.stepSize },
    };
    expect(hash(schema('δ', 0.01))).not.toBe(hash(withoutSetting));
  });
});

describe('expandTrials', () => {
  it('gives every trial its task’s taskDefaults, under the preset’s settings and the entry’s', () => {
    const plugin = {
      name: 'tuned',
      description: 'a plugin with per-task defaults',
      configSchema: {
        type: 'object',
        properties: {
          rate: { type: 'number', default: 0.1, description: 'rate' },
          count: { type: 'integer', default: 3, description: 'count' },
        },
      },
      taskDefaults: (envId: string) => (envId === 'swimmer-v1' ? { rate: 0.5, count: 7 } : {}),
      presets: { quick: () => ({ count: 2 }) },
      create: () => {
        throw new Error('not used');
      },
    } as unknown as AlgorithmPlugin;
    const loaded = (preset: 'quick' | 'paper', settings?: Record<string, number>) =>
      ({
        file: '/nowhere/sweep.jsonc',
        text: '',
        config: {
          name: 'x',
          algorithms: [{ name: 'tuned', ...(settings ? { settings } : {}) }],
          tasks: ['cartpole-v1', 'swimmer-v1'],
          seeds: [1],
        },
        preset,
        backend: 'wasm',
        plugins: [plugin],
        thirdParty: [],
      }) as unknown as LoadedSweepConfig;
    const configs = (l: LoadedSweepConfig) =>
      Object.fromEntries(expandTrials(l).map((t) => [t.task, t.config]));
    expect(configs(loaded('paper'))).toEqual({
      'cartpole-v1': { rate: 0.1, count: 3 },
      'swimmer-v1': { rate: 0.5, count: 7 },
    });
    expect(configs(loaded('quick'))['swimmer-v1']).toEqual({ rate: 0.5, count: 2 });
    expect(configs(loaded('quick', { rate: 0.3 }))['swimmer-v1']).toEqual({ rate: 0.3, count: 2 });
  });
});
