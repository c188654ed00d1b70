/**
 * Where `arena run`'s options come from besides its flags:
 *   --config FILE  a JSONC file with the same options (`algo`, `env`, `seed`, `preset`, `iterations`,
 *                  `batchSize`, `backend`, `workers`, `settings`, `out`); flags given on the command
 *                  line win over the file;
 *   --resume       the run already in --out: its manifest holds the run's config, so the command
 *                  needs no other flag, and one that contradicts the run is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import { UsageError } from './config.js';
import { MANIFEST_FILE } from './store.js';
import type { RawRunOptions } from './run-command.js';

const integer = Type.Integer();
export const runConfigSchema = Type.Object(
  {
    algo: Type.String({ description: 'Algorithm name (`arena list`).' }),
    env: Type.String({ description: 'Task id (`arena list`).' }),
    seed: integer,
    preset: Type.String({ description: 'smoke, quick or paper.' }),
    iterations: integer,
    batchSize: integer,
    backend: Type.String(),
    workers: integer,
    settings: Type.Record(Type.String(), Type.Unknown(), { description: 'Algorithm settings (`--set`).' }),
    out: Type.String({ description: 'Output directory, relative to the config file.' }),
  },
  { additionalProperties: false },
);
type RunConfigFile = Partial<Static<typeof runConfigSchema>>;

const settingText = (key: string, value: unknown) =>
  `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;

/** The options of a run config file, as flag texts (so that they are checked like flags). */
export function readRunConfig(file: string): Partial<RawRunOptions> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const errors: ParseError[] = [];
  const doc = parseJsonc(text, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length > 0) {
    const line = text.slice(0, errors[0]!.offset).split('\n').length;
    throw new UsageError(`--config ${file}: line ${line}: ${printParseErrorCode(errors[0]!.error)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError(`--config ${file}: expected an object of run options`);
  }
  const known = Object.keys(runConfigSchema.properties);
  const unknown = Object.keys(doc).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new UsageError(`--config ${file}: unknown option "${unknown}" (options: ${known.join(', ')})`);
  }
  const first = Value.Errors(Type.Partial(runConfigSchema), doc).First();
  if (first) {
    const key = first.path.replace(/^\//, '');
    throw new UsageError(`--config ${file}: ${key}: ${first.message}, got ${JSON.stringify(first.value)}`);
  }
  const c = doc as RunConfigFile;
  const out: Partial<RawRunOptions> = {};
  if (c.algo !== undefined) out.algo = c.algo;
  if (c.env !== undefined) out.env = c.env;
  if (c.seed !== undefined) out.seed = String(c.seed);
  if (c.preset !== undefined) out.preset = c.preset as RawRunOptions['preset'];
  if (c.iterations !== undefined) out.iterations = String(c.iterations);
  if (c.batchSize !== undefined) out.batchSize = String(c.batchSize);
  if (c.backend !== undefined) out.backend = c.backend as RawRunOptions['backend'];
  if (c.workers !== undefined) out.workers = String(c.workers);
  if (c.settings !== undefined) out.set = Object.entries(c.settings).map(([k, v]) => settingText(k, v));
  if (c.out !== undefined) out.out = path.resolve(path.dirname(file), c.out);
  return out;
}

interface ManifestRunConfig {
  readonly preset?: string;
  readonly backend?: string;
  readonly algorithms?: readonly { name: string; settings?: Record<string, unknown> }[];
  readonly tasks?: readonly string[];
  readonly seeds?: readonly number[];
  readonly budget?: { iterations?: number; stepsPerIteration?: number };
  readonly samplerWorkers?: number;
  readonly plugins?: readonly string[];
  readonly evaluation?: { every: number; episodes?: number };
}

/** The options of the run recorded in `out` (an `arena run` directory). */
export function readRunToResume(out: string): Partial<RawRunOptions> {
  const file = path.join(out, MANIFEST_FILE);
  if (!fs.existsSync(file))
    throw new UsageError(`--resume: ${out} holds no run to resume (no ${MANIFEST_FILE})`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    configFile?: string;
    config?: ManifestRunConfig;
  };
  const c = manifest.config ?? {};
  if (
    manifest.configFile !== '(arena run)' ||
    c.algorithms?.length !== 1 ||
    c.tasks?.length !== 1 ||
    c.seeds?.length !== 1
  ) {
    throw new UsageError(
      `--resume: ${out} holds a sweep, not an \`arena run\`; resume it with \`arena sweep\` and its config`,
    );
  }
  const [algorithm] = c.algorithms;
  const options: Partial<RawRunOptions> = {
    algo: algorithm!.name,
    env: c.tasks[0]!,
    seed: String(c.seeds[0]!),
  };
  if (c.preset) options.preset = c.preset as RawRunOptions['preset'];
  if (c.backend) options.backend = c.backend as RawRunOptions['backend'];
  if (c.budget?.iterations !== undefined) options.iterations = String(c.budget.iterations);
  if (c.budget?.stepsPerIteration !== undefined) options.batchSize = String(c.budget.stepsPerIteration);
  if (c.samplerWorkers !== undefined) options.workers = String(c.samplerWorkers);
  if (c.plugins?.length) options.plugin = [...c.plugins];
  if (c.evaluation) {
    options.evalEvery = String(c.evaluation.every);
    if (c.evaluation.episodes !== undefined) options.evalEpisodes = String(c.evaluation.episodes);
  }
  if (algorithm!.settings)
    options.set = Object.entries(algorithm!.settings).map(([k, v]) => settingText(k, v));
  return options;
}

/**
 * The run's options: defaults < config file < flags; with --resume, the recorded run's options,
 * which a flag may repeat but not change.
 */
export function resolveRunOptions(
  flags: Partial<RawRunOptions> & { config?: string; resume?: boolean },
  given: ReadonlySet<string>,
): RawRunOptions {
  const fromFile = flags.config ? readRunConfig(flags.config) : {};
  const pick = <K extends keyof RawRunOptions>(key: K) =>
    (given.has(key) ? flags[key] : (fromFile[key] ?? flags[key])) as RawRunOptions[K];
  const merged = Object.fromEntries(
    (
      [
        'algo',
        'env',
        'seed',
        'preset',
        'iterations',
        'batchSize',
        'backend',
        'workers',
        'set',
        'out',
        'force',
        'quiet',
        'plugin',
        'evalEvery',
        'evalEpisodes',
      ] as const
    )
      .map((k) => [k, pick(k)])
      .filter(([, v]) => v !== undefined),
  ) as Partial<RawRunOptions>;
  if (flags.resume) {
    if (merged.out === undefined)
      throw new UsageError('--resume needs --out: the directory of the run to resume');
    if (merged.force) throw new UsageError('choose one of --resume and --force');
    const recorded = readRunToResume(merged.out);
    for (const [key, value] of Object.entries(recorded) as [keyof RawRunOptions, unknown][]) {
      const mine = merged[key];
      if (given.has(key) && mine !== undefined && JSON.stringify(mine) !== JSON.stringify(value)) {
        throw new UsageError(
          `--resume: the run in ${merged.out} has ${key} ${JSON.stringify(value)}, the command gives ${JSON.stringify(mine)}`,
        );
      }
    }
    Object.assign(merged, recorded);
  }
  for (const key of ['algo', 'env', 'out'] as const) {
    if (merged[key] === undefined) {
      throw new UsageError(
        `--${key} is required (or give it in --config, or resume a run with --resume --out DIR)`,
      );
    }
  }
  return merged as RawRunOptions;
}
