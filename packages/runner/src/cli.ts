#!/usr/bin/env node
/**
 * The `arena` command line.
 *
 *   arena run --algo trpo-single-path --env cartpole-v1 --seed 1 --iterations 50 --out runs/x
 *     (a one-trial sweep: the same results store, resume and report as a sweep)
 *   arena sweep sweeps/figure4.jsonc --workers 2 [--shard 1/4] [--queue redis://host:6379]
 *   arena worker --queue redis://host:6379 ; arena status <dir|url> ; arena merge <out> <dir…>
 *   arena report runs/figure4 [more directories… --out dir] [--x steps]
 *   arena report runs/figure4 --serve [--port 8080]   (the interactive report in the web app)
 *   arena schema > sweep.schema.json
 *   arena list [--json]
 *   arena describe trpo-vine [--json]
 *   (list, describe, schema and run also see third-party plugins named with --plugin <package|./path>)
 *
 * Bad input gives one line naming the problem and the valid choices (a bad sweep config: one line
 * per problem), exit code 2, and writes nothing.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS } from '@policy-arena/core';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { UsageError, checkBackend, checkThreadCount } from './config.js';
import { MANIFEST_FILE, StoreWriteError } from './store.js';
import { prepareRun, executeRun, runResult } from './run-command.js';
import { resolveRunOptions } from './run-options.js';
import type { RawRunOptions } from './run-command.js';
import { PRESETS } from './presets.js';
import { ConfigError, didYouMean } from './config-messages.js';
import { composeSweepSchema } from './sweep-schema.js';
import { runSweep } from './sweep.js';
import { prepareSweep } from './sweep-prepare.js';
import { PlainReporter, TtyReporter, silentSweepReporter } from './progress.js';
import { systemClock } from './services.js';
import { parseShard } from './trials.js';
import { writeReport } from './report.js';
import { serveReport } from './report-serve.js';
import { registerArtifactCommands } from './artifact-commands.js';
import { registerClusterCommands, submitToQueue } from './cluster-commands.js';
import { describePlugin, formatDescription } from './describe.js';
import { commandPlugins } from './plugins.js';
import type { LoadedPlugin } from './plugins.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const program = new Command('arena')
  .description('Compare policy-optimization algorithms on the tasks of the TRPO paper')
  .version(version, '-V, --version', 'print the version of @policy-arena/runner')
  .exitOverride()
  // Commander's error messages are printed by fail() below, as one line; help still goes out.
  .configureOutput({ outputError: () => {} });

/** `--plugin` may be given more than once. */
const pluginOption = () =>
  new Option(
    '--plugin <package|path>',
    'also a third-party plugin: an npm package, or a path starting with ./ (repeatable)',
  ).argParser((value: string, previous: string[] = []) => [...previous, value]);

const builtinsPackage = createRequire(import.meta.url)('@policy-arena/algorithms/package.json') as {
  name: string;
  version: string;
};

/** The package a plugin comes from: @policy-arena/algorithms, or the --plugin package (or path). */
function pluginPackage(
  plugin: AlgorithmPlugin,
  thirdParty: readonly LoadedPlugin[],
): { name: string; version?: string } {
  const source = thirdParty.find((l) => l.plugin === plugin)?.source;
  if (!source) return { name: builtinsPackage.name, version: builtinsPackage.version };
  return {
    name: source.packageName ?? source.specifier,
    ...(source.packageVersion ? { version: source.packageVersion } : {}),
  };
}

