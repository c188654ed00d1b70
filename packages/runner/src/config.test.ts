/**
 * Plugin configs get the finite-number and safe-integer checks from the shared validator, so a
 * third-party plugin's plain JSON Schema (no TypeBox, no custom keywords) is covered too.
 */
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { UsageError, parseSetting, pluginConfigIssues, resolvePluginConfig } from './config.js';

/** Written as a third party would: plain JSON Schema, only the standard keywords. */
const plainSchemaPlugin = {
  name: 'plain-schema',
  description: 'a plugin whose schema is plain JSON Schema',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      rate: { type: 'number', default: 0.1 },
      count: { type: 'integer', default: 3 },
      either: { type: ['integer', 'string'], default: 'auto' },
      anything: { default: null },
    },
  },
  create: () => {
    throw new Error('not used');
  },
} as unknown as AlgorithmPlugin;

const cem = builtinPlugins.find((p) => p.name === 'cem')!;
const trpo = builtinPlugins.find((p) => p.name === 'trpo-single-path')!;

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return '(no error)';
}

describe('pluginConfigIssues on a plain JSON Schema', () => {
  const defaults = { rate: 0.1, count: 3, either: 'auto', anything: null };

  it('accepts in-range values', () => {
    expect(pluginConfigIssues(plainSchemaPlugin, defaults)).toEqual([]);
    expect(
      pluginConfigIssues(plainSchemaPlugin, { ...defaults, count: Number.MAX_SAFE_INTEGER, rate: 1e308 }),
    ).toEqual([]);
  });

  it('rejects non-finite numbers, typed or not', () => {
    expect(pluginConfigIssues(plainSchemaPlugin, { ...defaults, rate: Infinity })).toEqual([
      { field: 'rate', message: expect.stringMatching(/^expected a finite number, got Infinity/) },
    ]);
    expect(pluginConfigIssues(plainSchemaPlugin, { ...defaults, anything: [1, NaN] })).toEqual([
      { field: 'anything.1', message: expect.stringMatching(/^expected a finite number, got NaN/) },
    ]);
  });

  it('rejects integers beyond 2^53 wherever the schema says integer', () => {
    expect(pluginConfigIssues(plainSchemaPlugin, { ...defaults, count: 2 ** 53 })).toEqual([
      { field: 'count', message: expect.stringMatching(/^expected a safe integer .*, got 9007199254740992/) },
    ]);
    expect(pluginConfigIssues(plainSchemaPlugin, { ...defaults, either: -(2 ** 60) })).toEqual([
      { field: 'either', message: expect.stringMatching(/^expected a safe integer/) },
    ]);
  });

  it('rejects keys that alias Object.prototype, at any depth', () => {
    const nested = JSON.parse('{"a": {"constructor": 1}}') as unknown;
    expect(pluginConfigIssues(plainSchemaPlugin, { ...defaults, anything: nested })).toEqual([
      {
        field: 'anything.a.constructor',
        message: expect.stringMatching(/"constructor" is not allowed as a key/),
      },
    ]);
  });
});

describe('resolvePluginConfig with --set values', () => {
  it('rejects --set stepSize=1e400 (JSON.parse gives Infinity), naming the setting', () => {
    const settings = Object.fromEntries([parseSetting('stepSize=1e400')]);
    expect(usageMessage(() => resolvePluginConfig(trpo, 'quick', 'cartpole-v1', settings))).toMatch(
      /^trpo-single-path setting "stepSize": expected a finite number, got Infinity/,
    );
  });

  it('rejects cem populationSize=2^53+1 and extraStd=1e400', () => {
    const big = Object.fromEntries([parseSetting('populationSize=9007199254740993')]);
    expect(usageMessage(() => resolvePluginConfig(cem, 'quick', 'cartpole-v1', big))).toMatch(
      /^cem setting "populationSize": expected a safe integer/,
    );
    const inf = Object.fromEntries([parseSetting('extraStd=1e400')]);
    expect(usageMessage(() => resolvePluginConfig(cem, 'quick', 'cartpole-v1', inf))).toMatch(
      /^cem setting "extraStd": expected a finite number, got Infinity/,
    );
  });

  it('rejects a 60 000-deep --set value (JSON.stringify of run.json would overflow the stack)', () => {
    const deep = '['.repeat(60_000) + ']'.repeat(60_000);
    const settings = Object.fromEntries([parseSetting(`baseline=${deep}`)]);
    expect(usageMessage(() => resolvePluginConfig(trpo, 'quick', 'cartpole-v1', settings))).toBe(
      'trpo-single-path setting "baseline": expected at most 64 levels of nesting, got more',
    );
  });

  it('rejects __proto__ as a setting name with the reason', () => {
    const settings = Object.fromEntries([parseSetting('__proto__={"stepSize":5}')]);
    expect(usageMessage(() => resolvePluginConfig(trpo, 'quick', 'cartpole-v1', settings))).toMatch(
      /setting "__proto__": "__proto__" is not allowed as a key/,
    );
  });
});

describe('resolvePluginConfig with taskDefaults', () => {
  it('applies a plugin’s task defaults under every preset; a preset overrides them, settings override both', () => {
    const plugin = {
      ...plainSchemaPlugin,
      taskDefaults: (envId: string) => (envId === 'swimmer-v1' ? { rate: 0.5, count: 7 } : {}),
      presets: { smoke: () => ({ count: 1 }) },
    } as unknown as AlgorithmPlugin;
    for (const preset of ['quick', 'paper'] as const) {
      expect(resolvePluginConfig(plugin, preset, 'swimmer-v1', {})).toMatchObject({ rate: 0.5, count: 7 });
    }
    expect(resolvePluginConfig(plugin, 'smoke', 'swimmer-v1', {})).toMatchObject({ rate: 0.5, count: 1 });
    expect(resolvePluginConfig(plugin, 'smoke', 'swimmer-v1', { rate: 0.2 })).toMatchObject({
      rate: 0.2,
      count: 1,
    });
    expect(resolvePluginConfig(plugin, 'paper', 'cartpole-v1', {})).toMatchObject({ rate: 0.1, count: 3 });
  });
});
