/**
 * What the runner's iteration context computes for a plugin, on an env whose rewards are known in
 * advance, so every number can be checked by hand.
 */
import { describe, expect, it } from 'vitest';
import { box, checkAction } from '@policy-arena/core';
import type { AlgorithmPlugin, Env, EnvSpec, StepResult } from '@policy-arena/core';
import { EnvRegistry } from '@policy-arena/envs';
import { runTrial } from './trial.js';

const HORIZON = 4;

/** Reward t + 1 at step t (1, 2, 3, 4), whatever the action; every episode is cut at step 4. */
class RampEnv implements Env {
  readonly spec: EnvSpec = {
    id: 'ramp-v1',
    observationSpace: box(-Infinity, Infinity, 1),
    actionSpace: box(-1, 1, 1),
    maxEpisodeSteps: HORIZON,
  };
  private t = 0;
  reset(): Float64Array {
    this.t = 0;
    return Float64Array.of(0);
  }
  step(action: Float64Array): StepResult {
    checkAction(this.spec, action);
    this.t++;
    return {
      observation: Float64Array.of(this.t),
      reward: this.t,
      terminated: false,
      truncated: this.t >= HORIZON,
    };
  }
  close(): void {}
}

const registry = new EnvRegistry([
  { id: 'ramp-v1', description: 'rewards 1, 2, 3, 4', create: () => new RampEnv() },
]);

/** Reports what evaluateParams scored the current parameters at, with and without a discount. */
const evaluator: AlgorithmPlugin = {
  name: 'evaluator',
  description: 'scores θ with ctx.evaluateParams and changes nothing',
  configSchema: { type: 'object', properties: {} } as AlgorithmPlugin['configSchema'],
  create: (_config, { policy }) => ({
    async iterate(ctx) {
      const theta = [policy.getParams()];
      const [discounted] = await ctx.evaluateParams(theta, { episodes: 2, gamma: 0.5 });
      const [undiscounted] = await ctx.evaluateParams(theta, { episodes: 2 });
      return { discounted: discounted!, undiscounted: undiscounted! };
    },
    state: () => ({}),
    load: () => {},
  }),
};

describe('ctx.evaluateParams', () => {
  it('scores a candidate by its mean discounted return from each episode start, undiscounted by default', async () => {
    const { records } = await runTrial({
      plugin: evaluator,
      config: {},
      envId: 'ramp-v1',
      envRegistry: registry,
      seed: 1,
      iterations: 1,
      stepsPerIteration: HORIZON,
    });
    // γ = 0.5: 1 + 0.5·2 + 0.25·3 + 0.125·4 = 3.25 (exact in binary); γ = 1: 1 + 2 + 3 + 4 = 10.
    expect(records[0]!['discounted']).toBe(3.25);
    expect(records[0]!['undiscounted']).toBe(10);
    // Four episodes of four steps, all counted in the trial's budget and scores.
    expect(records[0]!.envSteps).toBe(16);
    expect(records[0]!.episodes).toBe(4);
    expect(records[0]!.meanReturn).toBe(10);
  });
});

/** RampEnv with its reward split: forward t and alive 1 at step t (0-based), so reward t + 1. */
class SplitRampEnv extends RampEnv {
  override readonly spec: EnvSpec = {
    ...new RampEnv().spec,
    id: 'split-ramp-v1',
    rewardTerms: ['forward', 'alive'],
  };
  override step(action: Float64Array): StepResult {
    const r = super.step(action);
    return { ...r, info: { rewardTerms: { forward: r.reward - 1, alive: 1 } } };
  }
}

/** Samples one batch and reports nothing, or reports `extras` when given. */
const sampler = (extras?: Record<string, number>): AlgorithmPlugin => ({
  ...evaluator,
  name: 'sampler',
  create: (_config, { policy }) => ({
    async iterate(ctx) {
      await ctx.sampleTrajectories(2 * HORIZON);
      await ctx.evaluateParams([policy.getParams()], { episodes: 1 });
      return extras ?? {};
    },
    state: () => ({}),
    load: () => {},
  }),
});

describe('reward-term records', () => {
  const splitRegistry = new EnvRegistry([
    {
      id: 'split-ramp-v1',
      description: 'rewards 1, 2, 3, 4 as forward 0–3 + alive 1',
      create: () => new SplitRampEnv(),
    },
  ]);
  const trial = {
    config: {},
    envRegistry: splitRegistry,
    envId: 'split-ramp-v1',
    seed: 1,
    iterations: 2,
    stepsPerIteration: HORIZON,
  };

  it('logs each term as reward.<term>: its mean per step over the episodes sampled and evaluated', async () => {
    const { records } = await runTrial({ ...trial, plugin: sampler() });
    for (const r of records) {
      // Three episodes of steps 0–3: forward (0 + 1 + 2 + 3) / 4 = 1.5, alive 1; their sum is the
      // mean reward per step, meanReturn / length = 10 / 4.
      expect(r.episodes).toBe(3);
      expect(r['reward.forward']).toBe(1.5);
      expect(r['reward.alive']).toBe(1);
      expect(r['reward.forward']! + r['reward.alive']!).toBe(r.meanReturn! / r.meanEpisodeLength!);
    }
  });

  it('adds no term fields for an env without terms', async () => {
    const { records } = await runTrial({
      ...trial,
      envRegistry: registry,
      envId: 'ramp-v1',
      plugin: sampler(),
    });
    expect(Object.keys(records[0]!).filter((k) => k.startsWith('reward.'))).toEqual([]);
  });

  it('refuses a plugin extra under the reserved reward. prefix', async () => {
    await expect(runTrial({ ...trial, plugin: sampler({ 'reward.forward': 1 }) })).rejects.toThrow(
      /"reward\.forward" is a name the runner records itself/,
    );
  });
});