program
  .command('run')
  .description(
    'run one algorithm on one task with one seed: a one-trial sweep in --out (`arena report` reads it; re-running resumes)',
  )
  .option('--algo <name>', `algorithm: ${builtinPlugins.map((p) => p.name).join(', ')}`)
  .option('--env <id>', `task: ${defaultEnvRegistry.ids().join(', ')}`)
  .option('--seed <n>', 'random seed (integer)', '1')
  .addOption(new Option('--preset <name>', 'budget and settings preset').choices(PRESETS).default('quick'))
  .option('--iterations <n>', 'policy iterations (default: from the preset)')
  .option('--batch-size <n>', 'env steps per iteration (default: from the preset)')
  .addOption(new Option('--backend <name>', 'tensor backend').choices(BACKENDS).default('wasm'))
  .option(
    '--workers <n>',
    'sampling worker threads; 0 samples in the main thread; results do not depend on it (default: the CPU count)',
  )
  .option(
    '--set <key=value...>',
    "algorithm settings, e.g. --set stepSize=0.02 baseline=none; `arena describe <algo>` lists an algorithm's settings with their defaults and preset values",
  )
  .option(
    '--out <dir>',
    'output directory (created; the same command again resumes the run in it, another one is refused)',
  )
  .option(
    '--config <file>',
    'a JSONC file of these options (algo, env, seed, preset, iterations, batchSize, backend, workers, settings, out); flags win',
  )
  .option(
    '--resume',
    'continue the run in --out from its last checkpoint, with the options it was started with',
  )
  .option(
    '--eval-every <n>',
    'evaluate the policy deterministically after every n-th iteration (metric evalPerStepReward)',
  )
  .option('--eval-episodes <n>', 'episodes per evaluation (default 10)')
  .option('--force', "delete this trial's results in --out and run it from its first iteration")
  .addOption(pluginOption())
  .option('--quiet', 'no progress lines (the result still goes to stdout)')
  .option('--json', 'print the result as one JSON object on stdout (progress stays on stderr)')
  .action(
    async (
      flags: Partial<RawRunOptions> & { json?: boolean; config?: string; resume?: boolean },
      cmd: Command,
    ) => {
      const given = new Set(Object.keys(flags).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      const run = await prepareRun(resolveRunOptions(flags, given));
      const controller = interruptible();
      const result = await executeRun(run, controller.signal);
      if (controller.signal.aborted) interrupted();
      if (result.failure) {
        process.stderr.write(`arena: ${result.failure}\n`);
        process.exitCode = 1;
      }
      process.stdout.write(runResult(run, result, flags.json ?? false));
    },
  );

/** Ctrl-C and SIGTERM stop the run cleanly (the trial resumes from its checkpoint next time). */
function interruptible(): AbortController {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return controller;
}

function interrupted(): never {
  process.stderr.write('arena: interrupted; run the same command again to resume\n');
  process.exit(130);
}

function nonNegativeInteger(flag: string, text: string | undefined, min = 0): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  }
  // Beyond 2^53 − 1 the digits typed are not the number used.
  if (!Number.isSafeInteger(Number(text)))
    throw new UsageError(`${flag} must be a safe integer, got "${text}"`);
  return Number(text);
}

const positiveInteger = (flag: string, text: string | undefined) => nonNegativeInteger(flag, text, 1);

