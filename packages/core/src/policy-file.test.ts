import { describe, expect, it } from 'vitest';
import { GaussianPolicy } from './policy.js';
import { PolicyFileError, policyFileFrom, readPolicyFile } from './policy-file.js';
import type { PolicyFileMeta } from './policy-file.js';
import { Rng } from './rng.js';

const meta: PolicyFileMeta = {
  kind: 'final',
  env: { id: 'hopper-v2' },
  algorithm: {
    name: 'trpo-single-path',
    package: '@policy-arena/algorithms',
    version: '0.1.0',
    settings: { stepSize: 0.01 },
  },
  training: {
    trial: 'trpo-single-path__hopper-v2__seed1',
    seed: 1,
    preset: 'quick',
    iteration: 3,
    envSteps: 60000,
  },
  packages: { '@policy-arena/core': '0.1.0' },
  createdAt: '2026-11-29T00:00:00.000Z',
};

function trained() {
  const rng = Rng.fromSeed(4);
  const policy = GaussianPolicy.create({ obsDim: 11, actDim: 3, hidden: [50] }, rng);
  // Parameters with full float64 mantissas, as after training.
  return policy.withParams(Float64Array.from(policy.getParams(), (x) => x + rng.normal() * Math.PI * 1e-3));
}

describe('policy file', () => {
  it('round-trips through JSON text bit-exactly and acts the same', () => {
    const policy = trained();
    const text = JSON.stringify(policyFileFrom(policy, meta));
    const { policy: loaded, file } = readPolicyFile(JSON.parse(text));
    expect(Buffer.from(loaded.getParams().buffer).equals(Buffer.from(policy.getParams().buffer))).toBe(true);
    expect(loaded.hidden).toEqual([50]);
    const obs = Float64Array.from({ length: 11 }, (_, i) => Math.sin(i));
    expect(Array.from(loaded.means(obs))).toEqual(Array.from(policy.means(obs)));
    expect(file.training.iteration).toBe(3);
  });

  it('refuses other formats and versions, naming what was found', () => {
    const doc = policyFileFrom(trained(), meta);
    expect(() => readPolicyFile({ ...doc, format: 'x' }, 'a.json')).toThrow(
      /a\.json: not a policy-arena policy \(format is "x"/,
    );
    expect(() => readPolicyFile({ ...doc, version: 2 }, 'a.json')).toThrow(/version 2 is not supported/);
    expect(() => readPolicyFile(null)).toThrow(PolicyFileError);
  });

  it('names the field that is wrong, and a parameter count that does not fit the shape', () => {
    const doc = policyFileFrom(trained(), meta);
    expect(() => readPolicyFile({ ...doc, policy: { ...doc.policy, actDim: 0 } }, 'p.json')).toThrow(
      /p\.json: \/policy\/actDim: .*got 0/,
    );
    expect(() =>
      readPolicyFile({ ...doc, policy: { ...doc.policy, params: doc.policy.params.slice(1) } }),
    ).toThrow(/has 755 numbers, a 11-\[50\]-3 policy has 756/);
    expect(() => readPolicyFile({ ...doc, extra: 1 })).toThrow(/\/extra/);
  });
});
