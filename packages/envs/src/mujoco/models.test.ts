/**
 * The shipped models disable MuJoCo 3's constraint-island discovery for speed. That must change no
 * trajectory: the same random controls on the model with and without the flag give bitwise the same
 * states, step by step, through contacts, falls and resets.
 */
import { describe, expect, it } from 'vitest';
import { loadMujoco } from './loader.js';
import { MUJOCO_V1_TASKS } from './tasks.js';
import { nativeXml } from './models.js';

const STEPS = 1500;

describe('models: <flag island="disable"/> changes no trajectory', () => {
  for (const task of MUJOCO_V1_TASKS) {
    it(`${task.model}: bitwise the same qpos and qvel as with islands enabled (MuJoCo's default)`, async () => {
      const mj = await loadMujoco();
      const withDefault = task.xml.replace(/\s*<flag island="disable"\s*\/>/, '');
      expect(withDefault).not.toBe(task.xml);
      const traces = [task.xml, withDefault].map((xml, variant) => {
        const file = `/models-test-${task.model}-${variant}.xml`;
        mj.FS.writeFile(file, xml);
        const m = mj.MjModel.loadFromXML(file);
        const d = new mj.MjData(m);
        const qpos = d.qpos as Float64Array;
        const qvel = d.qvel as Float64Array;
        const ctrl = d.ctrl as Float64Array;
        const q0 = Float64Array.from(m.qpos0 as Float64Array);
        let s = 12345;
        const rnd = () => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          return s / 2 ** 31 - 1;
        };
        const reset = () => {
          mj.mj_resetData(m, d);
          for (let j = 0; j < m.nq; j++) qpos[j] = q0[j]! + task.resetNoise * rnd();
          for (let j = 0; j < m.nv; j++) qvel[j] = task.resetNoise * rnd();
          mj.mj_forward(m, d);
        };
        reset();
        const out = new Float64Array(STEPS * (m.nq + m.nv));
        let resets = 0;
        for (let i = 0, t = 0; i < STEPS; i++) {
          for (let j = 0; j < m.nu; j++) ctrl[j] = rnd();
          for (let k = 0; k < task.frameSkip; k++) mj.mj_step(m, d);
          out.set(qpos, i * (m.nq + m.nv));
          out.set(qvel, i * (m.nq + m.nv) + m.nq);
          if (!task.healthy(qpos, qvel) || ++t >= task.horizon) {
            reset();
            resets++;
            t = 0;
          }
        }
        d.delete();
        m.delete();
        return { out, resets };
      });
      if (task.model !== 'swimmer') expect(traces[0]!.resets).toBeGreaterThan(10); // falls and contacts happened
      expect(Buffer.from(traces[0]!.out.buffer).equals(Buffer.from(traces[1]!.out.buffer))).toBe(true);
    });
  }

  it('nativeXml strips the MuJoCo 3 elements that MuJoCo 2.2.2 rejects', () => {
    for (const task of MUJOCO_V1_TASKS) {
      const xml = nativeXml(task.xml);
      expect(xml).not.toMatch(/<size memory|island/);
      expect(xml).toContain('<option');
    }
  });
});
