/**
 * The training playground in headless Chromium: a cart-pole trial trained in the Web Worker gives
 * the records `arena run` writes for the same algorithm, preset and seed (all fields but the
 * timings), the live curve and the acting policy update as it trains, a swimmer trial runs and
 * stops, and bad input is answered in the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, collectProblems, launchBrowser, screenshot, serveApp } from './harness.js';
import type { App } from './harness.js';

const CLI = path.join(REPO_ROOT, 'packages/runner/dist/cli.js');
const TIMING = new Set(['seconds', 'cpuSeconds']);

/** A record as JSON text without its timings: equal texts mean bitwise-equal numbers. */
function untimed(record: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(record).filter(([k]) => !TIMING.has(k))));
}

function cliRecords(args: string[]): Record<string, unknown>[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'web-train-cli-'));
  execFileSync(process.execPath, [CLI, 'run', ...args, '--workers', '0', '--out', out, '--quiet'], {
    stdio: 'pipe',
  });
  const [trial] = fs.readdirSync(path.join(out, 'trials'));
  const text = fs.readFileSync(path.join(out, 'trials', trial!, 'metrics.jsonl'), 'utf8');
  fs.rmSync(out, { recursive: true, force: true });
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function pageRecords(page: Page): Promise<Record<string, unknown>[]> {
  const text = (await page.textContent('#train-records')) ?? '';
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function configure(page: Page, options: Record<string, string>): Promise<void> {
  // The page's module loads on first visit.
  await page.waitForSelector('#train-start');
  for (const [id, value] of Object.entries(options)) {
    const tag = await page.$eval(`#${id}`, (node) => node.tagName);
    if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
    else await page.fill(`#${id}`, value);
  }
}

const waitForState = (page: Page, states: string[], timeout = 600_000) =>
  page.waitForFunction(
    (wanted) => wanted.includes(document.getElementById('page-train')?.dataset.state ?? ''),
    states,
    { timeout },
  );

describe('training playground', () => {
  let app: App;
  let browser: Browser;
  beforeAll(async () => {
    app = await serveApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('trains cart-pole in the worker to the records arena run writes for the same seed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectProblems(page);
    await page.goto(`${app.url}#train`);
    await configure(page, {
      'train-algo': 'trpo-single-path',
      'train-task': 'cartpole-v1',
      'train-preset': 'quick',
      'train-seed': '1',
    });
    // The quick preset's own budget: the page fills it in when the task or preset changes.
    expect(await page.inputValue('#train-iterations')).toBe('50');
    await page.click('#train-start');
    // The curve and the acting policy update while the trial runs.
    await page.waitForFunction(() => Number(document.getElementById('page-train')?.dataset.iteration) >= 3);
    const pointsEarly = await page.$eval(
      '#train-curve polyline',
      (p) => p.getAttribute('points')!.split(' ').length,
    );
    expect(pointsEarly).toBeGreaterThanOrEqual(3);
    await waitForState(page, ['done', 'error']);
    expect(await page.textContent('#train-status')).toMatch(/^Done: 50 iterations/);
    const pointsFinal = await page.$eval(
      '#train-curve polyline',
      (p) => p.getAttribute('points')!.split(' ').length,
    );
    expect(pointsFinal).toBe(50);
    await page.waitForFunction(
      () => Number(document.querySelector('#train-policy canvas')?.getAttribute('data-frames')) > 10,
    );
    await screenshot(page, 'train');

    const browserRecords = await pageRecords(page);
    const cli = cliRecords([
      '--preset',
      'quick',
      '--algo',
      'trpo-single-path',
      '--env',
      'cartpole-v1',
      '--seed',
      '1',
    ]);
    expect(browserRecords).toHaveLength(cli.length);
    expect(browserRecords.map(untimed)).toEqual(cli.map(untimed));
    // Solved, as the CLI's run is: the final score is the cart-pole's maximum region.
    expect(browserRecords.at(-1)!.perStepReward as number).toBeGreaterThan(9);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs a swimmer trial at the quick preset and stops it on request', async () => {
    const page = await browser.newPage();
    const problems = collectProblems(page);
    await page.goto(`${app.url}#train`);
    await configure(page, {
      'train-algo': 'trpo-single-path',
      'train-task': 'swimmer-v2',
      'train-preset': 'quick',
    });
    expect(await page.inputValue('#train-iterations')).toBe('50');
    await page.click('#train-start');
    await page.waitForFunction(
      () => Number(document.getElementById('page-train')?.dataset.iteration) >= 1,
      null,
      {
        timeout: 600_000,
      },
    );
    const [first] = await pageRecords(page);
    expect(first!.envSteps as number).toBeGreaterThanOrEqual(10_000);
    expect(first!.perStepReward as number).toEqual(expect.any(Number));
    await page.click('#train-stop');
    await waitForState(page, ['stopped']);
    expect(await page.isEnabled('#train-start')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('answers bad input in the page', async () => {
    const page = await browser.newPage();
    const problems = collectProblems(page);
    await page.goto(`${app.url}#train`);
    await configure(page, { 'train-iterations': '0' });
    await page.click('#train-start');
    await waitForState(page, ['error']);
    expect(await page.textContent('#train-status')).toBe('Iterations: expected an integer ≥ 1, got "0"');
    expect(problems).toEqual([]);
    await page.close();
  });
});
