/**
 * Resume = uninterrupted, for every built-in plugin and the example third-party plugin: a trial
 * stopped after k iterations and continued from its checkpoint (round-tripped through JSON, as
 * the results store keeps it) gives the same records as one run straight through. This checks
 * each plugin's `state()`/`load()`: whatever an optimizer carries between iterations must be in it.
 */
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import randomSearch from '@policy-arena/example-custom-plugin';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { applyDefaults } from './sweep-schema.js';
import { runTrial, withoutTiming } from './trial.js';
import type { IterationRecord, TrialCheckpoint } from './trial.js';

const plugins: AlgorithmPlugin[] = [...builtinPlugins, randomSearch];
const strip = (records: IterationRecord[]) => records.map(withoutTiming);

describe('resuming a trial from a checkpoint gives the records of an uninterrupted run', () => {
  for (const plugin of plugins) {
    it(plugin.name, async () => {
      const base = {
        plugin,
        config: applyDefaults(plugin.configSchema, { ...(plugin.presets?.smoke?.('cartpole-v1') ?? {}) }),
        envId: 'cartpole-v1',
        seed: 7,
        iterations: 4,
        stepsPerIteration: 400,
      };
      const checkpoints: TrialCheckpoint[] = [];
      const straight = await runTrial({ ...base, onCheckpoint: (c) => void checkpoints.push(c) });
      expect(checkpoints.map((c) => c.iteration)).toEqual([1, 2, 3, 4]);
      const stored = JSON.parse(
        JSON.stringify({ ...checkpoints[1]!, params: Array.from(checkpoints[1]!.params) }),
      );
      const resumed = await runTrial({
        ...base,
        resumeFrom: { ...stored, params: Float64Array.from(stored.params) },
      });
      expect(resumed.records.map((r) => r.iteration)).toEqual([2, 3]);
      expect(strip(resumed.records)).toEqual(strip(straight.records.slice(2)));
      expect(Array.from(resumed.finalParams)).toEqual(Array.from(straight.finalParams));
    });
  }
});
