#!/usr/bin/env node
/**
 * The `arena` command line.
 *
 *   arena run --algo trpo-single-path --env cartpole-v1 --seed 1 --iterations 50 --out runs/x
 *   arena list
 *
 * Bad input gives one line naming the problem and the valid choices, exit code 2, and writes
 * nothing.
 */
import { Command, CommanderError, Option } from 'commander';
import { BACKENDS } from '@policy-arena/core';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { UsageError } from './config.js';
import { prepareRun, executeRun } from './run-command.js';
import { PRESETS } from './presets.js';

const program = new Command('arena')
  .description('Compare policy-optimization algorithms on the tasks of the TRPO paper')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

program
  .command('run')
  .description('run one algorithm on one task with one seed, writing metrics.jsonl to --out')
  .requiredOption('--algo <name>', `algorithm: ${builtinPlugins.map((p) => p.name).join(', ')}`)
  .requiredOption('--env <id>', `task: ${defaultEnvRegistry.ids().join(', ')}`)
  .option('--seed <n>', 'random seed (integer)', '1')
  .addOption(new Option('--preset <name>', 'budget and settings preset').choices(PRESETS).default('quick'))
  .option('--iterations <n>', 'policy iterations (default: from the preset)')
  .option('--batch-size <n>', 'env steps per iteration (default: from the preset)')
  .addOption(new Option('--backend <name>', 'tensor backend').choices(BACKENDS).default('wasm'))
  .option('--set <key=value...>', 'algorithm settings, e.g. --set stepSize=0.02 baseline=none')
  .requiredOption('--out <dir>', 'output directory (created; must not already hold a run unless --force)')
  .option('--force', 'overwrite an existing run in --out')
  .option('--quiet', 'no progress lines')
  .action(async (raw) => {
    const run = await prepareRun(raw);
    await executeRun(run);
  });

program
  .command('list')
  .description('list the algorithms and tasks')
  .action(() => {
    process.stdout.write('algorithms:\n');
    for (const p of builtinPlugins) process.stdout.write(`  ${p.name.padEnd(20)} ${p.description}\n`);
    process.stdout.write('tasks:\n');
    for (const id of defaultEnvRegistry.ids()) {
      process.stdout.write(`  ${id.padEnd(20)} ${defaultEnvRegistry.get(id).description}\n`);
    }
  });

function fail(message: string): never {
  process.stderr.write(`arena: ${message.split('\n')[0]}\n`);
  process.exit(2);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) process.exit(0); // --help, --version
    fail(e.message.replace(/^error: /, ''));
  }
  if (e instanceof UsageError) fail(e.message);
  throw e;
}
