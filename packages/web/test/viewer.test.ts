/**
 * The policy viewer in headless Chromium, on policies that the built CLI trains and saves: a hopper
 * and a cart-pole opened through the file picker (and one by URL) play in the 3-D player, whose
 * frames advance and show the robot moving, whose episodes are `arena eval`'s episodes (computed
 * here in Node with the same core functions), whose controls act, and whose errors for files that
 * are not policies appear in the page, not in the console.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationEpisode, readPolicyFile } from '@policy-arena/core';
import { makeEnv } from '@policy-arena/envs';
import { REPO_ROOT, collectProblems, launchBrowser, screenshot, serveApp } from './harness.js';
import type { App } from './harness.js';

const CLI = path.join(REPO_ROOT, 'packages/runner/dist/cli.js');

let dir: string;
let app: App;
let browser: Browser;
const policyFiles: Record<string, string> = {};

/** Trains `envId` for two smoke iterations with the built CLI; returns its policy-final.json. */
function savedPolicy(envId: string): string {
  const out = path.join(dir, envId);
  execFileSync(
    process.execPath,
    [
      CLI,
      'run',
      ...['--preset', 'smoke', '--algo', 'trpo-single-path', '--env', envId, '--seed', '1'],
      ...['--iterations', '2', '--workers', '0', '--out', out, '--quiet'],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const [trial] = fs.readdirSync(path.join(out, 'trials'));
  return path.join(out, 'trials', trial!, 'policy-final.json');
}

/** Return of episode k of `arena eval` on a saved policy, computed in Node. */
async function evaluationReturn(file: string, deterministic: boolean, k: number): Promise<number> {
  const { policy, file: contents } = readPolicyFile(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  const env = await makeEnv(contents.env.id);
  try {
    return evaluationEpisode(env, policy, { seed: contents.evaluation?.seed ?? 0, deterministic }, k).total;
  } finally {
    env.close();
  }
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viewer-test-'));
  for (const envId of ['hopper-v2', 'cartpole-v1']) policyFiles[envId] = savedPolicy(envId);
  app = await serveApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh page on the viewer, with its console problems collected. */
async function viewerPage(hash = '#viewer'): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = collectProblems(page);
  await page.goto(`${app.url}${hash}`);
  await page.waitForSelector('#viewer-file');
  return { page, problems };
}

/** Opens a policy file through the file picker and waits for its first frames. */
async function openPolicy(page: Page, file: string): Promise<void> {
  await page.setInputFiles('#viewer-file', file);
  await waitForFrames(page, 3);
}

const frames = (page: Page) =>
  page.$eval('.player-canvas', (c) => Number((c as HTMLCanvasElement).dataset.frames));

/** The player's published state (its data attributes). */
const playerState = (page: Page) =>
  page.$eval('.player', (p) => ({ ...(p as HTMLElement).dataset }) as Record<string, string>);

async function waitForFrames(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.querySelector<HTMLCanvasElement>('.player-canvas')?.dataset.frames ?? 0) >= n,
    atLeast,
    { timeout: 120_000 },
  );
}

/**
 * Pauses, from within the page's animation frames, once the episode has played `steps` steps: a
 * round trip from Node would let a short episode end first.
 */
async function pauseAtStep(page: Page, steps: number): Promise<void> {
  await page.evaluate(
    (steps) =>
      new Promise<void>((resolve) => {
        const player = document.querySelector<HTMLElement>('.player')!;
        const check = () => {
          if (Number(player.dataset.episodeSteps) < steps) return void requestAnimationFrame(check);
          document.querySelector<HTMLButtonElement>('#viewer-play')!.click();
          resolve();
        };
        check();
      }),
    steps,
  );
  const state = await playerState(page);
  expect(state).toMatchObject({ state: 'paused', episode: '0' });
  expect(Number(state.episodeSteps)).toBeLessThan(Number(state.episodeLength));
}

/** Decoded pixels of the 3-D canvas as the page shows it. */
async function canvasPixels(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.locator('.player-canvas').screenshot());
}

function distinctColours(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) seen.add(png.data.readUInt32BE(i));
  return seen.size;
}

/** Pixels in the robot's colour (MJCF rgba 0.8 0.6 0.4, lit): clearly warmer than the grey ground. */
function robotMask(png: PNG): boolean[] {
  const mask: boolean[] = [];
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    mask.push(r - b > 50 && r > g && g > b);
  }
  return mask;
}

