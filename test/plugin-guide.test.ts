/**
 * docs/writing-a-plugin.md, followed word for word by a new user on a fresh machine. Every fenced
 * block is one of
 *   ```<lang> file=<path>      written to <path> (relative to an empty home folder), in order;
 *   ```sh                      commands, run in order (`cd`, `mkdir` and `cp` are followed; each
 *                              other command must be an npm/npx command this test knows);
 *   ```<lang> excerpt=<path>   a quote of a repository file: its code lines (comments and blank
 *                              lines aside) must appear in that file, in the same order.
 * npm talks to a throwaway registry (test/fake-registry.ts) that serves the packed workspace
 * packages as their published versions, accepts `npm publish`, and sends every other request to
 * the real registry — so `npm install @policy-arena/runner` and `npm publish` run as written.
 * Needs a build (`pnpm build`) and the npm registry (or a warm npm cache).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry } from './fake-registry.js';
import { codeBlocks } from './guide-blocks.js';
import type { FakeRegistry } from './fake-registry.js';
import { packAll, readJson, root, shAsync } from './pack-helpers.js';

const GUIDE = 'docs/writing-a-plugin.md';

/** Every installed copy of package `name` in a node_modules tree. */
function copiesOf(name: string, nodeModules: string): string[] {
  const found: string[] = [];
  if (!fs.existsSync(nodeModules)) return found;
  for (const entry of fs.readdirSync(nodeModules)) {
    const names = entry.startsWith('@')
      ? fs.readdirSync(path.join(nodeModules, entry)).map((sub) => `${entry}/${sub}`)
      : [entry];
    for (const pkg of names) {
      const dir = path.join(nodeModules, pkg);
      if (pkg === name) found.push(dir);
      found.push(...copiesOf(name, path.join(dir, 'node_modules')));
    }
  }
  return found;
}

const blocks = codeBlocks(fs.readFileSync(path.join(root, GUIDE), 'utf8'));

/** Code lines of a snippet or file: trailing `//` comments cut, comment-only and blank lines dropped. */
function codeLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\s\/\/ .*$/, '').trim())
    .filter((l) => l !== '' && !/^(\/\/|\/\*|\*)/.test(l));
}

/** The commands of a sh block: one per line and `&&` part, `#` comments cut. */
function commands(body: string): string[] {
  return body
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
    .flatMap((l) => l.split('&&').map((c) => c.trim()));
}

/** What a guide command may be (anything else fails the test, so that new commands get checked). */
const KNOWN =
  /^(cd \S+|mkdir( -p)? \S+|cp \S+ \S+|npm (init -y|install( --save-(peer|dev))?( [@\w./-]+)+|test|run \w+|publish( --access public)?)|npx (arena|publint)( \S+)*)$/;

describe(GUIDE, () => {
  it('marks every code block as a file, an excerpt or commands this test knows', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const b of blocks) {
      const where = `${GUIDE}:${b.line}`;
      if (b.lang === 'sh') {
        for (const c of commands(b.body)) expect(c, `${where}: unknown command`).toMatch(KNOWN);
      } else {
        expect(b.file ?? b.excerpt, `${where}: a \`\`\`${b.lang} block needs file= or excerpt=`).toBeTruthy();
        if (b.file) expect(path.isAbsolute(b.file) || b.file.split('/').includes('..'), where).toBe(false);
      }
    }
  });

  it('quotes the interfaces and the example as they are in the repository', () => {
    for (const b of blocks.filter((x) => x.excerpt)) {
      const source = codeLines(fs.readFileSync(path.join(root, b.excerpt!), 'utf8'));
      let at = 0;
      for (const line of codeLines(b.body)) {
        const found = source.indexOf(line, at);
        expect(
          found,
          `${GUIDE}:${b.line}: "${line}" is not in ${b.excerpt} (after line ${at} of its code)`,
        ).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    }
  });

  it('keeps the gradient-based plugin (step 9) at most 80 lines of its own code', () => {
    const files = blocks.filter((b) => /^policy-arena-vpg\/src\/.*\.ts$/.test(b.file ?? ''));
    expect(files.map((b) => b.file)).toEqual([
      'policy-arena-vpg/src/config.ts',
      'policy-arena-vpg/src/index.ts',
    ]);
    const lines = files.flatMap((b) => codeLines(b.body));
    expect(lines.length).toBeLessThanOrEqual(80);
    // Built on core's helpers, not on tensors of its own.
    expect(lines.join('\n')).not.toMatch(/tf\.|@tensorflow/);
  });

  it('parses every JSON and JSONC file it shows', () => {
    for (const b of blocks.filter((x) => x.file && /^jsonc?$/.test(x.lang))) {
      const json = b.body
        .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*/g, (_m, str: string | undefined) => str ?? '')
        .replace(/,(\s*[}\]])/g, '$1');
      expect(() => JSON.parse(json), `${GUIDE}:${b.line}`).not.toThrow();
    }
  });
});

