/**
 * What every browser test of the app needs: the built app served on a loopback port (Vite's
 * preview server over packages/web/dist, which `pnpm build` writes), Debian's Chromium driven by
 * playwright-core, every console error and uncaught exception collected, and screenshots that
 * land in docs/img/ when UPDATE_SCREENSHOTS=1 (the README's pictures come from these tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';

export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = path.resolve(WEB_ROOT, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface App {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveApp(): Promise<App> {
  if (!fs.existsSync(path.join(WEB_ROOT, 'dist/index.html'))) {
    throw new Error(`${WEB_ROOT}dist is missing: run \`pnpm build\` first`);
  }
  const server = await preview({
    root: WEB_ROOT,
    configFile: path.join(WEB_ROOT, 'vite.config.ts'),
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    logLevel: 'silent',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server reported no URL');
  return { url, close: () => server.close() };
}

/**
 * Headless Chromium as this machine runs it: as root it needs --no-sandbox; the network is closed,
 * so background networking, component updates and sync are off (their connection attempts would
 * otherwise be refused many at a time).
 */
export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Console errors and uncaught exceptions of a page (and its workers), as text. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error')
      problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('worker', (worker) =>
    worker.on('console', (m) => m.type() === 'error' && problems.push(`worker console.error: ${m.text()}`)),
  );
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** A screenshot of the page: docs/img/web-<name>.png with UPDATE_SCREENSHOTS=1, else a temp file. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir =
    process.env.UPDATE_SCREENSHOTS === '1'
      ? path.join(REPO_ROOT, 'docs/img')
      : fs.mkdtempSync(path.join(os.tmpdir(), 'web-shot-'));
  const file = path.join(dir, `web-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