describe('policy viewer', () => {
  it('plays a hopper policy from the file picker: frames advance, the robot moves, the reward terms are charted', async () => {
    const { page, problems } = await viewerPage();
    await openPolicy(page, policyFiles['hopper-v2']!);

    const info = await page.locator('#viewer-info').textContent();
    expect(info).toContain('hopper-v2');
    expect(info).toContain('iteration 2');
    expect(info).toMatch(/over 10 deterministic episodes \(seed 0\)/);
    expect((await playerState(page)).envId).toBe('hopper-v2');

    const before = await frames(page);
    await page.waitForTimeout(1500);
    expect(await frames(page)).toBeGreaterThan(before);

    // The chart's legend names the env's reward terms, and its lines grow as steps play.
    const env = await makeEnv('hopper-v2');
    const terms = env.spec.rewardTerms;
    env.close();
    expect(
      await page.$$eval('.reward-chart .legend li', (items) =>
        items.map((li) => (li as HTMLElement).dataset.term),
      ),
    ).toEqual(terms);
    expect(await page.locator('.reward-chart').textContent()).toContain('forward');
    await page.waitForFunction(
      () =>
        (document.querySelector('.reward-chart polyline[data-term="forward"]')?.getAttribute('points') ?? '')
          .length > 0,
    );

    // The robot at its reset state, then after some steps: the same canvas, the robot elsewhere.
    await page.click('#viewer-play');
    await page.click('#viewer-restart');
    expect((await playerState(page)).episodeSteps).toBe('0');
    const start = await canvasPixels(page);
    expect(distinctColours(start)).toBeGreaterThan(100);
    const startRobot = robotMask(start);
    expect(startRobot.filter(Boolean).length).toBeGreaterThan(300);
    await page.selectOption('#viewer-speed', '0.5');
    await page.click('#viewer-play');
    await pauseAtStep(page, 25);
    const later = await canvasPixels(page);
    const laterRobot = robotMask(later);
    const changed = laterRobot.filter((on, i) => on !== startRobot[i]).length;
    expect(changed).toBeGreaterThan(200);
    // The README's picture: mid-episode, the reward terms drawn up to the step shown.
    await screenshot(page, 'viewer-hopper');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pause stops the frames and play resumes them', async () => {
    const { page, problems } = await viewerPage();
    await openPolicy(page, policyFiles['hopper-v2']!);
    await expect(page.locator('#viewer-play').textContent()).resolves.toBe('Pause');
    await page.click('#viewer-play');
    expect(await page.locator('#viewer-play').textContent()).toBe('Play');
    expect((await playerState(page)).state).toBe('paused');
    const paused = await frames(page);
    const pausedState = await playerState(page);
    await page.waitForTimeout(1000);
    expect(await frames(page)).toBe(paused);
    expect((await playerState(page)).stepsPlayed).toBe(pausedState.stepsPlayed);
    await page.click('#viewer-play');
    await waitForFrames(page, paused + 5);
    expect((await playerState(page)).state).toBe('playing');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("plays at the chosen speed: env steps per second of the page's clock scale with it", async () => {
    const { page, problems } = await viewerPage();
    await openPolicy(page, policyFiles['hopper-v2']!);
    await page.click('#viewer-play');
    /** Steps of one episode played from its start in `ms` of the page's time, at `speed`. */
    const stepsIn = async (speed: string, ms: number) => {
      await page.selectOption('#viewer-speed', speed);
      await page.click('#viewer-restart');
      return page.evaluate(async (ms) => {
        const player = document.querySelector<HTMLElement>('.player')!;
        const button = document.querySelector<HTMLButtonElement>('#viewer-play')!;
        button.click();
        const t0 = performance.now();
        await new Promise((resolve) => setTimeout(resolve, ms));
        button.click();
        return {
          steps: Number(player.dataset.episodeSteps),
          length: Number(player.dataset.episodeLength),
          seconds: (performance.now() - t0) / 1000,
        };
      }, ms);
    };
    const dt = 0.008; // hopper: 4 physics steps of 2 ms
    const slow = await stepsIn('0.25', 1500);
    expect((await playerState(page)).speed).toBe('0.25');
    // Frames are whole steps and the first frame of a play advances nothing: at most the real-time count.
    expect(slow.steps).toBeLessThanOrEqual(Math.ceil((0.25 * slow.seconds) / dt));
    expect(slow.steps).toBeGreaterThan(0);
    expect(slow.steps).toBeLessThan(slow.length);
    const fast = await stepsIn('4', 600);
    // 16 times the rate, unless the episode ends first (it does: about 60 steps).
    expect(fast.steps).toBeGreaterThanOrEqual(
      Math.min(fast.length, Math.floor((4 * slow.steps * fast.seconds) / slow.seconds)),
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it("deterministic and stochastic episodes are arena eval's episodes with the file's seed", async () => {
    const file = policyFiles['hopper-v2']!;
    const [meanActions, sampled] = await Promise.all([
      evaluationReturn(file, true, 0),
      evaluationReturn(file, false, 0),
    ]);
    expect(sampled).not.toBe(meanActions);
    const { page, problems } = await viewerPage();
    await openPolicy(page, file);
    await page.click('#viewer-play');
    await page.click('#viewer-restart');
    let state = await playerState(page);
    expect(state).toMatchObject({ episode: '0', deterministic: 'true' });
    expect(Number(state.episodeTotal)).toBe(meanActions);
    await page.uncheck('#viewer-deterministic');
    state = await playerState(page);
    expect(state).toMatchObject({ episode: '0', deterministic: 'false', episodeSteps: '0' });
    expect(Number(state.episodeTotal)).toBe(sampled);
    await page.check('#viewer-deterministic');
    expect(Number((await playerState(page)).episodeTotal)).toBe(meanActions);
    expect(await page.locator('.player-status').textContent()).toMatch(/^Episode 1 \(mean actions\)/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('plays a cart-pole policy: cart and pole on the canvas, its reward terms charted', async () => {
    const { page, problems } = await viewerPage();
    await openPolicy(page, policyFiles['cartpole-v1']!);
    expect(await page.locator('#viewer-info').textContent()).toContain('cartpole-v1');
    expect((await playerState(page)).envId).toBe('cartpole-v1');
    const env = await makeEnv('cartpole-v1');
    const terms = env.spec.rewardTerms;
    env.close();
    expect(
      await page.$$eval('.reward-chart .legend li', (items) =>
        items.map((li) => (li as HTMLElement).dataset.term),
      ),
    ).toEqual(terms);
    const before = await frames(page);
    await waitForFrames(page, before + 10);
    const pixels = await canvasPixels(page);
    expect(distinctColours(pixels)).toBeGreaterThan(100);
    // The pole has the MJCF-style tan colour; the cart is dark grey.
    expect(robotMask(pixels).filter(Boolean).length).toBeGreaterThan(100);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a policy by URL (#viewer?policy=…), as arena report --serve links it', async () => {
    const body = fs.readFileSync(policyFiles['cartpole-v1']!, 'utf8');
    const page = await browser.newPage();
    const problems = collectProblems(page);
    await page.route('**/results/demo/policy-final.json', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    await page.goto(`${app.url}#viewer?policy=results/demo/policy-final.json`);
    await waitForFrames(page, 3);
    expect(await page.locator('#viewer-info').textContent()).toContain('results/demo/policy-final.json');
    expect((await playerState(page)).envId).toBe('cartpole-v1');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows an error in the page, not the console, for a file that is not a policy', async () => {
    const { page, problems } = await viewerPage();
    const hopper = JSON.parse(fs.readFileSync(policyFiles['hopper-v2']!, 'utf8')) as { env: { id: string } };
    const cases: [name: string, contents: string, message: RegExp][] = [
      ['notes.json', 'this is { not JSON', /^notes\.json: not a JSON file/],
      [
        'package.json',
        JSON.stringify({ name: 'x', version: '1.0.0' }),
        /package\.json: not a policy-arena policy/,
      ],
      [
        'renamed.json',
        JSON.stringify({ ...hopper, env: { id: 'hopper-v9' } }),
        /renamed\.json: unknown env "hopper-v9"; valid: .*hopper-v2/,
      ],
    ];
    for (const [name, contents, message] of cases) {
      await page.setInputFiles('#viewer-file', {
        name,
        mimeType: 'application/json',
        buffer: Buffer.from(contents),
      });
      const error = page.locator('.error[role="alert"]');
      await error.waitFor({ state: 'visible' });
      expect(await error.textContent()).toMatch(message);
      expect(await page.locator('.player').count()).toBe(0);
      expect(await page.locator('#viewer-play').isDisabled()).toBe(true);
    }
    // A good file after a bad one clears the error.
    await openPolicy(page, policyFiles['cartpole-v1']!);
    expect(await page.locator('#viewer-error').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
