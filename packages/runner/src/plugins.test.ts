import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importPlugin, loadPlugins, pluginExport, resolvePlugin } from './plugins.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const runnerDir = path.resolve(here, '..');
const examples = path.resolve(runnerDir, '../../examples');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-plugins-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('third-party plugins', () => {
  it('resolve an installed package by name and check it', async () => {
    const source = resolvePlugin('@policy-arena/example-custom-plugin', [tmp, runnerDir]);
    expect(source).toMatchObject({
      packageName: '@policy-arena/example-custom-plugin',
      packageVersion: '0.1.0',
    });
    expect(source.url).toMatch(/^file:.*index\.js$/);
    const plugin = await importPlugin(source);
    expect(plugin.name).toBe('random-search');
  });

  it('resolve a package directory or module file by path, relative to the first base directory', async () => {
    const fromDir = resolvePlugin('./custom-plugin', [examples]);
    expect(fileURLToPath(fromDir.url)).toBe(path.join(examples, 'custom-plugin', 'index.js'));
    const fromFile = resolvePlugin(path.join(examples, 'custom-plugin', 'index.js'), [tmp]);
    expect((await importPlugin(fromFile)).name).toBe('random-search');
  });

  it('say which package is missing what', async () => {
    const { loaded, errors } = await loadPlugins(
      ['@policy-arena/example-not-a-plugin', 'no-such-plugin-package', '@policy-arena/example-custom-plugin'],
      [tmp, runnerDir],
    );
    expect(loaded.map((l) => l.plugin.name)).toEqual(['random-search']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual({
      index: 0,
      message: expect.stringMatching(
        /^plugin package "@policy-arena\/example-not-a-plugin": its default export is not an AlgorithmPlugin: missing "description".*; missing "create".*; missing "configSchema"/,
      ),
    });
    expect(errors[1]!.message).toMatch(/"no-such-plugin-package" is not installed/);
  });

  it('take the default export, else `plugin`, else the only export', async () => {
    expect(pluginExport({ default: 1, plugin: 2 })).toEqual({ value: 1, exportName: 'default export' });
    expect(pluginExport({ plugin: 2, other: 3 })).toEqual({ value: 2, exportName: 'export "plugin"' });
    expect(pluginExport({ mine: 4 })).toEqual({ value: 4, exportName: 'export "mine"' });
    expect(pluginExport({ a: 1, b: 2 }).value).toBeUndefined();
    const file = path.join(tmp, 'two-exports.mjs');
    fs.writeFileSync(file, 'export const a = 1;\nexport const b = 2;\n');
    await expect(importPlugin(resolvePlugin(file, [tmp]))).rejects.toThrow(
      /does not export an AlgorithmPlugin: expected a default export or an export named "plugin" in its module \(exports: a, b\)/,
    );
    const broken = path.join(tmp, 'broken.mjs');
    fs.writeFileSync(broken, 'throw new Error("boom");\n');
    await expect(importPlugin(resolvePlugin(broken, [tmp]))).rejects.toThrow(/failed to load: boom/);
  });
});