describe(`${GUIDE}, followed step by step in an empty folder`, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-plugin-guide-'));
  const home = path.join(tmp, 'home');
  let registry: FakeRegistry;
  const log: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(path.join(root, 'packages/runner/dist/cli.js')), 'build first: pnpm build').toBe(
      true,
    );
    fs.mkdirSync(home, { recursive: true });
    registry = await startFakeRegistry(path.join(tmp, 'registry'));
    for (const pkg of packAll(path.join(tmp, 'tarballs')).values()) registry.add(pkg.tarball);
  }, 300_000);
  afterAll(async () => {
    console.log(`plugin guide: ${log.join('; ')}`);
    await registry?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('writes every file, runs every command, publishes the plugin, and sweeps with it from another project', async () => {
    const env = {
      npm_config_userconfig: registry.npmrc,
      // pnpm exports npm_config_registry to scripts (pnpm test), which would beat the npmrc.
      npm_config_registry: registry.url,
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    let cwd = home;
    for (const b of blocks) {
      if (b.file) {
        const file = path.join(home, b.file);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, b.body);
      }
      if (b.lang !== 'sh') continue;
      for (const command of commands(b.body)) {
        const [program, ...args] = command.split(/\s+/) as [string, ...string[]];
        if (program === 'cd') {
          cwd = path.resolve(cwd, args[0]!);
          expect(fs.existsSync(cwd), `${GUIDE}:${b.line}: cd ${args[0]}: no such folder`).toBe(true);
        } else if (program === 'mkdir') {
          fs.mkdirSync(path.resolve(cwd, args.at(-1)!), { recursive: args[0] === '-p' });
        } else if (program === 'cp') {
          const [from, to] = args.map((a) => path.resolve(cwd, a)) as [string, string];
          const into = fs.existsSync(to) && fs.statSync(to).isDirectory();
          fs.copyFileSync(from, into ? path.join(to, path.basename(from)) : to);
        } else {
          const ran = await shAsync(program, args, cwd, { env, timeoutS: 300, ok: false });
          log.push(`${command} ${ran.seconds.toFixed(1)} s`);
          expect(
            ran.code,
            `${GUIDE}:${b.line}: \`${command}\` in ${cwd}:\n${ran.stdout}\n${ran.stderr}`,
          ).toBe(0);
          if (command === 'npm test') expect(ran.stdout).toMatch(/^# pass [1-9]\d*\n# fail 0$/m);
        }
      }
    }

    // The plugin was published (to the throwaway registry) and installed from there by name.
    const pluginFile = blocks.find((b) => b.file?.endsWith('/package.json'))!.file!;
    const pluginDir = path.join(home, path.dirname(pluginFile));
    const plugin = readJson<{ name: string; version: string; peerDependencies: Record<string, string> }>(
      path.join(pluginDir, 'package.json'),
    );
    expect(registry.versions(plugin.name)).toEqual([plugin.version]);
    expect(plugin.peerDependencies['@policy-arena/core']).toMatch(/^\^\d+\.\d+\.\d+$/);
    const installed = path.join(home, 'experiments/node_modules', plugin.name);
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'dist/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false); // only what `files` lists

    // One TypeBox for the plugin and @policy-arena/core (two make its schema types incompatible).
    for (const dir of [pluginDir, path.join(home, 'policy-arena-vpg')]) {
      const typeboxes = copiesOf('@sinclair/typebox', path.join(dir, 'node_modules')).map((p) =>
        path.relative(dir, p),
      );
      expect(typeboxes, dir).toEqual([path.join('node_modules', '@sinclair', 'typebox')]);
      // tfjs comes with core (its `tf` export): one copy, core's.
      expect(copiesOf('@tensorflow/tfjs', path.join(dir, 'node_modules')), dir).toHaveLength(1);
    }

    // Both sweeps (the plugin's own and the other project's) finished every trial, the plugin's included.
    const manifests = ['policy-arena-hill-climb/runs/hill-climb-dev', 'experiments/runs/hill-climb-vs-trpo'];
    for (const dir of manifests) {
      const manifest = readJson<{ trials: { id: string; algorithm: string; status: string }[] }>(
        path.join(home, dir, 'manifest.json'),
      );
      expect(
        manifest.trials.filter((t) => t.status !== 'done'),
        dir,
      ).toEqual([]);
      expect(new Set(manifest.trials.map((t) => t.algorithm)), dir).toEqual(
        new Set(['hill-climb', 'trpo-single-path']),
      );
      const trial = manifest.trials.find((t) => t.algorithm === 'hill-climb')!;
      const metrics = fs.readFileSync(path.join(home, dir, 'trials', trial.id, 'metrics.jsonl'), 'utf8');
      expect(JSON.parse(metrics.split('\n')[0]!)).toMatchObject({ iteration: 0, sigma: expect.any(Number) });
    }
    expect(
      readJson<{ trials: unknown[] }>(path.join(home, 'experiments/runs/hill-climb-vs-trpo/manifest.json'))
        .trials,
    ).toHaveLength(9);

    // The gradient-based plugin of step 9 ran beside TRPO in its own sweep.
    const vpgRuns = path.join(home, 'policy-arena-vpg/runs/vpg-dev');
    const vpgTrials = readJson<{ trials: { id: string; algorithm: string; status: string }[] }>(
      path.join(vpgRuns, 'manifest.json'),
    ).trials;
    expect(vpgTrials.map((t) => [t.algorithm, t.status]).sort()).toEqual([
      ['trpo-single-path', 'done'],
      ['vpg', 'done'],
    ]);
    const vpgTrial = vpgTrials.find((t) => t.algorithm === 'vpg')!;
    const vpgMetrics = fs.readFileSync(path.join(vpgRuns, 'trials', vpgTrial.id, 'metrics.jsonl'), 'utf8');
    expect(JSON.parse(vpgMetrics.split('\n')[0]!)).toMatchObject({ gradientNorm: expect.any(Number) });
    expect(
      fs.statSync(path.join(home, 'experiments/runs/hill-climb-vs-trpo/report/index.html')).size,
    ).toBeGreaterThan(1000);
  }, 900_000);
});
