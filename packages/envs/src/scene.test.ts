/**
 * The planar views against the models' own coordinates: hopper's geoms at the reset pose are its
 * MJCF fromto segments (body frames at qpos0 plus reset noise of ±0.005), cart-pole's pole points
 * along θ.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '@policy-arena/core';
import { CartPoleEnv } from './cartpole.js';
import { MujocoEnv } from './mujoco/env.js';
import { makeEnv } from './registry.js';
import { motionPlane, sideView } from './scene.js';
import type { Point2, SceneShape } from './scene.js';

const near = (p: Point2, q: readonly [number, number], tol: number) =>
  Math.abs(p[0] - q[0]) < tol && Math.abs(p[1] - q[1]) < tol;

describe('sideView', () => {
  it("hopper: the ground and four capsules at the MJCF's fromto segments", async () => {
    const env = await makeEnv('hopper-v2');
    env.reset(3);
    const scene = sideView(env)!;
    env.close();
    expect(scene.shapes.filter((s) => s.kind === 'ground')).toEqual([{ kind: 'ground', height: 0 }]);
    const capsules = scene.shapes.filter(
      (s): s is Extract<SceneShape, { kind: 'capsule' }> => s.kind === 'capsule',
    );
    // torso, thigh, leg, foot: fromto in world coordinates at qpos0 (the torso body sits at z = 1.25)
    const expected: [readonly [number, number], readonly [number, number], number][] = [
      [[0, 1.45], [0, 1.05], 0.05],
      [[0, 1.05], [0, 0.6], 0.05],
      [[0, 0.6], [0, 0.1], 0.04],
      [[-0.13, 0.1], [0.26, 0.1], 0.06],
    ];
    expect(capsules).toHaveLength(4);
    capsules.forEach((c, i) => {
      const [a, b, r] = expected[i]!;
      // Reset noise (±0.005 per coordinate) moves the joints by a few millimetres along the chain.
      expect((near(c.a, a, 0.03) && near(c.b, b, 0.03)) || (near(c.a, b, 0.03) && near(c.b, a, 0.03))).toBe(
        true,
      );
      expect(c.radius).toBe(r);
    });
    expect(scene.focus[0]).toBeCloseTo(0, 1);
  });

  it('swimmer: seen from above, no ground, three 1 m segments', async () => {
    const env = await makeEnv('swimmer-v2');
    env.reset(1);
    const scene = sideView(env)!;
    env.close();
    expect(scene.shapes.some((s) => s.kind === 'ground')).toBe(false);
    const lengths = scene.shapes
      .filter((s): s is Extract<SceneShape, { kind: 'capsule' }> => s.kind === 'capsule')
      .map((c) => Math.hypot(c.b[0] - c.a[0], c.b[1] - c.a[1]));
    expect(lengths.map((l) => l.toFixed(6))).toEqual(['1.000000', '1.000000', '1.000000']);
  });

  it("cart-pole: the pole's top is 2l(sin θ, cos θ) from the cart", () => {
    const env = new CartPoleEnv();
    env.reset(5);
    env.step(Float64Array.of(1));
    const { x, theta, halfPoleLength } = env.pose();
    const pole = sideView(env)!.shapes.find((s) => s.kind === 'capsule') as Extract<
      SceneShape,
      { kind: 'capsule' }
    >;
    expect(pole.a).toEqual([x, 0]);
    expect(pole.b[0]).toBeCloseTo(x + 2 * halfPoleLength * Math.sin(theta), 12);
    expect(pole.b[1]).toBeCloseTo(2 * halfPoleLength * Math.cos(theta), 12);
  });
});

describe('motionPlane', () => {
  it.each(['hopper-v2', 'walker-v1', 'swimmer-v2', 'swimmer-v1'])(
    '%s: the geoms move within it under random torques',
    async (id) => {
      const env = await makeEnv(id);
      if (!(env instanceof MujocoEnv)) throw new Error(`${id} is not a MuJoCo task`);
      env.reset(2);
      const across = motionPlane(env) === 'xz' ? 1 : 2; // the world axis normal to the plane
      const along = motionPlane(env) === 'xz' ? 2 : 1;
      const start = env.geometry();
      const rng = Rng.fromSeed(3);
      for (let t = 0; t < 40; t++) {
        const action = Float64Array.from({ length: env.nu }, () => rng.uniformIn(-1, 1));
        if (env.step(action).terminated) break;
      }
      const end = env.geometry();
      env.close();
      let moved = 0;
      for (let i = 0; i < end.count; i++) {
        if (end.type[i] === 0) continue; // the ground plane
        expect(end.xpos[3 * i + across]).toBeCloseTo(start.xpos[3 * i + across]!, 9);
        moved = Math.max(moved, Math.abs(end.xpos[3 * i + along]! - start.xpos[3 * i + along]!));
      }
      expect(moved).toBeGreaterThan(1e-3);
    },
  );
});
