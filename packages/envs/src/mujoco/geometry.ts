/** MuJoCo's geom arrays at one instant, copied out of the wasm heap for drawing (scene.ts). */
import type { MjData, MjModel } from 'mujoco-js';

/** Row-major per geom: size 3, rgba 4, xpos 3, xmat 9. */
export interface MujocoGeometry {
  readonly count: number;
  readonly type: Int32Array;
  readonly size: Float64Array;
  readonly rgba: Float32Array;
  readonly xpos: Float64Array;
  readonly xmat: Float64Array;
}

/** Copies: heap views detach when the wasm memory grows, so none is kept. */
export function readGeometry(m: MjModel, d: MjData): MujocoGeometry {
  return {
    count: m.ngeom,
    type: Int32Array.from(m.geom_type as Int32Array),
    size: Float64Array.from(m.geom_size as Float64Array),
    rgba: Float32Array.from(m.geom_rgba as Float32Array),
    xpos: Float64Array.from(d.geom_xpos as Float64Array),
    xmat: Float64Array.from(d.geom_xmat as Float64Array),
  };
}
