import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { trpoSinglePath } from '@policy-arena/algorithms';
import { runTrial, withoutTiming } from './trial.js';

const config = Value.Default(trpoSinglePath.configSchema, {}) as Record<string, unknown>;

describe('TRPO single path on cartpole-v1 (linear policy, 6 parameters)', () => {
  // The documented quick budget: 50 iterations × 4000 steps, horizon 100 (rllab's example).
  for (const seed of [1, 2]) {
    it(`reaches perStepReward ≥ 9.5 of 10 within 50 iterations (seed ${seed})`, async () => {
      const { records } = await runTrial({
        plugin: trpoSinglePath,
        config,
        envId: 'cartpole-v1',
        seed,
        iterations: 50,
        stepsPerIteration: 4000,
      });
      expect(records).toHaveLength(50);
      expect(records[0]!.perStepReward).toBeLessThan(3); // it starts far from solved
      const best = Math.max(...records.map((r) => r.perStepReward!));
      expect(best).toBeGreaterThanOrEqual(9.5);
      for (const r of records) {
        expect(r['meanKl']).toBeLessThanOrEqual(0.01 * 1.01);
        expect(r.envSteps).toBeGreaterThanOrEqual(4000 * (r.iteration + 1));
      }
    });
  }

  it('is reproducible: the same seed gives identical records (timing aside)', async () => {
    const run = async (seed: number) =>
      (
        await runTrial({
          plugin: trpoSinglePath,
          config,
          envId: 'cartpole-v1',
          seed,
          iterations: 4,
          stepsPerIteration: 1000,
        })
      ).records.map(withoutTiming);
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });
});
