/**
 * The gradient-based plugin of docs/writing-a-plugin.md (step 9, vpg: REINFORCE with a linear
 * baseline and Adam) learns: its code, taken from the guide as written, reaches ≥ 9 per time step on
 * cart-pole at the last of the `quick` preset's 50 iterations, on each of seeds 1–3. The guide's
 * files are written into a folder under test/ (so that `@policy-arena/core` and TypeBox resolve to
 * the workspace's) and imported from their TypeScript sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { budgetFor, resolvePluginConfig, runTrial } from '@policy-arena/runner';
import { codeBlocks } from './guide-blocks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const guide = fs.readFileSync(path.join(here, '..', 'docs', 'writing-a-plugin.md'), 'utf8');
const sources = codeBlocks(guide).filter((b) => /^policy-arena-vpg\/src\/.*\.ts$/.test(b.file ?? ''));
const dir = fs.mkdtempSync(path.join(here, '.guide-vpg-'));
let plugin: AlgorithmPlugin;

beforeAll(async () => {
  expect(sources.map((b) => path.basename(b.file!))).toEqual(['config.ts', 'index.ts']);
  for (const b of sources) fs.writeFileSync(path.join(dir, path.basename(b.file!)), b.body);
  plugin = ((await import(path.join(dir, 'index.ts'))) as { default: AlgorithmPlugin }).default;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the guide’s gradient-based plugin (vpg)', () => {
  it.each([1, 2, 3])(
    'learns cart-pole to ≥ 9 per time step in 50 quick iterations, seed %i',
    async (seed) => {
      const budget = budgetFor('quick', 'cartpole-v1');
      expect(budget.iterations).toBe(50);
      const { records } = await runTrial({
        plugin,
        config: resolvePluginConfig(plugin, 'quick', 'cartpole-v1', {}),
        envId: 'cartpole-v1',
        seed,
        ...budget,
      });
      const scores = records.map((r) => r.perStepReward!);
      console.log(
        `vpg seed ${seed}: per-step score at iterations 10/20/30/40/50 ${[9, 19, 29, 39, 49].map((i) => scores[i]!.toFixed(2)).join(' ')}`,
      );
      expect(records).toHaveLength(50);
      expect(scores.at(-1)).toBeGreaterThanOrEqual(9);
    },
  );
});
