// `pnpm bench browser`: one trial's iterations in the web app's training worker (headless Debian
// Chromium, the built app from `pnpm build`) against the same trial in Node, in this process
// (`runTrial` from @policy-arena/runner/browser, sampling in the trial's thread in both). Peers run
// interleaved, per task: the ratio is what a page costs against the CLI on the same machine.
// Writes the section between <!-- bench:browser:start --> and <!-- bench:browser:end --> of
// BENCHMARKS.md.
// The callbacks handed to page.waitForFunction run in the page, where `document` exists.
/* global document */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { machineLine, median, ratio, root, stamp, writeSection } from './common.mjs';

const CASES = [
  { task: 'cartpole-v1', iterations: 12 },
  { task: 'swimmer-v2', iterations: 4 },
  { task: 'hopper-v2', iterations: 3 },
];
const ALGO = 'trpo-single-path';
const SEED = 1;
const REPS = Number(process.env.BROWSER_REPS ?? 2);

async function nodeSeconds(runner, task, iterations) {
  const plugin = runner.builtinPlugins.find((p) => p.name === ALGO);
  const settings = runner.presetTrialSettings(plugin, 'quick', task);
  const { records } = await runner.runTrial({
    plugin,
    config: settings.config,
    envId: task,
    seed: SEED,
    iterations,
    stepsPerIteration: settings.stepsPerIteration,
    samplerWorkers: 0,
  });
  return { seconds: records.slice(1).map((r) => r.seconds), steps: settings.stepsPerIteration };
}

async function browserSeconds(page, url, task, iterations) {
  await page.goto(`${url}#train`);
  await page.reload();
  await page.waitForSelector('#train-start');
  await page.selectOption('#train-algo', ALGO);
  await page.selectOption('#train-task', task);
  await page.selectOption('#train-preset', 'quick');
  await page.fill('#train-seed', String(SEED));
  await page.fill('#train-iterations', String(iterations));
  await page.click('#train-start');
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.getElementById('page-train').dataset.state),
    null,
    {
      timeout: 1_800_000,
    },
  );
  const text = await page.textContent('#train-records');
  const records = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  if (records.length !== iterations)
    throw new Error(`browser trial on ${task} stopped: ${await page.textContent('#train-status')}`);
  return records.slice(1).map((r) => r.seconds);
}

export async function main() {
  const web = path.join(root, 'packages/web');
  if (!fs.existsSync(path.join(web, 'dist/index.html')))
    throw new Error('packages/web/dist is missing: pnpm build');
  const runner = await import(path.join(root, 'packages/runner/dist/browser.js'));
  const server = await preview({
    root: web,
    configFile: path.join(web, 'vite.config.ts'),
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'silent',
  });
  const url = server.resolvedUrls.local[0];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const version = browser.version();
  const page = await browser.newPage();
  const loadBefore = os.loadavg()[0];
  const started = performance.now();
  const rows = [];
  try {
    for (const { task, iterations } of CASES) {
      const inNode = [];
      const inBrowser = [];
      let steps = 0;
      for (let rep = 0; rep < REPS; rep++) {
        const n = await nodeSeconds(runner, task, iterations);
        steps = n.steps;
        inNode.push(...n.seconds);
        inBrowser.push(...(await browserSeconds(page, url, task, iterations)));
        console.log(
          `${task} rep ${rep + 1}: node ${median(inNode).toFixed(2)} s, browser ${median(inBrowser).toFixed(2)} s per iteration`,
        );
      }
      rows.push({ task, steps, iterations, node: median(inNode), browser: median(inBrowser) });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const seconds = (performance.now() - started) / 1000;
  writeSection('browser', [
    '## The training worker in a browser (`pnpm bench browser`)',
    '',
    `Command: \`pnpm bench browser\` (= \`pnpm build && node test/bench/index.mjs browser\`). Date: ${stamp()} UTC. Machine: ${machineLine()}; Chromium ${version} headless. Run time ${seconds.toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after.`,
    '',
    `One ${ALGO} trial per task at the \`quick\` preset, seed ${SEED}: in the web app's training Web Worker (the built app, served by \`vite preview\`) and in Node in this process (\`runTrial\`, sampling in the trial's thread, as the worker does). Median of the records' \`seconds\` over ${REPS} runs, the first iteration (start-up) left out; the runs alternate.`,
    '',
    '| task | steps per iteration | iterations | Node s / iteration | browser worker s / iteration | browser / Node |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.task} | ${r.steps.toLocaleString('en-US')} | ${r.iterations - 1} × ${REPS} | ${r.node.toFixed(2)} | ${r.browser.toFixed(2)} | ${ratio(r.browser, r.node)} |`,
    ),
  ]);
}
