/**
 * The interactive report in Chromium: results/figure4/cartpole picked with the directory input,
 * every control redrawing the figure (and the table following), the tooltip, a second directory
 * merged in, and a directory that is not a results directory refused in the page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, collectProblems, launchBrowser, screenshot, serveApp } from './harness.js';
import type { App } from './harness.js';

const CARTPOLE = path.join(REPO_ROOT, 'results/figure4/cartpole');
const SWIMMER = path.join(REPO_ROOT, 'results/figure4/swimmer-50it');
const ALGORITHMS = [
  'trpo-vine',
  'trpo-single-path',
  'natural-gradient',
  'max-kl',
  'empirical-fim',
  'cem',
  'cma',
  'rwr',
];

interface CliCurvePoint {
  variant: string;
  iteration: number;
  mean: number;
  low: number;
  high: number;
}
interface CliFinalRow {
  variant: string;
  mean: number;
  seeds: number;
}
const cli = JSON.parse(fs.readFileSync(path.join(CARTPOLE, 'report/summary.json'), 'utf8')) as {
  curves: CliCurvePoint[];
  final: CliFinalRow[];
};

let app: App;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  app = await serveApp();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  problems = collectProblems(page);
  await page.goto(`${app.url}#report`);
  await page.waitForSelector('#report-dir', { state: 'attached' });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const revision = async () => Number(await page.getAttribute('#report-figure', 'data-revision'));

/** Runs the action and waits for the redraw it causes. */
async function redrawn(action: () => Promise<unknown>): Promise<void> {
  const before = await revision();
  await action();
  await page.waitForFunction(
    (b) => Number(document.getElementById('report-figure')!.dataset['revision']) > b,
    before,
  );
}

/** The algorithm each drawn line is of (Vega labels a line with its first point's fields). */
const lineAlgorithms = () =>
  page
    .locator('#report-figure path[aria-roledescription="line mark"]')
    .evaluateAll((paths) =>
      paths.map((p) => /algorithm: ([^;]+)$/.exec(p.getAttribute('aria-label') ?? '')?.[1] ?? '?'),
    );
const axisTitles = () => page.locator('#report-figure .role-axis-title text').allTextContents();
const legendLabels = () => page.locator('#report-figure .role-legend-label text').allTextContents();
const lineOf = (algorithm: string) =>
  page.locator(
    `#report-figure path[aria-roledescription="line mark"][aria-label$="algorithm: ${algorithm}"]`,
  );
const tableVariants = () =>
  page
    .locator('#report-final tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')));

