import { Type } from '@sinclair/typebox';
import { definePlugin } from '@policy-arena/core';
import { describe, expect, it } from 'vitest';
import { describePlugin, formatDescription, splitOrigin, typeText } from './describe.js';

describe('arena describe', () => {
  it('splits the origin tag off a description', () => {
    expect(splitOrigin('δ, the KL bound. [paper: 0.01, §8.1]')).toEqual({
      description: 'δ, the KL bound.',
      origin: 'paper',
      source: '0.01, §8.1',
    });
    expect(splitOrigin('Weights. [reconstructed]')).toEqual({
      description: 'Weights.',
      origin: 'reconstructed',
      source: null,
    });
    expect(splitOrigin('Untagged.')).toEqual({ description: 'Untagged.', origin: null, source: null });
  });

  it('writes a setting’s type with its bounds or choices', () => {
    expect(typeText({ type: 'number', exclusiveMinimum: 0 })).toBe('number > 0');
    expect(typeText({ type: 'integer', minimum: 1 })).toBe('integer ≥ 1');
    expect(typeText({ type: 'number', minimum: 0, maximum: 1 })).toBe('number in [0, 1]');
    expect(typeText({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 })).toBe('number in (0, 1)');
    expect(typeText({ type: 'number', maximum: 5 })).toBe('number ≤ 5');
    expect(typeText({ anyOf: [{ const: 'none' }, { const: 'normalize' }] })).toBe('"none" | "normalize"');
    expect(typeText({ enum: [1, 2] })).toBe('1 | 2');
    expect(typeText({ type: 'boolean' })).toBe('boolean');
  });

  it('resolves every preset on every task, and prints only where a preset differs from the default', () => {
    const plugin = definePlugin({
      name: 'toy',
      description: 'A toy.',
      configSchema: Type.Object({
        rate: Type.Number({ default: 1, exclusiveMinimum: 0, description: 'Rate. [reconstructed: rllab 1]' }),
        width: Type.Integer({ default: 8, minimum: 1, description: 'Width. [paper]' }),
      }),
      presets: {
        smoke: () => ({ width: 2 }),
        paper: (envId) => (envId === 'big-v1' ? { rate: 3 } : {}),
      },
      create: () => {
        throw new Error('not run');
      },
    });
    const d = describePlugin(plugin, ['small-v1', 'big-v1']);
    expect(d.settings[0]!.presets).toEqual({
      smoke: { 'small-v1': 1, 'big-v1': 1 },
      quick: { 'small-v1': 1, 'big-v1': 1 },
      paper: { 'small-v1': 1, 'big-v1': 3 },
    });
    const text = formatDescription(d);
    expect(text).toContain(
      '  rate   number > 0, default 1  [reconstructed]\n      Rate.\n      reconstructed: rllab 1\n      paper preset: 1 on small-v1; 3 on big-v1\n',
    );
    expect(text).toContain(
      '  width  integer ≥ 1, default 8  [paper]\n      Width.\n      smoke preset: 2 on every task',
    );
    expect(text).not.toMatch(/quick preset/);
  });
});
