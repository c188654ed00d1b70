// Regenerates the golden trajectories of swimmer-v1, hopper-v1 and walker-v1 with native MuJoCo.
//
//   apt-get install -y libmujoco-dev gcc     (Debian: MuJoCo 2.2.2)
//   node packages/envs/test-fixtures/golden/regenerate.mjs [steps]
//
// Compiles harness.c, writes each task's model (the MJCF strings of src/mujoco/models.ts without
// `<size memory="1M"/>`, which MuJoCo 2.2.2 rejects) to a temporary folder, runs
// `harness golden <model> <task> <steps> <seed> <out.bin>` and stores the float64 records as base64
// in <model>.json next to this script. golden.test.ts reads only these JSON files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsTs = path.join(here, '../../src/mujoco/models.ts');
const SEED = 2463534242;
// Env steps per fixture. Rounding differences between the builds (x86-64 MuJoCo 2.2.2 vs wasm 3.3.8)
// grow with time once the robots tumble: after 400 steps they reach 5e-11 (swimmer), 3e-11 (hopper)
// and 1.6e-8 (walker; 4e-10 after 300), so the walker trajectory stops at 300 to stay within 1e-9.
const TASKS = [
  { id: 'swimmer-v1', model: 'swimmer', constant: 'SWIMMER_XML', steps: 400 },
  { id: 'hopper-v1', model: 'hopper', constant: 'HOPPER_XML', steps: 400 },
  { id: 'walker-v1', model: 'walker2d', constant: 'WALKER2D_XML', steps: 300 },
];

/** The MJCF string `export const NAME = \`...\`;` of models.ts, made loadable by MuJoCo 2.2.2. */
export function nativeModelXml(source, constant) {
  const match = new RegExp(`export const ${constant} = \`([^\`]*)\`;`).exec(source);
  if (!match) throw new Error(`${constant} not found in models.ts`);
  return match[1].replace(/\s*<size memory="[^"]*"\s*\/>/, '').replace(/\s*<flag island="disable"\s*\/>/, '');
}

function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-arena-golden-'));
  try {
    const exe = path.join(tmp, 'harness');
    execFileSync('gcc', ['-O2', '-o', exe, path.join(here, 'harness.c'), '-lmujoco', '-lm'], {
      stdio: 'inherit',
    });
    const source = fs.readFileSync(modelsTs, 'utf8');
    for (const t of TASKS) {
      const steps = Number(process.argv[2] ?? t.steps);
      const xml = path.join(tmp, `${t.model}.xml`);
      fs.writeFileSync(xml, nativeModelXml(source, t.constant));
      const bin = path.join(tmp, `${t.model}.bin`);
      const meta = JSON.parse(
        execFileSync(exe, ['golden', xml, t.model, String(steps), String(SEED), bin], { encoding: 'utf8' }),
      );
      const raw = fs.readFileSync(bin);
      const initialBytes = 8 * (meta.nq + meta.nv);
      const fixture = {
        task: t.id,
        model: t.model,
        generator: 'packages/envs/test-fixtures/golden/harness.c (regenerate.mjs)',
        mujocoVersion: meta.mujoco_version,
        generated: new Date().toISOString().slice(0, 10),
        nq: meta.nq,
        nv: meta.nv,
        nu: meta.nu,
        nfeet: meta.nfeet,
        timestep: meta.timestep,
        bodyWeight: meta.body_weight,
        steps,
        seed: SEED,
        actionScale: 1.2,
        recordLayout:
          'action(nu) qpos(nq) qvel(nv) reward healthy forwardVelocity ctrlCost impactPenalty peakFootForce(nfeet)',
        initial: raw.subarray(0, initialBytes).toString('base64'),
        records: raw.subarray(initialBytes).toString('base64'),
      };
      const file = path.join(here, `${t.model}.json`);
      fs.writeFileSync(file, JSON.stringify(fixture, null, 2) + '\n');
      console.log(`${file}: ${steps} steps, ${fs.statSync(file).size} bytes, MuJoCo ${meta.mujoco_version}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
