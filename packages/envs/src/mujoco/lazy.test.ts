import { expect, test } from 'vitest';

test('importing the package does not load the MuJoCo wasm module; creating a MuJoCo env does', async () => {
  const envs = await import('../index.js');
  const loader = await import('./loader.js');
  expect(envs.builtinEnvs.map((r) => r.id)).toEqual([
    'cartpole-v1',
    'swimmer-v2',
    'hopper-v2',
    'walker-v2',
    'swimmer-v1',
    'hopper-v1',
    'walker-v1',
  ]);
  expect(loader.mujocoRequested()).toBe(false);
  const cartpole = await envs.makeEnv('cartpole-v1');
  cartpole.close();
  expect(loader.mujocoRequested()).toBe(false);
  const created = envs.makeEnv('swimmer-v2');
  expect(created).toBeInstanceOf(Promise);
  const swimmer = await created;
  expect(loader.mujocoRequested()).toBe(true);
  swimmer.close();
});