describe('the interactive report', () => {
  it('draws Figure 4 of a picked results directory, with the final-score table', async () => {
    await redrawn(() => page.setInputFiles('#report-dir', CARTPOLE));
    expect(await page.textContent('#report-summary')).toContain('cartpole: 40 trials, 40 finished');
    expect(await lineAlgorithms()).toEqual(ALGORITHMS);
    expect(await axisTitles()).toEqual(['iteration', 'score per time step (mean)']);
    expect(await legendLabels()).toEqual(ALGORITHMS);
    expect(await tableVariants()).toEqual(ALGORITHMS);
    // The table's means are the CLI report's final scores.
    const trpoVine = cli.final.find((r) => r.variant === 'trpo-vine')!;
    const cells = await page.locator('#report-final tr[data-variant="trpo-vine"] td').allTextContents();
    expect(Number(cells[2]!.split(' ± ')[0])).toBeCloseTo(trpoVine.mean, 3);
    expect(cells[4]).toBe(String(trpoVine.seeds));
  });

  it('shows the values of the point under the pointer in #report-tooltip', async () => {
    await page.locator('#report-figure').scrollIntoViewIfNeeded();
    // The 21st vertex of max-kl's line, in the page's coordinates.
    const target = await lineOf('max-kl').evaluate((line: SVGPathElement) => {
      const vertex = line.getAttribute('d')!.slice(1).split('L')[20]!.split(',').map(Number);
      const point = new DOMPoint(vertex[0], vertex[1]).matrixTransform(line.getScreenCTM()!);
      return { x: point.x, y: point.y };
    });
    await page.mouse.move(target.x, target.y);
    const tooltip = page.locator('#report-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const cell = (key: string) => tooltip.locator(`tr[data-key="${key}"] td`).textContent();
    expect(await cell('algorithm')).toBe('max-kl');
    expect(await cell('iteration')).toBe('21');
    expect(await cell('seeds')).toBe('5');
    const expected = cli.curves.find((c) => c.variant === 'max-kl' && c.iteration === 21)!;
    expect(Number(await cell('score per time step (mean)'))).toBeCloseTo(expected.mean, 3);
    const [low, high] = (await cell('95 % CI'))!.slice(1, -1).split(', ').map(Number);
    expect(low).toBeCloseTo(expected.low, 3);
    expect(high).toBeCloseTo(expected.high, 3);
    await screenshot(page, 'report');
    await page.mouse.move(1, 1);
  });

  it('redraws for each control, and the table follows', async () => {
    await redrawn(() => page.selectOption('#report-metric', 'meanReturn'));
    expect(await axisTitles()).toEqual(['iteration', 'mean episode return (mean)']);
    expect(await page.textContent('#report-final thead')).toContain('final mean return');

    await redrawn(() => page.selectOption('#report-x', 'steps'));
    expect((await axisTitles())[0]).toBe('env steps');
    await redrawn(() => page.selectOption('#report-x', 'wallTime'));
    expect((await axisTitles())[0]).toBe('wall time (s)');

    const meanLine = await lineOf('cma').getAttribute('d');
    const meanCell = await page.locator('#report-final tr[data-variant="cma"] td').nth(3).textContent();
    await redrawn(() => page.selectOption('#report-aggregate', 'iqm'));
    expect((await axisTitles())[1]).toBe('mean episode return (IQM)');
    expect(await lineOf('cma').getAttribute('d')).not.toBe(meanLine);
    expect(await page.locator('#report-final th.chosen').textContent()).toBe('IQM [95 % CI]');
    // The IQM column stays the IQM: what changes is which statistic the figure and the table stress.
    expect(await page.locator('#report-final tr[data-variant="cma"] td').nth(3).textContent()).toBe(meanCell);

    await redrawn(() => page.selectOption('#report-metric', 'meanKl'));
    expect(await lineAlgorithms()).toEqual(ALGORITHMS.filter((a) => a !== 'cem' && a !== 'cma'));
    expect(await page.textContent('#report-note')).toBe('No mean KL in the records of: cem, cma.');

    await redrawn(() => page.uncheck('#report-algos input[value="rwr"]'));
    expect(await lineAlgorithms()).not.toContain('rwr');
    expect(await legendLabels()).not.toContain('rwr');
    expect(await tableVariants()).not.toContain('rwr');
    expect(await page.locator('#report-trials tr[data-trial^="rwr__"]').count()).toBe(0);

    await redrawn(() => page.uncheck('#report-tasks input[value="cartpole-v1"]'));
    expect(await page.textContent('#report-figure')).toBe('Select at least one task and one algorithm.');
    expect(await page.locator('#report-final tbody tr').count()).toBe(0);

    await redrawn(() => page.check('#report-tasks input[value="cartpole-v1"]'));
    await redrawn(() => page.check('#report-algos input[value="rwr"]'));
    await redrawn(() => page.selectOption('#report-metric', 'perStepReward'));
    await redrawn(() => page.selectOption('#report-aggregate', 'mean'));
    await redrawn(() => page.selectOption('#report-x', 'iterations'));
    expect(await lineAlgorithms()).toEqual(ALGORITHMS);
  });

  it('merges a second picked directory: its task is a panel of its own', async () => {
    await redrawn(() => page.setInputFiles('#report-dir', SWIMMER));
    expect(await page.textContent('#report-summary')).toMatch(/^cartpole \+ swimmer-50it: 75 trials/);
    expect(await page.locator('#report-figure .role-title-text').allTextContents()).toEqual(
      expect.arrayContaining(['cartpole-v1', 'swimmer-v2']),
    );
    expect(
      await page
        .locator('#report-tasks input')
        .evaluateAll((i) => i.map((x) => (x as HTMLInputElement).value)),
    ).toEqual(['cartpole-v1', 'swimmer-v2']);
    await redrawn(() => page.uncheck('#report-tasks input[value="cartpole-v1"]'));
    expect(
      await page
        .locator('#report-final tbody tr')
        .evaluateAll((r) => [...new Set(r.map((x) => x.getAttribute('data-task')))]),
    ).toEqual(['swimmer-v2']);
  });

  it('refuses a directory without manifest.json in the page, and keeps what it shows', async () => {
    const shown = await revision();
    // A trial's directory, as committed (a local checkout may also hold an ignored checkpoint).
    const trial = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'report-trial-')),
      'cem__cartpole-v1__seed1',
    );
    fs.mkdirSync(trial);
    for (const file of ['metrics.jsonl', 'trial.json'])
      fs.copyFileSync(path.join(CARTPOLE, 'trials/cem__cartpole-v1__seed1', file), path.join(trial, file));
    await page.setInputFiles('#report-dir', trial);
    const alert = page.locator('#report-error .error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /^"cem__cartpole-v1__seed1" is not a results directory: expected a manifest\.json .* got cem__cartpole-v1__seed1\/metrics\.jsonl, cem__cartpole-v1__seed1\/trial\.json$/,
    );
    expect(await revision()).toBe(shown);
    expect(await page.textContent('#report-summary')).toMatch(/^cartpole \+ swimmer-50it/);
  });

  it('logs no console error, uncaught exception or failed request', () => {
    expect(problems).toEqual([]);
  });
});
