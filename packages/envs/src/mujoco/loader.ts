/**
 * Lazy loading of the MuJoCo WebAssembly module (mujoco-js 0.0.7, MuJoCo 3.3.8).
 *
 * `mujoco-js` is an 11 MB Emscripten bundle (the wasm binary is inlined), so it is imported with a
 * dynamic `import()` on the first MuJoCo env created in a thread, never when `@policy-arena/envs` is
 * imported. One module instance per thread is shared by every env of that thread.
 */
import type { MainModule, MjModel } from 'mujoco-js';

export type MujocoModule = MainModule;

let modulePromise: Promise<MujocoModule> | undefined;
let fileCounter = 0;

/** The thread's MuJoCo module, loaded on first use (about 0.3 s). */
export function loadMujoco(): Promise<MujocoModule> {
  modulePromise ??= import('mujoco-js')
    .then((m) => m.default())
    .then((mj) => {
      mj.FS.mkdir('/policy-arena');
      return mj;
    })
    .catch((e: unknown) => {
      modulePromise = undefined;
      throw new Error(`could not load the MuJoCo WebAssembly module (mujoco-js): ${String(e)}`, { cause: e });
    });
  return modulePromise;
}

/** True once the module has been requested in this thread (for tests of the lazy loading). */
export function mujocoRequested(): boolean {
  return modulePromise !== undefined;
}

/** Compiles an MJCF string into a model, through a temporary file in the module's in-memory FS. */
export function modelFromXml(mj: MujocoModule, xml: string, name: string): MjModel {
  const path = `/policy-arena/${name}-${fileCounter++}.xml`;
  mj.FS.writeFile(path, xml);
  try {
    const model = mj.MjModel.loadFromXML(path);
    if (!model) throw new Error(`MuJoCo could not compile the ${name} model`);
    return model;
  } finally {
    mj.FS.unlink(path);
  }
}
