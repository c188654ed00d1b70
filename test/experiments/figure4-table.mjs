// Prints a Figure 4 panel's final-score table as Markdown, from the summary that `arena report`
// writes (results/figure4/<panel>/report/summary.json):
//   node test/experiments/figure4-table.mjs results/figure4/cartpole
// Columns: seeds, final score per time step mean ± std and IQM with its 95 % bootstrap CI, the
// iteration at which the seed-mean curve first reaches 90 % of the panel's best final mean, and
// wall / CPU seconds per trial. With --at 50,100,… it also prints each algorithm's seed-mean score
// per time step at those iterations (the report's curves: iteration k = the k-th completed one).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { at: { type: 'string' } }, allowPositionals: true });
const dir = positionals[0];
const at = values.at?.split(',').map(Number) ?? [];
if (!dir || at.some((k) => !Number.isInteger(k) || k < 1)) {
  console.error('usage: node test/experiments/figure4-table.mjs [--at 50,100] <sweep output directory>');
  process.exit(2);
}
const file = path.join(dir, 'report', 'summary.json');
if (!fs.existsSync(file)) {
  console.error(`${file} not found: run \`arena report ${dir}\` first`);
  process.exit(2);
}
const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const sec = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : 'n/a');
for (const task of summary.tasks) {
  const rows = summary.final.filter((r) => r.task === task);
  const best = Math.max(...rows.map((r) => r.mean));
  console.log(
    `\n${task} (${rows[0]?.seeds ?? 0} seeds; "90 % at" = first iteration whose seed mean ≥ 0.9 × ${f(best)})\n`,
  );
  console.log(
    '| algorithm | seeds | final score/step, mean ± std | IQM [95 % CI] | 90 % at | wall s / trial | CPU s / trial |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const curve = summary.curves.filter((c) => c.task === task && c.variant === r.variant);
    const hit = curve.find((c) => c.mean >= 0.9 * best);
    console.log(
      `| ${r.variant} | ${r.seeds} | ${f(r.mean)} ± ${f(r.std)} | ${f(r.iqm)} [${f(r.iqmInterval.low)}, ${f(r.iqmInterval.high)}] | ${hit ? hit.iteration : '–'} | ${sec(r.secondsPerTrial)} | ${sec(r.cpuSecondsPerTrial ?? NaN)} |`,
    );
  }
  if (at.length === 0) continue;
  console.log(`\n| algorithm | ${at.map((k) => `it ${k}`).join(' | ')} |`);
  console.log(`|---|${at.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    const cells = at.map((k) => {
      const c = summary.curves.find((c) => c.task === task && c.variant === r.variant && c.iteration === k);
      return c ? f(c.mean) : '–';
    });
    console.log(`| ${r.variant} | ${cells.join(' | ')} |`);
  }
}
