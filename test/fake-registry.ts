/**
 * A throwaway npm registry for tests that follow the docs word for word: it serves the packed
 * workspace packages (as if they were published), accepts `npm publish`, and redirects every
 * other request to the real registry (so third-party packages, and npm's cache of them, work as
 * usual). Children must be spawned asynchronously while it runs (it lives in the test's event loop).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { packedManifest, readTarball } from './pack-helpers.js';

interface Version {
  readonly manifest: Record<string, unknown>;
  readonly tarball: Buffer;
}

export interface FakeRegistry {
  /** Base URL, with a trailing slash. */
  readonly url: string;
  /** An npmrc for `npm_config_userconfig`: the user's own settings, this registry, a token for it. */
  readonly npmrc: string;
  /** Serves a packed tarball as a published version of its package. */
  add(tarball: string): void;
  /** Versions published or added, by package name. */
  versions(name: string): string[];
  close(): Promise<void>;
}

/** The registry npm would use here (the user's configuration), with a trailing slash. */
function upstreamRegistry(): string {
  const r = spawnSync('npm', ['config', 'get', 'registry'], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  const url = r.status === 0 ? r.stdout.trim() : '';
  if (!/^https?:\/\//.test(url))
    throw new Error(`npm config get registry gave "${url}": no upstream registry`);
  return url.endsWith('/') ? url : `${url}/`;
}

export async function startFakeRegistry(dir: string): Promise<FakeRegistry> {
  const upstream = upstreamRegistry();
  const packages = new Map<string, Map<string, Version>>();
  let base = '';

  const store = (manifest: Record<string, unknown>, tarball: Buffer) => {
    const name = manifest.name as string;
    if (!packages.has(name)) packages.set(name, new Map());
    packages.get(name)!.set(manifest.version as string, { manifest, tarball });
  };
  const tarballUrl = (name: string, version: string) =>
    `${base}-/tarballs/${encodeURIComponent(name)}/${encodeURIComponent(version)}.tgz`;
  const packument = (name: string) => {
    const versions = packages.get(name)!;
    const entries = [...versions.entries()];
    return {
      name,
      'dist-tags': { latest: entries.at(-1)![0] },
      versions: Object.fromEntries(
        entries.map(([version, v]) => [
          version,
          {
            ...v.manifest,
            dist: {
              tarball: tarballUrl(name, version),
              integrity: `sha512-${crypto.createHash('sha512').update(v.tarball).digest('base64')}`,
              shasum: crypto.createHash('sha1').update(v.tarball).digest('hex'),
            },
          },
        ]),
      ),
    };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const tarball = /^\/-\/tarballs\/([^/]+)\/([^/]+)\.tgz$/.exec(url.pathname);
      if (req.method === 'GET' && tarball) {
        const v = packages.get(decodeURIComponent(tarball[1]!))?.get(decodeURIComponent(tarball[2]!));
        if (!v) return void res.writeHead(404).end();
        return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(v.tarball);
      }
      const name = decodeURIComponent(url.pathname.slice(1));
      if (req.method === 'GET' && packages.has(name)) {
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(packument(name)));
      }
      if (req.method === 'PUT' && /^(@[^/]+\/)?[^/@]+$/.test(name)) {
        // npm publish: the new version's manifest and its tarball, base64, in one document.
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          versions: Record<string, Record<string, unknown>>;
          _attachments: Record<string, { data: string }>;
        };
        const [manifest] = Object.values(body.versions);
        const [attachment] = Object.values(body._attachments);
        if (!manifest || !attachment) return void res.writeHead(400).end();
        if (packages.get(name)?.has(manifest.version as string))
          return void res
            .writeHead(409, { 'content-type': 'application/json' })
            .end('{"error":"version exists"}');
        store(manifest, Buffer.from(attachment.data, 'base64'));
        return void res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        return void res
          .writeHead(302, { location: new URL(url.pathname.slice(1) + url.search, upstream).href })
          .end();
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}/`;

  const own = process.env.npm_config_userconfig ?? path.join(os.homedir(), '.npmrc');
  const inherited = fs.existsSync(own)
    ? fs
        .readFileSync(own, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*registry\s*=/.test(line))
    : [];
  const npmrc = path.join(dir, 'npmrc');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    npmrc,
    [...inherited, `registry=${base}`, `//127.0.0.1:${port}/:_authToken=fake-token`, ''].join('\n'),
  );

  return {
    url: base,
    npmrc,
    add(file) {
      store(packedManifest(readTarball(file)), fs.readFileSync(file));
    },
    versions: (name) => [...(packages.get(name)?.keys() ?? [])],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
