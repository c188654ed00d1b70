// Prints score per time step and mean episode length at chosen iterations of one or more trials, as
// a Markdown table, from their metrics.jsonl (iteration k = the k-th completed iteration):
//   node test/experiments/curve-points.mjs --at 25,50,100 results/figure4/hopper-10M/trials/trpo-vine__hopper-v2__seed1 ...
// A trial with fewer iterations shows "–" past its last one. The last columns give the env steps
// the trial had taken at its last listed iteration and its mean KL there. Run `pnpm build` first.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseRecords } from '@policy-arena/runner/browser';

const { values, positionals } = parseArgs({
  options: { at: { type: 'string', default: '25,50,100,200' } },
  allowPositionals: true,
});
const at = values.at.split(',').map(Number);
if (positionals.length === 0 || at.some((k) => !Number.isInteger(k) || k < 1)) {
  console.error('usage: node test/experiments/curve-points.mjs [--at 25,50,100] <trial dir>...');
  process.exit(2);
}

console.log(`| trial | ${at.map((k) => `it ${k}`).join(' | ')} | env steps | mean KL |`);
console.log(`|---|${at.map(() => '---:').join('|')}|---:|---:|`);
for (const dir of positionals) {
  // The report's reader: a line cut by a killed run is not a record.
  const rows = parseRecords(fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8'));
  const cells = at.map((k) => {
    const r = rows[k - 1];
    return r ? `${r.perStepReward.toFixed(2)} / ${r.meanEpisodeLength.toFixed(0)}` : '–';
  });
  const last = rows[Math.min(Math.max(...at), rows.length) - 1];
  const kl = Number.isFinite(last.meanKl) ? last.meanKl.toFixed(4) : 'n/a';
  console.log(
    `| ${path.basename(dir)} | ${cells.join(' | ')} | ${last.envSteps.toLocaleString('en')} | ${kl} |`,
  );
}
