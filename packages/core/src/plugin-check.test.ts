import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { assertPlugin, pluginProblems } from './plugin-check.js';

const good = {
  name: 'my-algo',
  description: 'x',
  configSchema: Type.Object({ lr: Type.Number({ default: 0.1 }) }),
  create: () => ({}),
};

describe('pluginProblems', () => {
  it('accepts a well-formed plugin', () => {
    expect(pluginProblems(good)).toEqual([]);
    expect(pluginProblems({ ...good, presets: { quick: () => ({}) } })).toEqual([]);
  });

  it('says what is missing', () => {
    expect(pluginProblems(42)).toEqual(['expected a plugin object, got number']);
    expect(pluginProblems({})).toEqual([
      'missing "name" (a kebab-case string)',
      'missing "description" (a string)',
      'missing "create" (a function (config, deps) => Optimizer)',
      'missing "configSchema" (a TypeBox Type.Object schema)',
    ]);
    expect(pluginProblems({ ...good, name: 'My Algo' })).toEqual([
      '"name" must be kebab-case, got "My Algo"',
    ]);
    expect(pluginProblems({ ...good, configSchema: Type.Object({ lr: Type.Number() }) })).toEqual([
      'configSchema property "lr" has no default',
    ]);
    expect(pluginProblems({ ...good, presets: { huge: {} } })).toEqual([
      'unknown preset "huge" (valid: smoke, quick, paper)',
      'preset "huge" must be a function (envId) => settings',
    ]);
    expect(() => assertPlugin({ name: 'x' }, 'package "foo"')).toThrow(
      /package "foo" is not an AlgorithmPlugin: missing "description"/,
    );
  });
});