program
  .command('sweep')
  .description(
    'run every algorithm × task × seed × grid point of a sweep config (JSON/JSONC) on worker threads; re-running resumes',
  )
  .argument('<config>', 'sweep config file (see `arena schema`)')
  .option(
    '--workers <n>',
    'trials at once, one thread each (default: the config\'s "workers", else the CPU count)',
  )
  .option(
    '--sampler-workers <n>',
    "sampling threads per trial, 0 = in the trial's thread (default: config, else the cores the trials leave free)",
  )
  .option('--shard <i/n>', 'run only the i-th of n deterministic parts of the trials (e.g. Slurm arrays)')
  .option('--out <dir>', 'output directory (default: the config\'s "out", else runs/<config name>)')
  .option('--checkpoint-every <k>', 'write a resume checkpoint every k iterations (default: config, else 1)')
  .option(
    '--iteration-timeout <seconds>',
    'stop a trial that goes this long without finishing an iteration, and fail it (default: config, else 3600)',
  )
  .option('--progress-interval <seconds>', 'seconds between progress lines when not on a TTY', '10')
  .option('--quiet', 'no progress output')
  .option('--queue <redis-url>', 'queue the trials for `arena worker` processes instead of running them here')
  .option('--no-wait', 'with --queue: return once the trials are queued')
  .action(async (configFile: string, raw: Record<string, string | boolean | undefined>) => {
    const workers = positiveInteger('--workers', raw['workers'] as string | undefined);
    const samplerWorkers = nonNegativeInteger(
      '--sampler-workers',
      raw['samplerWorkers'] as string | undefined,
    );
    const checkpointEvery = positiveInteger(
      '--checkpoint-every',
      raw['checkpointEvery'] as string | undefined,
    );
    const timeoutText = raw['iterationTimeout'] as string | undefined;
    const iterationTimeout = timeoutText === undefined ? undefined : Number(timeoutText);
    if (
      iterationTimeout !== undefined &&
      !(Number.isFinite(iterationTimeout) && iterationTimeout > 0 && iterationTimeout <= 604800)
    ) {
      throw new UsageError(
        `--iteration-timeout must be a number of seconds in (0, 604800], got "${timeoutText}"`,
      );
    }
    const interval = Number(raw['progressInterval']);
    if (!Number.isFinite(interval) || interval < 0) {
      throw new UsageError(
        `--progress-interval must be a number ≥ 0, got "${String(raw['progressInterval'])}"`,
      );
    }
    let shard;
    if (raw['shard'] !== undefined) {
      shard = parseShard(raw['shard'] as string);
      if (typeof shard === 'string') throw new UsageError(shard);
    }
    const prepared = await prepareSweep(configFile, {
      builtinPlugins,
      taskIds: defaultEnvRegistry.ids(),
      ...(raw['out'] !== undefined ? { out: raw['out'] as string } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(samplerWorkers !== undefined ? { samplerWorkers } : {}),
      ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
      ...(iterationTimeout !== undefined ? { iterationTimeout } : {}),
      ...(shard ? { shard } : {}),
    });
    checkThreadCount(workers !== undefined ? '--workers' : '"workers"', prepared.workers);
    if (prepared.samplerWorkers !== undefined) {
      checkThreadCount(
        samplerWorkers !== undefined ? '--sampler-workers' : '"samplerWorkers"',
        prepared.samplerWorkers,
      );
    }
    await checkBackend('"backend":', prepared.loaded.backend);
    const reporter = raw['quiet']
      ? silentSweepReporter
      : process.stderr.isTTY
        ? new TtyReporter(process.stderr, systemClock)
        : new PlainReporter((line) => process.stderr.write(line + '\n'), systemClock, interval);
    if (raw['queue'] !== undefined) return submitToQueue(prepared, raw, reporter);
    const controller = interruptible();
    const summary = await runSweep(prepared, { reporter, signal: controller.signal });
    if (controller.signal.aborted) interrupted();
    const failed = summary.failed.length;
    process.stderr.write(
      `sweep ${failed ? 'finished with failures' : 'done'}: ${summary.total} trials (${summary.skipped} already done, ${summary.ran} run${summary.doneElsewhere ? `, ${summary.doneElsewhere} run by another sweep` : ''}${failed ? `, ${failed} failed` : ''}) → ${summary.outDir}\n` +
        (failed
          ? summary.failed.map((f) => `  FAILED ${f.id}: ${f.error}\n`).join('')
          : `report: arena report ${summary.outDir}\n`),
    );
    if (failed) process.exitCode = 1;
  });

registerClusterCommands(program); // worker, status, merge (and --queue above)

program
  .command('report')
  .description(
    'write an HTML report with Figure 4 (SVG + PNG) and final-performance tables for sweep and run directories, merged into one; or, with --serve, explore them in the web app',
  )
  .argument('<dirs...>', 'sweep or `arena run` output directories (each holds manifest.json)')
  .option('--out <dir>', 'report directory (default: <dir>/report; required with several directories)')
  .addOption(
    new Option('--x <axis>', "the figure's x-axis: policy iterations or cumulative env steps")
      .choices(['iterations', 'steps'])
      .default('iterations'),
  )
  .option('--bootstrap <n>', 'bootstrap resamples', '2000')
  .option('--seed <n>', 'seed of the bootstrap (the report is deterministic for a seed)', '0')
  .option(
    '--serve',
    'write nothing: serve the interactive report (the web app: metric, aggregate, x-axis, tasks and algorithms to choose) over the directories, read-only, on 127.0.0.1 until Ctrl-C',
  )
  .option('--port <n>', 'with --serve: the port (default: a free one)')
  .addHelpText(
    'after',
    `
With --serve, the interactive report is at the printed URL
(http://127.0.0.1:<port>/#report); --x, --bootstrap and --seed become its first
settings. The page fetches /results/index.json, a listing of every file of the
directories (the i-th directory given is under /results/<i>/), and reads their
manifest.json, trial.json and metrics.jsonl files; a trial with a
policy-final.json gets a link to the policy viewer. The web app is the
workspace package @policy-arena/web: \`pnpm build\` in the policy-arena
repository builds it.`,
  )
  .action(async (dirs: string[], raw: Record<string, string | boolean | undefined>, cmd: Command) => {
    const reps = positiveInteger('--bootstrap', raw['bootstrap'] as string | undefined)!;
    const seed = nonNegativeInteger('--seed', raw['seed'] as string | undefined)!;
    if (raw['serve']) {
      if (raw['out'] !== undefined)
        throw new UsageError('--serve writes nothing: drop --out, or drop --serve');
      const port = nonNegativeInteger('--port', raw['port'] as string | undefined) ?? 0;
      if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
      const given = (name: string) => cmd.getOptionValueSource(name) === 'cli';
      const settings = new URLSearchParams({
        ...(given('x') ? { x: raw['x'] as string } : {}),
        ...(given('bootstrap') ? { reps: String(reps) } : {}),
        ...(given('seed') ? { seed: String(seed) } : {}),
      }).toString();
      await serveUntilInterrupted(dirs, port, settings);
      return;
    }
    if (raw['port'] !== undefined) throw new UsageError('--port needs --serve');
    const { files, summary } = await writeReport({
      dirs,
      reps,
      seed,
      x: raw['x'] as 'iterations' | 'steps',
      ...(raw['out'] !== undefined ? { out: raw['out'] as string } : {}),
    });
    process.stdout.write(
      `report: ${summary.trials.done}/${summary.trials.total} trials finished, ${summary.tasks.length} task(s), ${summary.variants.length} algorithm variant(s)\n` +
        `  ${files.html}\n  ${files.svg}\n  ${files.png}\n  ${files.summary}\n`,
    );
  });

/** `arena report --serve`: serves until SIGINT or SIGTERM, then closes the server and exits 0. */
async function serveUntilInterrupted(dirs: readonly string[], port: number, settings: string): Promise<void> {
  const served = dirs.map((name) => ({ name, dir: path.resolve(name) }));
  for (const { name, dir } of served) {
    if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
      throw new UsageError(
        `"${name}" is not a sweep directory: it has no ${MANIFEST_FILE} (run \`arena sweep\` or \`arena run\` first)`,
      );
    }
  }
  const server = await serveReport(served, port);
  process.stdout.write(
    `report: ${server.url}#report${settings ? `?${settings}` : ''} (${served.length} director${served.length === 1 ? 'y' : 'ies'}, read-only; Ctrl-C stops)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

registerArtifactCommands(program);

program
  .command('schema')
  .description('print the JSON Schema of sweep config files (built-in algorithms, --plugin ones and tasks)')
  .addOption(pluginOption())
  .action(async (raw: { plugin?: string[] }) => {
    const { plugins } = await commandPlugins(builtinPlugins, raw.plugin ?? []);
    process.stdout.write(
      JSON.stringify(composeSweepSchema(plugins, defaultEnvRegistry.ids()), null, 2) + '\n',
    );
  });

program
  .command('list')
  .description('list the algorithms and tasks')
  .addOption(pluginOption())
  .option('--json', 'print them as one JSON object')
  .action(async (raw: { plugin?: string[]; json?: boolean }) => {
    const { plugins, thirdParty } = await commandPlugins(builtinPlugins, raw.plugin ?? []);
    const algorithms = plugins.map((p) => ({
      name: p.name,
      description: p.description,
      package: pluginPackage(p, thirdParty),
    }));
    const tasks = defaultEnvRegistry
      .ids()
      .map((id) => ({ id, description: defaultEnvRegistry.get(id).description }));
    if (raw.json) {
      process.stdout.write(JSON.stringify({ algorithms, tasks }, null, 2) + '\n');
      return;
    }
    process.stdout.write('algorithms:\n');
    for (const a of algorithms) {
      const from = a.package.name === builtinsPackage.name ? '' : ` (${a.package.name})`;
      process.stdout.write(`  ${a.name.padEnd(20)} ${a.description}${from}\n`);
    }
    process.stdout.write('tasks:\n');
    for (const t of tasks) process.stdout.write(`  ${t.id.padEnd(20)} ${t.description}\n`);
  });

program
  .command('describe')
  .description(
    "an algorithm's settings: type, default, the value each preset gives it on each task, and whether it is the paper's or reconstructed (with the source)",
  )
  .argument('<algorithm>', 'an algorithm from `arena list`')
  .addOption(pluginOption())
  .option('--json', 'print the description as one JSON object')
  .action(async (name: string, raw: { plugin?: string[]; json?: boolean }) => {
    const { plugins, thirdParty } = await commandPlugins(builtinPlugins, raw.plugin ?? []);
    const plugin = plugins.find((p) => p.name === name);
    if (!plugin) {
      const names = plugins.map((p) => p.name);
      throw new UsageError(
        `unknown algorithm "${name}"; valid: ${names.join(', ')}${didYouMean(name, names)}`,
      );
    }
    const description = describePlugin(plugin, defaultEnvRegistry.ids(), pluginPackage(plugin, thirdParty));
    process.stdout.write(
      raw.json ? JSON.stringify(description, null, 2) + '\n' : formatDescription(description),
    );
  });

// A reader that closed the pipe (`arena schema | head -1`) wants no more output: that is not an
// error, and Node would otherwise crash on the unhandled EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** One line: commander's "(Did you mean …?)" comes on a line of its own and is kept. */
function fail(message: string): never {
  process.stderr.write(
    `arena: ${message
      .trim()
      .split(/\s*\n\s*/)
      .join(' ')}\n`,
  );
  process.exit(2);
}

try {
  if (process.argv.length > 2) await program.parseAsync(process.argv);
  else {
    // Bare `arena`: the commands, on stdout, and exit code 1 (as git and npm do).
    program.outputHelp();
    process.exitCode = 1;
  }
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) process.exit(0); // --help, --version
    if (e.code === 'commander.help') process.exit(e.exitCode); // help already written
    fail(e.message.replace(/^error: /, ''));
  }
  if (e instanceof UsageError) fail(e.message);
  if (e instanceof StoreWriteError) {
    process.stderr.write(`arena: ${e.message}\n`);
    process.exit(1);
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`arena: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
