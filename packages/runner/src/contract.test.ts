import { describe, expect, it, vi } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import type { AlgorithmPlugin, Optimizer } from '@policy-arena/core';
import randomSearch from '@policy-arena/example-custom-plugin';
import {
  CONTRACT_ITERATIONS,
  assertPluginContract,
  pluginContractProblems,
  pluginContractReport,
} from './contract.js';

/** A minimal valid plugin: a random step of `scale` per iteration, its sampling through ctx. */
function plugin(
  overrides: Partial<AlgorithmPlugin> = {},
  optimizer: Partial<Optimizer> = {},
): AlgorithmPlugin {
  return {
    name: 'test-plugin',
    description: 'a random walk over the parameters',
    configSchema: {
      type: 'object',
      properties: { scale: { type: 'number', default: 0.1, description: 'step scale' } },
    } as never,
    create: (config, { policy }) => ({
      async iterate(ctx) {
        await ctx.sampleTrajectories(ctx.stepsPerIteration);
        const scale = (config as { scale: number }).scale;
        policy.setParams(policy.getParams().map((p) => p + scale * ctx.rng.normal()));
        return { scale };
      },
      state: () => ({}),
      load: () => {},
      ...optimizer,
    }),
    ...overrides,
  };
}

describe('pluginContractProblems', () => {
  it.each([...builtinPlugins, randomSearch].map((p) => [p.name, p] as const))(
    'passes the built-in and example plugin %s, with no warning',
    async (_name, p) => {
      expect(await pluginContractReport(p)).toEqual({ problems: [], warnings: [] });
    },
  );

  it('passes a minimal plugin, and assertPluginContract resolves', async () => {
    await expect(assertPluginContract(plugin())).resolves.toBeUndefined();
  });

  it('reports what an object that is not a plugin lacks', async () => {
    const notAPlugin = { name: 'hill-climber', run: () => 'not how plugins work' };
    const problems = await pluginContractProblems(notAPlugin);
    expect(problems).toContain('missing "description" (a string)');
    await expect(assertPluginContract(notAPlugin)).rejects.toThrow(
      /^not a valid policy-arena plugin \(\d+ problems\):\n {2}missing "description"/,
    );
  });

  it('reports undocumented settings and defaults that do not validate', async () => {
    const p = plugin({
      configSchema: {
        type: 'object',
        properties: { scale: { type: 'number', minimum: 1, default: 0.1 } },
      } as never,
    });
    const problems = await pluginContractProblems(p);
    expect(problems).toContain('test-plugin: setting "scale" has no description');
    expect(problems.join('\n')).toMatch(/the schema defaults do not validate: scale: .*>= 1/);
  });

  it('reports a preset that gives an invalid config', async () => {
    const p = plugin({
      presets: { paper: (envId: string) => ({ scale: envId === 'cartpole-v1' ? 'big' : 1 }) } as never,
    });
    const problems = await pluginContractProblems(p, { tasks: ['cartpole-v1', 'swimmer-v1'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^test-plugin: preset "paper" on cartpole-v1: .*scale/);
  });

  it('reports randomness that does not come from the seed', async () => {
    const p = plugin({
      create: (_config, { policy }) => ({
        async iterate(ctx) {
          await ctx.sampleTrajectories(ctx.stepsPerIteration);
          policy.setParams(policy.getParams().map((v) => v + Math.random()));
          return {};
        },
        state: () => ({}),
        load: () => {},
      }),
    });
    expect((await pluginContractProblems(p)).join('\n')).toMatch(
      /test-plugin: not reproducible: two runs with seed 11 differ \(iteration 1: /,
    );
  });

  it('reports state that is not plain JSON or does not restore the optimizer', async () => {
    const p = plugin({
      create: (_config, { policy }) => {
        let calls = 0; // kept between iterations, but not in state(): a resumed trial starts again at 0
        return {
          async iterate(ctx) {
            await ctx.sampleTrajectories(ctx.stepsPerIteration);
            calls++;
            policy.setParams(policy.getParams().map((v) => v + 0.1 * calls));
            return { calls };
          },
          state: () => ({ history: new Float64Array(2) }) as never,
          load: () => {},
        };
      },
    });
    const problems = (await pluginContractProblems(p)).join('\n');
    expect(problems).toMatch(
      /optimizer.state\(\) after iteration 0.history is a Float64Array, not a plain object or array/,
    );
    expect(problems).toMatch(/does not resume exactly: .*\(iteration 1: calls 2 vs 1\)/);
  });

  it('reports extras that are not finite numbers or reuse shared metric names, and iterations that sample nothing', async () => {
    const p = plugin({}, { iterate: async () => ({ episodes: 3, gain: NaN }) });
    const problems = await pluginContractProblems(p);
    expect(problems).toEqual(
      expect.arrayContaining([
        'test-plugin: iterate() reports "episodes", a name the runner records itself; rename it',
        'test-plugin: iterate() reports gain = NaN, not a finite number',
        'test-plugin: iteration 0 sampled no env steps (use ctx.sampleTrajectories or ctx.evaluateParams)',
      ]),
    );
  });

  it('reports a trial that throws, with the iteration it was in and the stack', async () => {
    const p = plugin(
      {},
      {
        iterate: async () => {
          throw new Error('boom');
        },
      },
    );
    expect((await pluginContractProblems(p)).join('\n')).toMatch(
      /^test-plugin: a 5-iteration trial on cartpole-v1 failed in iteration 1 of 5 \(ctx.iteration 0\): Error: boom\n\s+at .*contract\.test\.ts:\d+/,
    );
  });

  it('runs enough iterations to catch a failure at iteration 3, and names it', async () => {
    expect(CONTRACT_ITERATIONS).toBeGreaterThan(3);
    const p = plugin({
      create: (_config, { policy }) => ({
        async iterate(ctx) {
          await ctx.sampleTrajectories(ctx.stepsPerIteration);
          if (ctx.iteration === 3) throw new RangeError('a late failure');
          policy.setParams(policy.getParams().map((v) => v + 0.01 * ctx.rng.normal()));
          return {};
        },
        state: () => ({}),
        load: () => {},
      }),
    });
    const problems = await pluginContractProblems(p);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^test-plugin: a 5-iteration trial on cartpole-v1 failed in iteration 4 of 5 \(ctx.iteration 3\): RangeError: a late failure\n\s+at .*contract\.test\.ts:\d+/,
    );
  });

  it('reports extras under the runner’s own names, listed and by the reward. prefix', async () => {
    const p = plugin(
      {},
      {
        iterate: async (ctx) => {
          await ctx.sampleTrajectories(ctx.stepsPerIteration);
          return { perStepReward: 10, 'reward.alive': 1, gain: 2 };
        },
      },
    );
    const problems = await pluginContractProblems(p);
    expect(problems).toEqual(
      expect.arrayContaining([
        'test-plugin: iterate() reports "perStepReward", a name the runner records itself; rename it',
        'test-plugin: iterate() reports "reward.alive", a name the runner records itself; rename it',
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/"gain"/);
  });

  it('warns, visibly and without failing, when no iteration changes the policy parameters', async () => {
    const p = plugin(
      {},
      {
        iterate: async (ctx) => {
          await ctx.sampleTrajectories(ctx.stepsPerIteration);
          return { gain: 0 }; // computes a step, never applies it
        },
      },
    );
    const expected =
      'test-plugin: the policy parameters never changed in 5 iterations: iterate() must set new ones (policy.setParams), or the learning curve stays flat';
    expect(await pluginContractReport(p)).toEqual({ problems: [], warnings: [expected] });
    const seen: string[] = [];
    expect(await pluginContractProblems(p, { onWarning: (w) => seen.push(w) })).toEqual([]);
    expect(seen).toEqual([expected]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await expect(assertPluginContract(p)).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(`warning: ${expected}`);
    } finally {
      warn.mockRestore();
    }
    // One change in any iteration is enough.
    const once = plugin(
      {},
      {
        iterate: async (ctx) => {
          await ctx.sampleTrajectories(ctx.stepsPerIteration);
          if (ctx.iteration === 4) ctx.policy.setParams(ctx.policy.getParams().map((v) => v + 1));
          return {};
        },
      },
    );
    expect((await pluginContractReport(once)).warnings).toEqual([]);
  });
});
