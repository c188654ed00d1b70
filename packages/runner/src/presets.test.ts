import { describe, expect, it } from 'vitest';
import { cem, trpoVine } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { BUDGETS, LOCOMOTION_IDS, POLICY_ARCHITECTURES, PRESETS } from './presets.js';

describe('presets know every built-in task', () => {
  it('every registered env id has a budget in every preset and a policy architecture', () => {
    for (const id of defaultEnvRegistry.ids()) {
      for (const preset of PRESETS) expect(BUDGETS[preset][id], `${preset} ${id}`).toBeDefined();
      expect(POLICY_ARCHITECTURES[id], id).toBeDefined();
    }
  });

  it('every version of a locomotion task gets the same budgets, policy and plugin presets', () => {
    for (const [current, ...older] of Object.values(LOCOMOTION_IDS)) {
      expect(defaultEnvRegistry.has(current)).toBe(true);
      for (const id of older) {
        expect(defaultEnvRegistry.has(id)).toBe(true);
        for (const preset of PRESETS) {
          expect(BUDGETS[preset][id]).toEqual(BUDGETS[preset][current]);
          for (const plugin of [trpoVine, cem]) {
            expect(plugin.presets?.[preset]?.(id)).toEqual(plugin.presets?.[preset]?.(current));
          }
        }
        expect(POLICY_ARCHITECTURES[id]).toEqual(POLICY_ARCHITECTURES[current]);
      }
    }
    // Table 2's vine settings reach the current ids (not only the superseded ones)
    expect(trpoVine.presets!.paper!('walker-v2')).toMatchObject({ rolloutSetSize: 2500, branchLength: 100 });
    expect(cem.presets!.paper!('swimmer-v2')).toEqual({ extraDecayIterations: 100 });
  });
});
