/**
 * `arena report <dir…> --serve`: the web app's interactive report over results directories, served
 * on 127.0.0.1 until Ctrl-C, so a sweep's results can be explored (metric, aggregate, x-axis, tasks,
 * algorithms) without writing a report. node:http and a small static handler: nothing is served
 * but the built app and the given directories, and only for reading.
 *
 *   /                      the web app (@policy-arena/web's dist/); its index.html names the listing
 *                          in <meta name="policy-arena-results">, which the report page then loads
 *   /results/index.json    every file of the directories, read anew each time (a running sweep's
 *                          new results appear on reload):
 *                          {"version": 1, "directories": [{"name": <dir as given>, "url": "0/", "files": [...]}]}
 *   /results/<i>/<file>    a file of the i-th directory given
 *
 * A path with a `..` or `.` segment (also percent-encoded, or with an encoded slash) is refused
 * with 403; a hidden file (lock directories, temporary files) or anything that is not a regular
 * file inside its directory, after symbolic links are followed, is 404.
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UsageError } from './usage-error.js';

/** The meta tag the report page looks for; its content is the listing's URL relative to the page. */
export const RESULTS_META = '<meta name="policy-arena-results" content="results/index.json">';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The built web app: `dist/` of the @policy-arena/web package as this runner resolves it (a
 * workspace link in the policy-arena repository; it is not published).
 */
export function webAppDir(): string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('@policy-arena/web/package.json');
  } catch {
    throw new UsageError(
      '--serve needs the web app @policy-arena/web, which is not installed here: it is built in the policy-arena repository (`pnpm install && pnpm build`), run `arena` from there',
    );
  }
  const dist = path.join(path.dirname(manifest), 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new UsageError(
      `--serve needs the built web app, and ${dist} has no index.html: build it with \`pnpm build\` (or \`pnpm --filter @policy-arena/web build:app\`) in the policy-arena repository`,
    );
  }
  return dist;
}

/** Every regular, non-hidden file under `dir`, relative to it with '/' separators, sorted. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.push(rel);
    }
  };
  walk('');
  return files.sort();
}

export interface ServedDirectory {
  /** As given on the command line: the page names the directory so. */
  readonly name: string;
  readonly dir: string;
}

export function resultsIndex(dirs: readonly ServedDirectory[]): string {
  return JSON.stringify({
    version: 1,
    directories: dirs.map((d, i) => ({ name: d.name, url: `${i}/`, files: listFiles(d.dir) })),
  });
}

type Resolved =
  | { readonly kind: 'file'; readonly root: string; readonly file: string }
  | { readonly kind: 'index' }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly reason: string };

/** Which file a request path names, or why none. */
export function resolveRequest(rawPath: string, appDir: string, dirs: readonly ServedDirectory[]): Resolved {
  if (!rawPath.startsWith('/')) return { kind: 'refused', status: 400, reason: 'not an absolute path' };
  const segments: string[] = [];
  for (const raw of rawPath.split('?')[0]!.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'refused', status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment === '..' || segment === '.' || /[/\\\0]/.test(segment)) {
      return { kind: 'refused', status: 403, reason: 'paths outside the served directories are refused' };
    }
    segments.push(segment);
  }
  if (
    segments.some((s, i) => s === '' && i < segments.length - 1) ||
    segments.some((s) => s.startsWith('.'))
  ) {
    return { kind: 'refused', status: 404, reason: 'not found' };
  }
  if (segments[0] === 'results') {
    if (segments.length === 2 && segments[1] === 'index.json') return { kind: 'index' };
    const index = /^\d+$/.test(segments[1] ?? '') ? Number(segments[1]) : NaN;
    const served = dirs[index];
    if (!served || segments.length < 3) return { kind: 'refused', status: 404, reason: 'not found' };
    return { kind: 'file', root: served.dir, file: path.join(served.dir, ...segments.slice(2)) };
  }
  const rest = segments.at(-1) === '' ? [...segments.slice(0, -1), 'index.html'] : segments;
  return { kind: 'file', root: appDir, file: path.join(appDir, ...rest) };
}

/** The file's real path when it is a regular file inside `root` (links followed), else undefined. */
function inside(root: string, file: string): string | undefined {
  try {
    const realRoot = fs.realpathSync(root);
    const real = fs.realpathSync(file);
    if (!real.startsWith(realRoot + path.sep) || !fs.statSync(real).isFile()) return undefined;
    return real;
  } catch {
    return undefined;
  }
}

function send(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function reportHandler(appDir: string, dirs: readonly ServedDirectory[]): http.RequestListener {
  const indexHtml = path.join(appDir, 'index.html');
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(req, res, 405, 'text/plain; charset=utf-8', 'read-only: GET and HEAD only\n');
    }
    const resolved = resolveRequest(req.url ?? '/', appDir, dirs);
    if (resolved.kind === 'refused') {
      return send(req, res, resolved.status, 'text/plain; charset=utf-8', `${resolved.reason}\n`);
    }
    if (resolved.kind === 'index') {
      try {
        return send(req, res, 200, contentType('index.json'), resultsIndex(dirs));
      } catch (e) {
        return send(
          req,
          res,
          500,
          'text/plain; charset=utf-8',
          `could not list the results: ${(e as Error).message}\n`,
        );
      }
    }
    const real = inside(resolved.root, resolved.file);
    if (!real) return send(req, res, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (resolved.file === indexHtml) {
      const html = fs.readFileSync(real, 'utf8').replace('</head>', `  ${RESULTS_META}\n  </head>`);
      return send(req, res, 200, contentType(real), html);
    }
    const size = fs.statSync(real).size;
    res.writeHead(200, {
      'Content-Type': contentType(real),
      'Content-Length': size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(real)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

export interface ReportServer {
  /** http://127.0.0.1:<port>/ */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the app and the directories on 127.0.0.1; port 0 takes a free one. */
export async function serveReport(
  dirs: readonly ServedDirectory[],
  port: number,
  appDir = webAppDir(),
): Promise<ReportServer> {
  const server = http.createServer(reportHandler(appDir, dirs));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError(`--port ${port}: the port is in use; pick another, or --port 0 for a free one`)
          : e,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
