/**
 * Sampling threads must not change results: a trial with 0, 1, 2 or 3 sampling workers gives the
 * same records (timing aside) and the same final parameters, on every task, for single-path
 * sampling, vine branches and black-box candidate evaluation.
 */
import { describe, expect, it } from 'vitest';
import { trpoSinglePath, trpoVine, cem } from '@policy-arena/algorithms';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { resolvePluginConfig } from './config.js';
import { runTrial, withoutTiming } from './trial.js';

async function trial(plugin: AlgorithmPlugin, envId: string, samplerWorkers: number) {
  const { records, finalParams } = await runTrial({
    plugin,
    config: resolvePluginConfig(plugin, 'smoke', envId, {}),
    envId,
    seed: 11,
    iterations: 2,
    stepsPerIteration: envId === 'cartpole-v1' ? 600 : 1500,
    samplerWorkers,
  });
  return { records: records.map(withoutTiming), finalParams: Array.from(finalParams) };
}

describe('a trial gives identical results for 0, 1, 2 and 3 sampling workers', () => {
  for (const envId of ['cartpole-v1', 'swimmer-v1', 'hopper-v1', 'walker-v1']) {
    it(`trpo-single-path on ${envId}`, async () => {
      const reference = await trial(trpoSinglePath, envId, 0);
      expect(reference.records).toHaveLength(2);
      for (const w of [1, 2, 3]) expect(await trial(trpoSinglePath, envId, w)).toEqual(reference);
    });
  }

  for (const plugin of [trpoVine, cem] as AlgorithmPlugin[]) {
    it(`${plugin.name} on hopper-v1 (${plugin === trpoVine ? 'branch rollouts' : 'candidate evaluations'} on the pool)`, async () => {
      const reference = await trial(plugin, 'hopper-v1', 0);
      for (const w of [1, 3]) expect(await trial(plugin, 'hopper-v1', w)).toEqual(reference);
    });
  }

  it('refuses a custom env registry with sampling workers, naming the fix', async () => {
    const { EnvRegistry, builtinEnvs } = await import('@policy-arena/envs');
    await expect(
      runTrial({
        plugin: trpoSinglePath,
        config: resolvePluginConfig(trpoSinglePath, 'smoke', 'cartpole-v1', {}),
        envId: 'cartpole-v1',
        seed: 1,
        iterations: 1,
        stepsPerIteration: 100,
        envRegistry: new EnvRegistry(builtinEnvs),
        samplerWorkers: 2,
      }),
    ).rejects.toThrow(/custom env registry works only in-thread \(numWorkers 0\)/);
  });
});
