/**
 * The policy a trial trains unless its container says otherwise: the Gaussian MLP of Appendix D
 * with the task's architecture from Table 2 (presets.ts).
 */
import { GaussianPolicy } from '@policy-arena/core';
import type { EnvSpec, Rng } from '@policy-arena/core';
import { DEFAULT_POLICY_ARCHITECTURE, POLICY_ARCHITECTURES } from './presets.js';
import type { PolicyArchitecture } from './presets.js';

/** The policy architecture of a task (Table 2), or the default for third-party tasks. */
export function architectureFor(envId: string): PolicyArchitecture {
  return POLICY_ARCHITECTURES[envId] ?? DEFAULT_POLICY_ARCHITECTURE;
}

/** The Gaussian policy of Appendix D for an env spec and architecture. */
export function defaultPolicy(spec: EnvSpec, architecture: PolicyArchitecture, rng: Rng): GaussianPolicy {
  if (spec.actionSpace.kind !== 'box')
    throw new TypeError(`${spec.id}: only continuous action spaces are supported`);
  return GaussianPolicy.create(
    {
      obsDim: spec.observationSpace.shape[0],
      actDim: spec.actionSpace.shape[0],
      hidden: architecture.hidden,
      outputInitScale: architecture.outputInitScale,
    },
    rng,
  );
}
