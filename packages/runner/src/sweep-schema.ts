/**
 * The JSON Schema of a sweep config: the top-level shape as TypeBox, composed with every plugin's
 * own `configSchema` into the one schema that validates a config and that `arena schema` prints.
 */
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { BACKENDS, PLUGIN_NAME_PATTERN } from '@policy-arena/core';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { PRESETS } from './presets.js';

const stringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

const BudgetOverride = Type.Object(
  {
    iterations: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Policy iterations (overrides the preset).' }),
    ),
    stepsPerIteration: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Env steps per iteration, the batch size (overrides the preset).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A label stands in for a plugin name in trial ids, so it follows the same pattern. */
export const LABEL = PLUGIN_NAME_PATTERN;

export const AlgorithmEntrySchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      description: 'An algorithm plugin: `arena list`, or one from `plugins`.',
    }),
    label: Type.Optional(
      Type.String({
        pattern: LABEL,
        maxLength: 48,
        description:
          'Name of this entry in trial ids and the report (kebab-case; default: the plugin name). Needed when one plugin appears twice.',
      }),
    ),
    settings: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: "Fixed settings: keys of the plugin's configSchema." },
      ),
    ),
    grid: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.Unknown(), { minItems: 1 }), {
        description: 'Settings to sweep: each key lists its values; trials cover every combination.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The top-level sweep config. `arena schema` prints it with each plugin's settings filled in. */
export const SweepConfigSchema = Type.Object(
  {
    $schema: Type.Optional(
      Type.String({ description: 'For editors: a path to the output of `arena schema`.' }),
    ),
    name: Type.Optional(
      Type.String({ minLength: 1, description: 'A name for the sweep (the report title).' }),
    ),
    preset: Type.Optional(
      stringEnum(PRESETS, {
        default: 'quick',
        description: 'Budgets and algorithm settings: smoke (seconds), quick (minutes), paper (Table 2).',
      }),
    ),
    algorithms: Type.Array(AlgorithmEntrySchema, { minItems: 1 }),
    tasks: Type.Array(Type.String(), {
      minItems: 1,
      uniqueItems: true,
      description: 'Task ids: `arena list`.',
    }),
    seeds: Type.Array(Type.Integer({ minimum: 0 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'One trial per seed for every algorithm × task × grid point.',
    }),
    budget: Type.Optional(BudgetOverride),
    budgets: Type.Optional(
      Type.Record(Type.String(), BudgetOverride, {
        description: 'Budget overrides per task id (over `budget`).',
      }),
    ),
    plugins: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        uniqueItems: true,
        description:
          'Third-party plugin packages (or module paths), resolved from this file’s directory, then the working directory.',
      }),
    ),
    out: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Output directory, relative to this file (default: runs/<config name>).',
      }),
    ),
    workers: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Trials run at once, one worker thread each (default: CPU count).',
      }),
    ),
    samplerWorkers: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "Sampling threads per trial; 0 samples in the trial's thread. Results do not depend on it. Default: 0 when the trials at once fill the cores, else ⌊cores / trials at once⌋.",
      }),
    ),
    evaluation: Type.Optional(
      Type.Object(
        {
          every: Type.Integer({
            minimum: 1,
            description: 'Evaluate after every k-th iteration (and after the last).',
          }),
          episodes: Type.Optional(
            Type.Integer({ minimum: 1, default: 10, description: 'Episodes per evaluation (default 10).' }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Periodic deterministic evaluation of the policy during training (mean action, evaluation seed 0, the episodes of `arena eval`), recorded as the metrics evalPerStepReward and evalMeanReturn. Training scores are of the stochastic policy.',
        },
      ),
    ),
    checkpointEvery: Type.Optional(
      Type.Integer({ minimum: 1, default: 1, description: 'Write a resume checkpoint every k iterations.' }),
    ),
    iterationTimeout: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 604800,
        default: 3600,
        description:
          'Seconds a trial may go without finishing an iteration (its set-up counts toward the first) before its worker thread is terminated and the trial fails with the reason.',
      }),
    ),
    backend: Type.Optional(stringEnum(BACKENDS, { default: 'wasm', description: 'Tensor backend.' })),
  },
  { additionalProperties: false },
);

export type SweepConfig = Static<typeof SweepConfigSchema>;
export type AlgorithmEntry = Static<typeof AlgorithmEntrySchema>;
export type BudgetOverride = Static<typeof BudgetOverride>;

/** JSON without TypeBox's symbol keys. */
function plain<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema)) as T;
}

export type JsonSchema = Record<string, unknown>;

function settingProperties(plugin: AlgorithmPlugin): Record<string, JsonSchema> {
  return plain(plugin.configSchema.properties) as Record<string, JsonSchema>;
}

/**
 * The full JSON Schema of a sweep config for a set of plugins and tasks: algorithm names and
 * task ids are enumerated, and each algorithm entry's settings and grid follow its plugin's schema.
 */
export function composeSweepSchema(
  plugins: readonly AlgorithmPlugin[],
  taskIds: readonly string[],
): JsonSchema {
  const schema = plain(SweepConfigSchema) as JsonSchema & { properties: Record<string, JsonSchema> };
  schema['$schema'] = 'https://json-schema.org/draft/2020-12/schema';
  schema['title'] = 'policy-arena sweep config';
  const props = schema.properties;
  const algorithms = props['algorithms'] as {
    items: JsonSchema & { properties: Record<string, JsonSchema> };
  };
  const item = algorithms.items;
  item.properties['name'] = { ...item.properties['name'], enum: plugins.map((p) => p.name) };
  item['required'] = ['name'];
  item['allOf'] = plugins.map((plugin) => {
    const properties = settingProperties(plugin);
    return {
      if: { properties: { name: { const: plugin.name } }, required: ['name'] },
      then: {
        properties: {
          settings: {
            type: 'object',
            additionalProperties: false,
            properties,
            description: `${plugin.name} settings: ${plugin.description}`,
          },
          grid: {
            type: 'object',
            additionalProperties: false,
            properties: Object.fromEntries(
              Object.entries(properties).map(([key, prop]) => [
                key,
                { type: 'array', minItems: 1, items: prop, description: `values of ${key} to sweep` },
              ]),
            ),
          },
        },
      },
    };
  });
  (props['tasks'] as { items: JsonSchema }).items = { type: 'string', enum: [...taskIds] };
  // Type.Record gives patternProperties; enumerate the tasks instead so a typo is an unknown key.
  const budgets = props['budgets'] as JsonSchema;
  delete budgets['patternProperties'];
  budgets['properties'] = Object.fromEntries(taskIds.map((id) => [id, plain(BudgetOverride)]));
  budgets['additionalProperties'] = false;
  return schema;
}

/** Fills a flat config's missing keys from the schema's defaults (works for plain JSON schemas too). */
export function applyDefaults(
  schema: TSchema | JsonSchema,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  const properties = (schema as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
  for (const [key, prop] of Object.entries(properties)) {
    if (!(key in out) && prop && 'default' in prop) out[key] = structuredClone(prop.default);
  }
  return out;
}
