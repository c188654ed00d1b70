/**
 * A planar view of an env's current state for drawing: cart-pole, hopper and walker move in the
 * vertical x–z plane and the swimmer in the horizontal x–y plane, so capsules, discs and a ground
 * line in that plane show them fully.
 * MuJoCo geoms are read from the simulator (geom_xpos / geom_xmat after the last step), so the
 * picture is what was simulated, not a re-derivation from qpos.
 */
import type { Env } from '@policy-arena/core';
import { libm } from '@policy-arena/core/env';
import { CartPoleEnv } from './cartpole.js';
import { MujocoEnv } from './mujoco/env.js';
import type { MujocoGeometry } from './mujoco/geometry.js';

/** A point in the x–z plane (metres; z up). */
export type Point2 = readonly [number, number];

export type SceneShape =
  /** A capsule seen from the side: a thick segment with round ends. */
  | {
      readonly kind: 'capsule';
      readonly a: Point2;
      readonly b: Point2;
      readonly radius: number;
      readonly rgba: readonly number[];
    }
  | {
      readonly kind: 'disc';
      readonly centre: Point2;
      readonly radius: number;
      readonly rgba: readonly number[];
    }
  | {
      readonly kind: 'rect';
      readonly centre: Point2;
      readonly halfWidth: number;
      readonly halfHeight: number;
      readonly rgba: readonly number[];
    }
  /** The ground: z = height everywhere. */
  | { readonly kind: 'ground'; readonly height: number };

export interface SideViewScene {
  readonly shapes: readonly SceneShape[];
  /** Where a following camera should look (the robot's root). */
  readonly focus: Point2;
}

// mjtGeom values (mujoco/mjmodel.h).
const PLANE = 0;
const SPHERE = 2;
const CAPSULE = 3;
const CYLINDER = 5;

/**
 * MuJoCo geoms projected on a plane: 'xz' (side view: hopper, walker) or 'xy' (top view: the
 * swimmer moves in the horizontal plane). Planes become the ground in a side view and are left
 * out from above; capsules and cylinders become segments, spheres discs.
 */
export function mujocoScene(g: MujocoGeometry, focus: Point2, plane: 'xz' | 'xy' = 'xz'): SideViewScene {
  const v = plane === 'xz' ? 2 : 1; // the vertical axis of the picture
  const shapes: SceneShape[] = [];
  for (let i = 0; i < g.count; i++) {
    const x = g.xpos[3 * i]!;
    const z = g.xpos[3 * i + v]!;
    const size = g.size.subarray(3 * i, 3 * i + 3);
    const rgba = Array.from(g.rgba.subarray(4 * i, 4 * i + 4));
    const type = g.type[i]!;
    if (type === PLANE) {
      if (plane === 'xz') shapes.push({ kind: 'ground', height: z });
    } else if (type === SPHERE) shapes.push({ kind: 'disc', centre: [x, z], radius: size[0]!, rgba });
    else if (type === CAPSULE || type === CYLINDER) {
      // The geom's local z axis in world coordinates is the third column of xmat (row-major).
      const m = g.xmat.subarray(9 * i, 9 * i + 9);
      const half = size[1]!;
      const ax = m[2]! * half;
      const az = m[3 * v + 2]! * half;
      shapes.push({ kind: 'capsule', a: [x - ax, z - az], b: [x + ax, z + az], radius: size[0]!, rgba });
    }
  }
  return { shapes, focus };
}

/**
 * The plane a MuJoCo task's robot moves in: the swimmer swims in the horizontal x–y plane (slide
 * joints along x and y), the hopper and walker in the vertical x–z plane.
 */
export function motionPlane(env: MujocoEnv): 'xz' | 'xy' {
  return env.task.model === 'swimmer' ? 'xy' : 'xz';
}

/** The side view of `env`'s current state, or undefined for an env this module cannot draw. */
export function sideView(env: Env): SideViewScene | undefined {
  if (env instanceof MujocoEnv) {
    const { qpos } = env.physicsState();
    // Look at the swimmer from above.
    const topView = motionPlane(env) === 'xy';
    return mujocoScene(env.geometry(), [qpos[0]!, topView ? qpos[1]! : 0], topView ? 'xy' : 'xz');
  }
  if (env instanceof CartPoleEnv) {
    const { x, theta, halfPoleLength } = env.pose();
    const top: Point2 = [x + 2 * halfPoleLength * libm.sin(theta), 2 * halfPoleLength * libm.cos(theta)];
    return {
      shapes: [
        { kind: 'ground', height: -0.15 },
        { kind: 'rect', centre: [x, 0], halfWidth: 0.25, halfHeight: 0.15, rgba: [0.3, 0.3, 0.35, 1] },
        { kind: 'capsule', a: [x, 0], b: top, radius: 0.03, rgba: [0.8, 0.6, 0.4, 1] },
      ],
      focus: [0, 0],
    };
  }
  return undefined;
}
