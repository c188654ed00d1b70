#!/usr/bin/env node
// Learning curves over seeds, as a markdown table (for EXPERIMENTS.md).
//   pnpm build && node test/experiments/curves.mjs --algo trpo-single-path --env cartpole-v1 --seeds 1-5
// Options: --preset (quick), --iterations, --batch-size, --set key=value ..., --every 5, --threshold 9.5
import { builtinPlugins } from '@policy-arena/algorithms';
import { budgetFor, parseSetting, resolvePluginConfig, runTrial } from '@policy-arena/runner';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const settings = [];
args.forEach((a, i) => a === '--set' && settings.push(args[i + 1]));
const algos = opt('algo', 'trpo-single-path').split(',');
const envId = opt('env', 'cartpole-v1');
const preset = opt('preset', 'quick');
const [lo, hi] = opt('seeds', '1-5').split('-').map(Number);
const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
const budget = budgetFor(preset, envId);
const iterations = Number(opt('iterations', budget.iterations));
const stepsPerIteration = Number(opt('batch-size', budget.stepsPerIteration));
const every = Number(opt('every', 5));
const threshold = Number(opt('threshold', 9.5));

const columns = [];
for (let i = 0; i < iterations; i += every) columns.push(i);
if (columns.at(-1) !== iterations - 1) columns.push(iterations - 1);

console.log(
  `| algorithm | ${columns.map((c) => `it ${c + 1}`).join(' | ')} | first ≥ ${threshold} (per seed) | seconds |`,
);
console.log(`|---|${columns.map(() => '---').join('|')}|---|---|`);
for (const name of algos) {
  const plugin = builtinPlugins.find((p) => p.name === name);
  if (!plugin) throw new Error(`unknown algorithm ${name}`);
  const config = resolvePluginConfig(plugin, preset, envId, Object.fromEntries(settings.map(parseSetting)));
  const curves = [];
  const firsts = [];
  const t0 = performance.now();
  for (const seed of seeds) {
    const { records } = await runTrial({ plugin, config, envId, seed, iterations, stepsPerIteration });
    curves.push(records.map((r) => r.perStepReward));
    const first = records.findIndex((r) => r.perStepReward >= threshold);
    firsts.push(first < 0 ? '–' : String(first + 1));
    process.stderr.write(`${name} seed ${seed}: final ${records.at(-1).perStepReward.toFixed(2)}\n`);
  }
  const mean = (i) => curves.reduce((s, c) => s + c[i], 0) / curves.length;
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `| ${name} | ${columns.map((c) => mean(c).toFixed(2)).join(' | ')} | ${firsts.join(', ')} | ${seconds} |`,
  );
}
console.log(
  `\n${envId}, ${iterations} iterations × ${stepsPerIteration} steps, seeds ${seeds.join(', ')}; mean score per time step over seeds.`,
);
