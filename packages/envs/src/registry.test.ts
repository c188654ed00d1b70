import { describe, expect, it } from 'vitest';
import { checkEnv } from './checker.js';
import { EnvRegistry, builtinEnvs, defaultEnvRegistry } from './registry.js';

describe('env registry', () => {
  it('lists every built-in task under a versioned id', () => {
    expect(defaultEnvRegistry.ids()).toContain('cartpole-v1');
    for (const id of defaultEnvRegistry.ids()) expect(id).toMatch(/-v\d+$/);
  });

  it('rejects unknown, unversioned and duplicate ids with the valid choices', async () => {
    await expect(defaultEnvRegistry.make('cartpole')).rejects.toThrow(
      /unknown env "cartpole"; valid: .*cartpole-v1/,
    );
    const r = new EnvRegistry([]);
    expect(() =>
      r.register({
        id: 'CartPole',
        description: '',
        create: () => {
          throw new Error();
        },
      }),
    ).toThrow(/version suffix/);
    r.register(builtinEnvs[0]!);
    expect(() => r.register(builtinEnvs[0]!)).toThrow(/registered twice/);
  });

  for (const registration of builtinEnvs) {
    it(`the env checker passes on ${registration.id}`, async () => {
      const env = await registration.create();
      try {
        expect(checkEnv(env)).toEqual([]);
      } finally {
        env.close();
      }
    });
  }
});
