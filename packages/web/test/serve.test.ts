/**
 * `arena report --serve` as a user runs it: the built CLI on a free port over two committed results
 * directories, its files and content types, traversal attempts, the report page loading the served
 * results in Chromium, and Ctrl-C (SIGINT) ending it.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, WEB_ROOT, collectProblems, launchBrowser } from './harness.js';

const CLI = path.join(REPO_ROOT, 'packages/runner/dist/cli.js');
const CARTPOLE = 'results/figure4/cartpole';
const HOPPER = 'results/figure4/hopper-10M';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A request with its path sent as written (fetch would resolve `..` before sending). */
function rawGet(origin: string, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(origin, { path: rawPath }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
      .on('error', reject);
  });
}

let server: ChildProcessWithoutNullStreams;
let exited: Promise<number | null>;
let url: string;
let output = '';
let port: number;
let browser: Browser | undefined;

beforeAll(async () => {
  port = await freePort();
  server = spawn(process.execPath, [CLI, 'report', CARTPOLE, HOPPER, '--serve', '--port', String(port)], {
    cwd: REPO_ROOT,
  });
  exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
  url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const printed = /(http:\/\/\S+)/.exec(output);
      if (printed) resolve(printed[1]!);
    });
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`arena report --serve exited with ${code}: ${output}`)));
  });
});
afterAll(async () => {
  await browser?.close();
  if (server.exitCode === null) server.kill('SIGKILL');
});

describe('arena report --serve', () => {
  it('prints the report URL on 127.0.0.1 at the port asked for', () => {
    expect(url).toBe(`http://127.0.0.1:${port}/#report`);
    expect(output).toContain('(2 directories, read-only; Ctrl-C stops)');
  });

  it('serves the app with its content types, and the listing of every file of the directories', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const index = await fetch(`${origin}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<meta name="policy-arena-results" content="results/index.json">');
    const wasm = fs.readdirSync(path.join(WEB_ROOT, 'dist/assets')).find((f) => f.endsWith('.wasm'))!;
    expect((await fetch(`${origin}/assets/${wasm}`)).headers.get('content-type')).toBe('application/wasm');
    const css = fs.readdirSync(path.join(WEB_ROOT, 'dist/assets')).find((f) => f.endsWith('.css'))!;
    expect((await fetch(`${origin}/assets/${css}`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await fetch(`${origin}/results/0/report/figure-4.svg`)).headers.get('content-type')).toBe(
      'image/svg+xml',
    );

    const listing = (await (await fetch(`${origin}/results/index.json`)).json()) as {
      directories: { name: string; url: string; files: string[] }[];
    };
    expect(listing.directories.map((d) => [d.name, d.url])).toEqual([
      [CARTPOLE, '0/'],
      [HOPPER, '1/'],
    ]);
    expect(listing.directories[0]!.files).toContain('trials/cem__cartpole-v1__seed1/metrics.jsonl');
    expect(listing.directories[1]!.files).toContain('trials/trpo-vine__hopper-v2__seed2/policy-final.json');
    const manifest = await fetch(`${origin}/results/0/manifest.json`);
    expect(manifest.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await manifest.text()).toBe(
      fs.readFileSync(path.join(REPO_ROOT, CARTPOLE, 'manifest.json'), 'utf8'),
    );
  });

  it('refuses paths outside the directories', async () => {
    const origin = `http://127.0.0.1:${port}`;
    for (const attempt of [
      '/results/0/../../../../package.json',
      '/results/0/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/results/0/..%2F..%2F..%2F..%2Fpackage.json',
      '/../../package.json',
    ]) {
      const response = await rawGet(origin, attempt);
      expect(response.status, attempt).toBe(403);
      expect(response.body).not.toContain('"name": "policy-arena"');
    }
    expect((await rawGet(origin, '/results/2/manifest.json')).status).toBe(404);
  });

  it('shows the served results in the report page, with links to the viewer for final policies', async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems = collectProblems(page);
    await page.goto(url);
    await page.waitForSelector('#report-figure[data-revision="1"]');
    expect(await page.textContent('#report-summary')).toMatch(
      new RegExp(`^${CARTPOLE} \\+ ${HOPPER}: 55 trials`),
    );
    expect(await page.locator('#report-figure .role-title-text').allTextContents()).toEqual(
      expect.arrayContaining(['cartpole-v1', 'hopper-v2']),
    );
    expect(
      await page.locator('#report-figure path[aria-roledescription="line mark"]').count(),
    ).toBeGreaterThan(8);
    const link = page.locator('#report-trials tr[data-trial="trpo-vine__hopper-v2__seed2"] a');
    expect(await link.getAttribute('href')).toBe(
      '#viewer?policy=/results/1/trials/trpo-vine__hopper-v2__seed2/policy-final.json',
    );
    expect(await page.locator('#report-trials tr[data-trial="cem__cartpole-v1__seed1"] a').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('stops on SIGINT, exit code 0, and the port is free again', async () => {
    server.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('refuses bad options with one line and exit code 2, before serving anything', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'report', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    const cases: [string[], string][] = [
      [[CARTPOLE, '--port', '8080'], 'arena: --port needs --serve\n'],
      [
        [CARTPOLE, '--serve', '--out', '/tmp/x'],
        'arena: --serve writes nothing: drop --out, or drop --serve\n',
      ],
      [[CARTPOLE, '--serve', '--port', '70000'], 'arena: --port must be at most 65535, got 70000\n'],
      [
        ['results/figure4', '--serve'],
        'arena: "results/figure4" is not a sweep directory: it has no manifest.json (run `arena sweep` or `arena run` first)\n',
      ],
    ];
    for (const [args, message] of cases) {
      const result = run(...args);
      expect([result.status, result.stderr, result.stdout], args.join(' ')).toEqual([2, message, '']);
    }
  });
});
