import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { assertPlugin, pluginProblems } from './plugin-check.js';
import { presetSettings } from './plugin.js';

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
    expect(pluginProblems({ ...good, taskDefaults: () => ({ lr: 0.2 }) })).toEqual([]);
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
    expect(pluginProblems({ ...good, taskDefaults: { 'cartpole-v1': { lr: 0.2 } } })).toEqual([
      '"taskDefaults" must be a function (envId) => settings',
    ]);
    expect(() => assertPlugin({ name: 'x' }, 'package "foo"')).toThrow(
      /package "foo" is not an AlgorithmPlugin: missing "description"/,
    );
  });
});

describe('presetSettings', () => {
  it('lays a preset over the task defaults, for every preset', () => {
    const plugin = {
      taskDefaults: (envId: string) => (envId === 'swimmer-v1' ? { lr: 0.5, decay: 0.9 } : { lr: 0.1 }),
      presets: { smoke: (envId: string) => (envId === 'swimmer-v1' ? { decay: 0.5 } : {}) },
    };
    expect(presetSettings(plugin, 'smoke', 'swimmer-v1')).toEqual({ lr: 0.5, decay: 0.5 });
    expect(presetSettings(plugin, 'quick', 'swimmer-v1')).toEqual({ lr: 0.5, decay: 0.9 });
    expect(presetSettings(plugin, 'paper', 'cartpole-v1')).toEqual({ lr: 0.1 });
    expect(presetSettings({}, 'paper', 'cartpole-v1')).toEqual({});
  });
});
