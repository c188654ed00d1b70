/**
 * The packages as npm users get them: `pnpm pack` every publishable package (publishConfig
 * applied, workspace: ranges rewritten to versions), check the tarballs, install them with npm
 * into a fresh project outside the workspace (no links; every other dependency from the
 * registry), then
 *   (a) import each package from a plain .mjs file and use something real from each, and
 *       type-check a TypeScript consumer against the published declarations;
 *   (b) run the installed `arena` CLI (npx) on a smoke sweep of two built-in algorithms;
 *   (c) run a sweep that names the example third-party plugin, installed from its own tarball.
 * The tarballs themselves must pass publint and are-the-types-wrong (as `pnpm release:check`).
 * They come from scripts/pack-all.mjs (`pnpm pack:all`), the route docs/local-packages.md documents.
 * Needs a build (`pnpm build`) and the npm registry (or a warm npm cache).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NPM_INSTALL_FLAGS,
  lintTarball,
  newProject,
  packAll,
  packedManifest,
  readJson,
  readTarball,
  root,
  sh,
  tarballProblems,
} from './pack-helpers.js';
import type { PackedPackage } from './pack-helpers.js';

const PACKAGES = [
  '@policy-arena/libm',
  '@policy-arena/core',
  '@policy-arena/envs',
  '@policy-arena/cma-es',
  '@policy-arena/algorithms',
  '@policy-arena/runner',
];
const PLUGIN = '@policy-arena/example-custom-plugin';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-pack-install-'));
const app = path.join(tmp, 'app');
let packed: Map<string, PackedPackage>;
const timings: Record<string, number> = {};
afterAll(() => {
  console.log(`pack-install timings (s): ${JSON.stringify(timings)}`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeAll(() => {
  expect(fs.existsSync(path.join(root, 'packages/runner/dist/cli.js')), 'build first: pnpm build').toBe(true);
  let started = performance.now();
  packed = packAll(path.join(tmp, 'tarballs'));
  timings.pack = (performance.now() - started) / 1000;
  expect([...packed.keys()]).toEqual(expect.arrayContaining([...PACKAGES, PLUGIN]));
  newProject(app, 'pack-install-smoke');
  started = performance.now();
  // Only the tarballs: each one's @policy-arena dependencies resolve to the others by version.
  sh('npm', ['install', ...NPM_INSTALL_FLAGS, ...[...packed.values()].map((p) => p.tarball)], app, {
    timeoutS: 300,
  });
  timings.npmInstall = (performance.now() - started) / 1000;
}, 360_000);

describe('packed tarballs', () => {
  it.each(PACKAGES.concat(PLUGIN))('%s ships what it should and nothing else', (name) => {
    const pkg = packed.get(name)!;
    const entries = readTarball(pkg.tarball);
    expect(tarballProblems(pkg.dir, entries)).toEqual([]);
    const manifest = packedManifest(entries) as {
      dependencies?: Record<string, string>;
      exports: Record<string, unknown>;
    };
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dep.startsWith('@policy-arena/')) expect(range).toBe(`^${packed.get(dep)!.version}`);
    }
    // core also has the tfjs-free `./env` entry (spaces, RNG, Env, trajectories) for env workers;
    // the runner its browser-safe `./browser` entry (the trial loop, presets, report statistics).
    const entryFiles: Record<string, Record<string, string>> = {
      '@policy-arena/core': { './env': 'env-entry' },
      '@policy-arena/runner': { './browser': 'browser' },
    };
    const subpaths = entryFiles[name] ?? {};
    expect(Object.keys(manifest.exports)).toEqual(['.', ...Object.keys(subpaths), './package.json']);
    const paths = entries.map((e) => e.path);
    if (name !== PLUGIN) expect(paths).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts']));
    for (const file of Object.values(subpaths))
      expect(paths).toEqual(expect.arrayContaining([`dist/${file}.js`, `dist/${file}.d.ts`]));
  });

  it.each(PACKAGES.concat(PLUGIN))('%s: publint and are-the-types-wrong report nothing', async (name) => {
    expect(await lintTarball(packed.get(name)!.tarball)).toEqual([]);
  });

  it('the runner ships its bin executable with a shebang', () => {
    const entries = readTarball(packed.get('@policy-arena/runner')!.tarball);
    const cli = entries.find((e) => e.path === 'dist/cli.js')!;
    expect(cli.data.toString('utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(cli.mode & 0o755).toBe(0o755);
  });
});

describe('installed with npm outside the workspace', () => {
  it('installs real copies, not workspace links', () => {
    for (const name of PACKAGES.concat(PLUGIN)) {
      const dir = path.join(app, 'node_modules', name);
      expect(fs.lstatSync(dir).isSymbolicLink(), name).toBe(false);
      expect(readJson(path.join(dir, 'package.json')).version).toBe(packed.get(name)!.version);
    }
    expect(fs.existsSync(path.join(app, 'node_modules/@policy-arena/core/src/index.ts'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules/@policy-arena/core/dist/plugin.test.js'))).toBe(false);
  });

  it('a plugin folder takes the peer range of docs/local-packages.md, not a file: path', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/local-packages.md'), 'utf8');
    const command = /^npm pkg set "(peerDependencies\.@policy-arena\/core=\^)[\d.]+"$/m.exec(doc);
    expect(command, 'docs/local-packages.md shows the npm pkg set command').not.toBeNull();
    const version = packed.get('@policy-arena/core')!.version; // the doc's example version may be older
    const dir = newProject(path.join(tmp, 'plugin-peer'), 'plugin-peer');
    sh('npm', ['pkg', 'set', `${command![1]!}${version}`], dir);
    const range = readJson<{ peerDependencies: Record<string, string> }>(path.join(dir, 'package.json'))
      .peerDependencies['@policy-arena/core'];
    expect(range).toBe(`^${version}`);
  });

  it('(a) imports every package from a plain .mjs file and uses it', () => {
    fs.writeFileSync(
      path.join(app, 'use-packages.mjs'),
      `import { GaussianPolicy, Rng, initBackend, pluginProblems } from '@policy-arena/core';
import { defaultEnvRegistry, makeEnv } from '@policy-arena/envs';
import { minimize, sphere } from '@policy-arena/cma-es';
import { builtinPlugins } from '@policy-arena/algorithms';
import { assertPluginContract, resolvePluginConfig, runTrial } from '@policy-arena/runner';
import * as browserRunner from '@policy-arena/runner/browser';
import * as libm from '@policy-arena/libm';
import { libm as coreLibm } from '@policy-arena/core';
import randomSearch from '@policy-arena/example-custom-plugin';

const out = {};
out.backend = await initBackend('wasm'); // the wasm binaries, found in the installed tfjs-backend-wasm
const policy = GaussianPolicy.create({ obsDim: 4, actDim: 1 }, Rng.fromSeed(1).split('policy-init'));
out.policyParams = policy.numParams;
out.action = policy.act(Float64Array.of(0, 0, 0.1, 0), Rng.fromSeed(2)).length;

const cartpole = await makeEnv('cartpole-v1');
const first = cartpole.reset(1);
const step = cartpole.step(Float64Array.of(0.5));
out.cartpole = { observation: first.length, reward: step.reward, terminated: step.terminated };
const swimmer = await makeEnv('swimmer-v1'); // MuJoCo, from the installed mujoco-js
swimmer.reset(1);
out.swimmer = swimmer.step(Float64Array.of(0.5, -0.5)).observation.length;
swimmer.close();
out.tasks = defaultEnvRegistry.ids();

const { Rng: EnvRng, box } = await import('@policy-arena/core/env'); // the tfjs-free entry
out.coreEnv = { sameRng: EnvRng === Rng, box: box(-1, 1, 2).shape[0] };

const cma = minimize(sphere, [1, -2, 3, 0.5], 0.5, { seed: 1, fTarget: 1e-10 });
out.cma = { f: cma.f, stopReasons: cma.stopReasons };

out.algorithms = builtinPlugins.map((p) => p.name);
out.libm = { e: libm.exp(1) === Math.E, sameModule: coreLibm.sin === libm.sin };
out.browserEntry = {
  sameLoop: browserRunner.runTrial === runTrial,
  quick: browserRunner.presetTrialSettings(trpoPlugin(), 'quick', 'cartpole-v1').iterations,
};
out.pluginProblems = pluginProblems(randomSearch);

function trpoPlugin() {
  return builtinPlugins.find((p) => p.name === 'trpo-single-path');
}
const trpo = trpoPlugin();
const config = resolvePluginConfig(trpo, 'smoke', 'cartpole-v1', {});
const { records } = await runTrial({
  plugin: trpo, config, envId: 'cartpole-v1', seed: 1, iterations: 2, stepsPerIteration: 400,
});
out.trial = records.map((r) => ({ iteration: r.iteration, envSteps: r.envSteps, meanKl: r.meanKl }));
await assertPluginContract(randomSearch);
out.contract = 'ok';
console.log(JSON.stringify(out));
`,
    );
    const r = sh(process.execPath, ['use-packages.mjs'], app, { timeoutS: 120 });
    timings.useMjs = r.seconds;
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.backend).toBe('wasm');
    expect(out.policyParams).toBe(6);
    expect(out.action).toBe(1);
    expect(out.cartpole).toMatchObject({ observation: 4, terminated: false });
    expect(out.cartpole.reward).toBeGreaterThan(9);
    expect(out.swimmer).toBe(10);
    expect(out.coreEnv).toEqual({ sameRng: true, box: 2 });
    expect(out.tasks).toEqual(
      expect.arrayContaining(['cartpole-v1', 'swimmer-v1', 'hopper-v1', 'walker-v1']),
    );
    expect(out.cma.f).toBeLessThan(1e-10);
    expect(out.cma.stopReasons).toContain('fTarget');
    expect(out.algorithms).toContain('trpo-single-path');
    expect(out.pluginProblems).toEqual([]);
    expect(out.libm).toEqual({ e: true, sameModule: true });
    expect(out.browserEntry).toEqual({ sameLoop: true, quick: 50 });
    expect(out.trial).toHaveLength(2);
    expect(out.trial[1].envSteps).toBeGreaterThanOrEqual(800);
    expect(out.trial[0].meanKl).toBeGreaterThan(0);
    expect(out.contract).toBe('ok');
  });

  it('(a) type-checks a TypeScript consumer against the published declarations', () => {
    fs.writeFileSync(
      path.join(app, 'consumer.ts'),
      `import { GaussianPolicy, Rng, definePlugin, pluginProblems } from '@policy-arena/core';
import type { AlgorithmPlugin, Env, IterationContext } from '@policy-arena/core';
import { makeEnv } from '@policy-arena/envs';
import { CmaEs } from '@policy-arena/cma-es';
import { builtinPlugins } from '@policy-arena/algorithms';
import { assertPluginContract, runTrial } from '@policy-arena/runner';
import type { IterationRecord, PluginContractOptions } from '@policy-arena/runner';
import randomSearch from '@policy-arena/example-custom-plugin';

const env: Env = await makeEnv('cartpole-v1');
const policy: GaussianPolicy = GaussianPolicy.create({ obsDim: 4, actDim: 1 }, Rng.fromSeed(1));
const es = new CmaEs({ x0: [0, 0], sigma0: 1, seed: 1 });
const plugins: AlgorithmPlugin[] = [...builtinPlugins, randomSearch];
const problems: string[] = pluginProblems(plugins[0]);
const options: PluginContractOptions = { iterations: 2 };
const still = definePlugin({
  name: 'stand-still',
  description: 'never changes the policy',
  configSchema: plugins[0]!.configSchema,
  create: () => ({
    async iterate(ctx: IterationContext) {
      await ctx.sampleTrajectories(ctx.stepsPerIteration);
      return {};
    },
    state: () => null,
    load: () => {},
  }),
});
const run: Promise<{ records: IterationRecord[] }> = runTrial({
  plugin: still, config: {}, envId: 'cartpole-v1', seed: 1, iterations: 1, stepsPerIteration: 10,
});
export { env, policy, es, problems, options, run, assertPluginContract };
`,
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    const r = sh(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      app,
      {
        ok: false,
      },
    );
    timings.tsc = r.seconds;
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('(b) runs the installed arena CLI on a smoke sweep and renders the report', () => {
    fs.writeFileSync(
      path.join(app, 'smoke.jsonc'),
      `// two built-in algorithms on cart-pole, a few seconds
{
  "name": "smoke",
  "preset": "smoke",
  "algorithms": [{ "name": "trpo-single-path" }, { "name": "cem" }],
  "tasks": ["cartpole-v1"],
  "seeds": [1],
  "budget": { "iterations": 2, "stepsPerIteration": 300 },
  "workers": 1,
}
`,
    );
    const list = sh('npx', ['--no', 'arena', 'list'], app);
    expect(list.stdout).toMatch(/^ {2}trpo-single-path /m);
    const sweep = sh('npx', ['--no', 'arena', 'sweep', 'smoke.jsonc', '--progress-interval', '0'], app);
    timings.sweep = sweep.seconds;
    expect(sweep.stderr).toMatch(/sweep done: 2 trials/);
    const manifest = readJson<{ trials: { id: string; status: string; iterationsDone: number }[] }>(
      path.join(app, 'runs/smoke/manifest.json'),
    );
    expect(manifest.trials.map((t) => [t.id, t.status, t.iterationsDone])).toEqual([
      ['trpo-single-path__cartpole-v1__seed1', 'done', 2],
      ['cem__cartpole-v1__seed1', 'done', 2],
    ]);
    const metrics = fs
      .readFileSync(
        path.join(app, 'runs/smoke/trials/trpo-single-path__cartpole-v1__seed1/metrics.jsonl'),
        'utf8',
      )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(metrics.map((m) => m.iteration)).toEqual([0, 1]);
    expect(metrics[0]!.meanKl).toBeGreaterThan(0);

    const report = sh('npx', ['--no', 'arena', 'report', 'runs/smoke'], app);
    timings.report = report.seconds;
    for (const file of ['index.html', 'figure-4.svg', 'figure-4.png', 'summary.json'])
      expect(fs.statSync(path.join(app, 'runs/smoke/report', file)).size, file).toBeGreaterThan(100);
  });

  it('(c) runs a sweep that names the example plugin package, installed from its tarball', () => {
    const installed = readJson(path.join(app, 'node_modules', PLUGIN, 'package.json')) as {
      dependencies: Record<string, string>;
    };
    expect(installed.dependencies['@policy-arena/core']).toBe(
      `^${packed.get('@policy-arena/core')!.version}`,
    );
    fs.mkdirSync(path.join(app, 'sweeps'));
    fs.writeFileSync(
      path.join(app, 'sweeps/plugin.json'),
      JSON.stringify({
        name: 'with-plugin',
        preset: 'smoke',
        plugins: [PLUGIN],
        algorithms: [{ name: 'random-search', grid: { stepSize: [0.1, 0.3] } }],
        tasks: ['cartpole-v1'],
        seeds: [1],
        budget: { iterations: 2, stepsPerIteration: 300 },
        out: '../runs/with-plugin',
        workers: 1,
      }),
    );
    const sweep = sh(
      'npx',
      ['--no', 'arena', 'sweep', 'sweeps/plugin.json', '--progress-interval', '0'],
      app,
    );
    timings.pluginSweep = sweep.seconds;
    const manifest = readJson<{
      trials: { id: string; algorithm: string; status: string }[];
      packages?: Record<string, string>;
    }>(path.join(app, 'runs/with-plugin/manifest.json'));
    expect(manifest.trials.map((t) => [t.id, t.algorithm, t.status])).toEqual([
      ['random-search__cartpole-v1__stepSize=0.1__seed1', 'random-search', 'done'],
      ['random-search__cartpole-v1__stepSize=0.3__seed1', 'random-search', 'done'],
    ]);
    const metrics = fs
      .readFileSync(
        path.join(
          app,
          'runs/with-plugin/trials/random-search__cartpole-v1__stepSize=0.1__seed1/metrics.jsonl',
        ),
        'utf8',
      )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, number>);
    expect(metrics).toHaveLength(2);
    expect(metrics[0]!.directions).toBeGreaterThan(0); // the plugin's own extras
    expect(JSON.stringify(manifest)).toContain(PLUGIN);
  });
});
