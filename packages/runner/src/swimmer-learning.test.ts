/**
 * Which point's forward velocity the swimmer rewards decides whether TRPO learns it
 * (docs/tasks.md, "Forward velocity"). Same algorithm, seed and budget on both versions:
 * swimmer-v2 (centre-of-mass velocity, rllab) learns to swim; swimmer-v1 (root Δx/dt) stalls.
 */
import { describe, expect, it } from 'vitest';
import { trpoSinglePath } from '@policy-arena/algorithms';
import { resolvePluginConfig } from './config.js';
import { runTrial } from './trial.js';

const ITERATIONS = 15;
const STEPS = 8000; // 8 episodes of 1000 steps per iteration
const SEED = 2;
/** Score per step. Measured on seeds 1 and 2: v2 ends at 0.08–0.15, v1 never passes 0.04. */
const THRESHOLD = 0.06;

async function scores(envId: string): Promise<number[]> {
  const { records } = await runTrial({
    plugin: trpoSinglePath,
    config: resolvePluginConfig(trpoSinglePath, 'quick', envId, {}),
    envId,
    seed: SEED,
    iterations: ITERATIONS,
    stepsPerIteration: STEPS,
  });
  expect(records).toHaveLength(ITERATIONS);
  return records.map((r) => r.perStepReward!);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe(`trpo-single-path on the swimmer, ${ITERATIONS} × ${STEPS} steps, seed ${SEED}`, () => {
  it(`swimmer-v2 (centre-of-mass velocity) learns: mean of the last 3 iterations ≥ ${THRESHOLD} per step`, async () => {
    const s = await scores('swimmer-v2');
    expect(s[0]!).toBeLessThan(0.02); // it starts from not swimming
    expect(mean(s.slice(-3))).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it(`swimmer-v1 (root Δx/dt) stalls: no iteration reaches ${THRESHOLD} per step`, async () => {
    const s = await scores('swimmer-v1');
    expect(Math.max(...s)).toBeLessThan(THRESHOLD);
  });
});
