/**
 * The env registry: every built-in task, listed explicitly, by versioned id.
 */
import type { Env, EnvOptions, EnvRegistration } from '@policy-arena/core';
import { cartpoleV1 } from './cartpole.js';
import { hopperV1, hopperV2, swimmerV1, swimmerV2, walkerV1, walkerV2 } from './mujoco/env.js';

/**
 * All built-in tasks. Add new ones here; nothing registers itself on import. The v1 locomotion
 * tasks (root Δx/dt reward) stay registered beside their v2 successors (centre-of-mass velocity).
 */
export const builtinEnvs: readonly EnvRegistration[] = [
  cartpoleV1,
  swimmerV2,
  hopperV2,
  walkerV2,
  swimmerV1,
  hopperV1,
  walkerV1,
];

const VERSIONED_ID = /^[a-z][a-z0-9-]*-v\d+$/;

export class EnvRegistry {
  private readonly byId = new Map<string, EnvRegistration>();

  constructor(registrations: readonly EnvRegistration[] = builtinEnvs) {
    for (const r of registrations) this.register(r);
  }

  register(registration: EnvRegistration): void {
    if (!VERSIONED_ID.test(registration.id)) {
      throw new TypeError(
        `env id "${registration.id}" must be kebab-case with a version suffix, like "cartpole-v1"`,
      );
    }
    if (this.byId.has(registration.id))
      throw new TypeError(`env id "${registration.id}" is registered twice`);
    this.byId.set(registration.id, registration);
  }

  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): EnvRegistration {
    const r = this.byId.get(id);
    if (!r) throw new RangeError(`unknown env "${id}"; valid: ${this.ids().join(', ')}`);
    return r;
  }

  async make(id: string, options?: EnvOptions): Promise<Env> {
    return this.get(id).create(options);
  }
}

export const defaultEnvRegistry = new EnvRegistry();

export function makeEnv(id: string, options?: EnvOptions): Promise<Env> {
  return defaultEnvRegistry.make(id, options);
}
