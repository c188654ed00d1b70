import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULTS_META, contentType, listFiles, resolveRequest, serveReport } from './report-serve.js';
import type { ReportServer } from './report-serve.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-serve-'));
const app = path.join(tmp, 'app');
const results = path.join(tmp, 'runs/sweep');
const secret = path.join(tmp, 'secret.txt');

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A GET with the path sent as written: fetch would resolve `..` before sending it. */
function get(url: string, rawPath: string, method = 'GET') {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const request = http.request(url, { path: rawPath, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, type: response.headers['content-type'] ?? '', body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

let server: ReportServer;
beforeAll(async () => {
  write(path.join(app, 'index.html'), '<html><head><title>x</title></head><body></body></html>');
  write(path.join(app, 'assets/kernel.wasm'), '\0asm');
  write(path.join(app, 'assets/main.js'), 'export {};');
  write(path.join(results, 'manifest.json'), '{"trials": []}');
  write(path.join(results, 'trials/a/metrics.jsonl'), '{}\n');
  write(path.join(results, 'trials/a/.lock/x'), 'lock');
  write(secret, 'not for the page');
  fs.symlinkSync(secret, path.join(results, 'trials/a/link.txt'));
  server = await serveReport([{ name: 'runs/sweep', dir: results }], 0, app);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('arena report --serve', () => {
  it('serves the app, its index.html naming the listing for the report page', async () => {
    const page = await get(server.url, '/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(RESULTS_META);
    expect((await get(server.url, '/assets/kernel.wasm')).type).toBe('application/wasm');
    expect((await get(server.url, '/assets/main.js')).type).toBe('text/javascript; charset=utf-8');
  });

  it('lists every regular, non-hidden file of the directories, under the name given', async () => {
    const index = await get(server.url, '/results/index.json');
    expect(index.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(index.body)).toEqual({
      version: 1,
      directories: [
        {
          name: 'runs/sweep',
          url: '0/',
          files: ['manifest.json', 'trials/a/metrics.jsonl'],
        },
      ],
    });
    expect(listFiles(results)).not.toContain('trials/a/link.txt');
    const metrics = await get(server.url, '/results/0/trials/a/metrics.jsonl');
    expect([metrics.status, metrics.body]).toEqual([200, '{}\n']);
  });

  it('never serves a file outside the directories: dot segments, encoded or not, are 403', async () => {
    for (const attempt of [
      '/results/0/../../secret.txt',
      '/results/0/%2e%2e/%2e%2e/secret.txt',
      '/results/0/..%2F..%2Fsecret.txt',
      '/results/0/trials%2F..%2F..%2F..%2Fsecret.txt',
      '/../secret.txt',
      '/results/0/./manifest.json',
    ]) {
      const response = await get(server.url, attempt);
      expect(response.status, attempt).toBe(403);
      expect(response.body).not.toContain('not for the page');
    }
    // A link inside a directory that leads out of it, hidden files, and other directories' numbers: 404.
    for (const missing of [
      '/results/0/trials/a/link.txt',
      '/results/0/trials/a/.lock/x',
      '/results/1/manifest.json',
    ]) {
      expect((await get(server.url, missing)).status, missing).toBe(404);
    }
    expect((await get(server.url, '/results/0/%E0%A4%A')).status).toBe(400);
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
  });

  it('maps request paths to files without leaving their root', () => {
    const dirs = [{ name: 'r', dir: results }];
    expect(resolveRequest('/', app, dirs)).toEqual({
      kind: 'file',
      root: app,
      file: path.join(app, 'index.html'),
    });
    expect(resolveRequest('/results/0/trials/a%20b/x.json?v=1', app, dirs)).toEqual({
      kind: 'file',
      root: results,
      file: path.join(results, 'trials/a b/x.json'),
    });
    expect(resolveRequest('/results/index.json', app, dirs)).toEqual({ kind: 'index' });
    expect(resolveRequest('/a\\..\\b', app, dirs)).toMatchObject({ kind: 'refused', status: 403 });
    expect(contentType('x.svg')).toBe('image/svg+xml');
    expect(contentType('x.PNG')).toBe('image/png');
    expect(contentType('x.css')).toBe('text/css; charset=utf-8');
  });
});
