/**
 * The saved-policy format: one JSON document holding everything needed to act with a trained
 * policy in a fresh process — the architecture and its flat float64 parameters, the task it was
 * trained on, the algorithm and its resolved settings, where in training the parameters come from,
 * and the package versions that produced them.
 *
 * Parameters are JSON numbers: JavaScript writes the shortest decimal that parses back to the same
 * float64, so a save–load round trip is bit-exact. The largest policy of the paper (walker, 8,206
 * parameters) is about 170 kB this way, so no binary variant is offered.
 *
 * `format` and `version` identify the document; a reader refuses other versions rather than guess.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { GaussianPolicy } from './policy.js';

export const POLICY_FILE_FORMAT = 'policy-arena/policy';
export const POLICY_FILE_VERSION = 1;

const count = (description: string) => Type.Integer({ minimum: 1, description });

export const policyFileSchema = Type.Object(
  {
    format: Type.Literal(POLICY_FILE_FORMAT, { description: 'Identifies a policy-arena saved policy.' }),
    version: Type.Literal(POLICY_FILE_VERSION, { description: 'Version of this format.' }),
    kind: Type.Union([Type.Literal('final'), Type.Literal('best')], {
      description:
        "'final': the parameters after the last iteration. 'best': the parameters that produced the best score per time step of the training run.",
    }),
    policy: Type.Object(
      {
        type: Type.Literal('gaussian-mlp', {
          description: 'π(a|s) = N(μ_θ(s), diag(exp(r))²), μ an MLP with tanh hidden layers.',
        }),
        obsDim: count('Observation size.'),
        actDim: count('Action size.'),
        hidden: Type.Array(Type.Integer({ minimum: 1 }), { description: 'Hidden layer sizes (tanh).' }),
        params: Type.Array(Type.Number(), {
          description:
            'θ: each layer’s weights (row-major, inputs × outputs) then biases, then the log-std r.',
        }),
      },
      { additionalProperties: false },
    ),
    env: Type.Object(
      { id: Type.String({ description: 'Versioned env id, e.g. hopper-v2.' }) },
      { additionalProperties: false },
    ),
    algorithm: Type.Object(
      {
        name: Type.String(),
        package: Type.String({ description: 'The npm package that provided the plugin.' }),
        version: Type.String({ description: "The plugin package's version." }),
        settings: Type.Record(Type.String(), Type.Unknown(), {
          description: 'The resolved plugin settings.',
        }),
      },
      { additionalProperties: false },
    ),
    training: Type.Object(
      {
        trial: Type.String({ description: 'Trial id within its results directory.' }),
        seed: Type.Integer(),
        preset: Type.String(),
        iteration: Type.Integer({
          minimum: 0,
          description:
            "Iterations done when these parameters were current: for 'best', the iteration whose samples they produced.",
        }),
        envSteps: Type.Integer({ minimum: 0, description: 'Env steps sampled up to that point.' }),
        perStepReward: Type.Optional(
          Type.Number({
            description: 'The training score per time step these parameters earned (stochastic policy).',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    evaluation: Type.Optional(
      Type.Object(
        {
          episodes: Type.Integer({ minimum: 1 }),
          seed: Type.Integer({ minimum: 0 }),
          deterministic: Type.Boolean(),
          perStepReward: Type.Number(),
          meanReturn: Type.Number(),
          stdReturn: Type.Number(),
          meanEpisodeLength: Type.Number(),
        },
        {
          additionalProperties: false,
          description:
            'The score of these parameters measured when the file was written (`evaluatePolicy`; `arena eval` with the same episodes and seed reproduces it).',
        },
      ),
    ),
    packages: Type.Record(Type.String(), Type.String(), {
      description: 'Versions of the policy-arena packages.',
    }),
    createdAt: Type.String({ description: 'ISO 8601 time of writing.' }),
  },
  { additionalProperties: false },
);
export type PolicyFile = Static<typeof policyFileSchema>;
export type PolicyFileMeta = Omit<PolicyFile, 'format' | 'version' | 'policy'>;

/** A document that is not a policy file of a version this code reads; the message names the field. */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

/** The document for `policy` and its metadata. */
export function policyFileFrom(policy: GaussianPolicy, meta: PolicyFileMeta): PolicyFile {
  return {
    format: POLICY_FILE_FORMAT,
    version: POLICY_FILE_VERSION,
    kind: meta.kind,
    policy: {
      type: 'gaussian-mlp',
      obsDim: policy.obsDim,
      actDim: policy.actDim,
      hidden: [...policy.hidden],
      params: Array.from(policy.getParams()),
    },
    env: meta.env,
    algorithm: meta.algorithm,
    training: meta.training,
    ...(meta.evaluation ? { evaluation: meta.evaluation } : {}),
    packages: meta.packages,
    createdAt: meta.createdAt,
  };
}

/**
 * Checks a parsed document and builds its policy. `source` names the document in error messages
 * (a file path).
 */
export function readPolicyFile(
  doc: unknown,
  source = 'policy file',
): { policy: GaussianPolicy; file: PolicyFile } {
  const format = (doc as { format?: unknown } | null)?.format;
  const version = (doc as { version?: unknown } | null)?.version;
  if (format !== POLICY_FILE_FORMAT) {
    throw new PolicyFileError(
      `${source}: not a policy-arena policy (format is ${JSON.stringify(format)}, expected "${POLICY_FILE_FORMAT}")`,
    );
  }
  if (version !== POLICY_FILE_VERSION) {
    throw new PolicyFileError(
      `${source}: policy format version ${JSON.stringify(version)} is not supported (this version reads ${POLICY_FILE_VERSION})`,
    );
  }
  const first = Value.Errors(policyFileSchema, doc).First();
  if (first) {
    const at = first.path || '/';
    throw new PolicyFileError(
      `${source}: ${at}: ${first.message} (got ${JSON.stringify(first.value)?.slice(0, 60)})`,
    );
  }
  const file = doc as PolicyFile;
  const { obsDim, actDim, hidden, params } = file.policy;
  const shape = new GaussianPolicy({ obsDim, actDim, hidden });
  if (params.length !== shape.numParams) {
    throw new PolicyFileError(
      `${source}: /policy/params has ${params.length} numbers, a ${obsDim}-[${hidden.join(',')}]-${actDim} policy has ${shape.numParams}`,
    );
  }
  return { policy: shape.withParams(Float64Array.from(params)), file };
}
