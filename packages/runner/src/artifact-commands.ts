/**
 * The commands for what comes after training: `arena eval` and `arena render` on saved policies.
 * Kept out of cli.ts so that the training commands and these read separately.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from './config.js';
import { writeFileAtomic } from './store-files.js';
import { evaluateSaved, formatEvaluation } from './eval-command.js';
import { metricsCsv, writeTensorboard } from './export.js';
import { renderSaved } from './render.js';
import type { SavedPolicyKind } from './saved-policies.js';

function integerFlag(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  }
  return Number(text);
}

const policyTarget = (cmd: Command) =>
  cmd
    .argument(
      '<path>',
      'a policy file, a trial directory, or an `arena run` / `arena sweep` output directory',
    )
    .addOption(
      new Option('--policy <kind>', 'which saved policy').choices(['final', 'best']).default('final'),
    )
    .option('--trial <id>', 'the trial, when the directory holds several')
    .option(
      '--seed <n>',
      'seed of the evaluation episodes (reset states and, if stochastic, action noise)',
      '0',
    )
    .option('--stochastic', 'sample actions from π(·|s) instead of acting with the mean');

export function registerArtifactCommands(program: Command): void {
  program
    .command('export')
    .description(
      "write a results directory's metrics for other tools: one CSV table, or a TensorBoard log directory",
    )
    .argument('<dir>', 'an `arena run` or `arena sweep` output directory')
    .addOption(
      new Option('--format <format>', 'csv or tensorboard').choices(['csv', 'tensorboard']).default('csv'),
    )
    .option('--out <path>', 'csv: a file instead of stdout; tensorboard: the log directory (required)')
    .action((dir: string, raw: { format: string; out?: string }) => {
      if (raw.format === 'tensorboard') {
        if (!raw.out) throw new UsageError('--format tensorboard needs --out <log directory>');
        const files = writeTensorboard(dir, raw.out);
        process.stdout.write(
          `${files.length} event file(s) in ${raw.out} (tensorboard --logdir ${raw.out})\n`,
        );
        return;
      }
      const text = metricsCsv(dir);
      if (raw.out) writeFileAtomic(raw.out, text);
      else process.stdout.write(text);
    });

  policyTarget(
    program
      .command('eval')
      .description(
        'score a saved policy over fresh episodes: deterministic (mean action) unless --stochastic; the final policy of a run is scored this way when it is saved',
      ),
  )
    .option('--episodes <n>', 'episodes', '10')
    .option('--deterministic', 'act with the mean action (the default; the opposite of --stochastic)')
    .option('--json', 'print the result as one JSON object')
    .action(async (target: string, raw: Record<string, string | boolean | undefined>) => {
      if (raw['stochastic'] && raw['deterministic'])
        throw new UsageError('choose one of --deterministic and --stochastic');
      const outcome = await evaluateSaved({
        target,
        kind: raw['policy'] as SavedPolicyKind,
        ...(typeof raw['trial'] === 'string' ? { trial: raw['trial'] } : {}),
        episodes: integerFlag('--episodes', raw['episodes'] as string, 1)!,
        seed: integerFlag('--seed', raw['seed'] as string, 0)!,
        deterministic: !raw['stochastic'],
      });
      process.stdout.write(raw['json'] ? JSON.stringify(outcome) + '\n' : formatEvaluation(outcome));
    });

  policyTarget(
    program
      .command('render')
      .description(
        'animate one episode of a saved policy: a GIF or a self-playing HTML page (side view; the swimmer from above)',
      ),
  )
    .requiredOption('--out <file>', 'output file: .gif or .html')
    .option('--stride <n>', 'draw every n-th env step (default: about 25 frames per simulated second)')
    .option('--steps <n>', 'stop after n env steps (default: the whole episode)')
    .option('--width <px>', 'picture width', '480')
    .action(async (target: string, raw: Record<string, string | boolean | undefined>) => {
      const stride = integerFlag('--stride', raw['stride'] as string | undefined, 1);
      const steps = integerFlag('--steps', raw['steps'] as string | undefined, 1);
      const outcome = await renderSaved({
        target,
        out: raw['out'] as string,
        kind: raw['policy'] as SavedPolicyKind,
        ...(typeof raw['trial'] === 'string' ? { trial: raw['trial'] } : {}),
        seed: integerFlag('--seed', raw['seed'] as string, 0)!,
        deterministic: !raw['stochastic'],
        ...(stride !== undefined ? { stride } : {}),
        ...(steps !== undefined ? { maxSteps: steps } : {}),
        width: integerFlag('--width', raw['width'] as string, 64)!,
      });
      process.stdout.write(
        `${outcome.file}: ${outcome.frames} frames of ${outcome.steps} steps (${outcome.framesPerSecond.toFixed(1)} frames per simulated second), return ${outcome.episodeReturn.toFixed(2)}\n`,
      );
    });
}
