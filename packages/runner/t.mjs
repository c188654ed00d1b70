import { GaussianMlp, Rng } from '@policy-arena/core';
import { RolloutPool, defaultEnvRegistry } from '@policy-arena/envs';
const envId = process.argv[2] ?? 'hopper-v1';
const env = await defaultEnvRegistry.make(envId);
const obsDim = env.spec.observationSpace.shape[0], actDim = env.spec.actionSpace.shape[0];
const cfg = { obsDim, actDim, hidden: [50] };
const p = GaussianMlp.create({...cfg, outputInitScale: 0.1}, Rng.fromSeed(1)).getParams();
const pool = await RolloutPool.create({ envId, policy: cfg, numWorkers: 0 });
function raw(steps) {
  const a = new Float64Array(actDim); let t0 = performance.now(); env.reset(1); let eps=0;
  const rng = Rng.fromSeed(5);
  for (let i = 0; i < steps; i++) { for (let j=0;j<actDim;j++) a[j]=rng.normal(); const r = env.step(a); if (r.terminated||r.truncated) {env.reset(); eps++;} }
  return [steps / ((performance.now() - t0) / 1000), steps/eps];
}
for (let rep = 0; rep < 4; rep++) {
  const [r, len] = raw(20000);
  let t0 = performance.now();
  const b = await pool.sample(p, Rng.fromSeed(rep), { minSteps: 20000 });
  const s = b.numSteps / ((performance.now() - t0) / 1000);
  console.log(`raw ${r.toFixed(0)}/s (ep ${len.toFixed(1)})  pool0 ${s.toFixed(0)}/s (ep ${(b.numSteps/b.episodes.length).toFixed(1)})  ratio ${(s/r).toFixed(2)}`);
}
await pool.close();
