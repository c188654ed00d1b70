/**
 * Where a trial's saved policies live and how to open one from whatever a user points at: a policy
 * file, a trial directory, or an `arena run` / `arena sweep` directory (manifest.json + trials/).
 *
 *   <out>/trials/<id>/policy-final.json   the parameters after the last iteration
 *   <out>/trials/<id>/policy-best.json    the parameters that earned the best training score
 */
import fs from 'node:fs';
import path from 'node:path';
import { PolicyFileError, readPolicyFile } from '@policy-arena/core';
import type { Env, GaussianPolicy, PolicyFile } from '@policy-arena/core';
import { makeEnv } from '@policy-arena/envs';
import { UsageError } from './config.js';

export type SavedPolicyKind = 'final' | 'best';
export const POLICY_FILE_NAMES: Readonly<Record<SavedPolicyKind, string>> = {
  final: 'policy-final.json',
  best: 'policy-best.json',
};

export interface LoadedPolicy {
  readonly policy: GaussianPolicy;
  readonly file: PolicyFile;
  /** The file it was read from. */
  readonly path: string;
}

/** The policy file `target` designates: itself, its trial's, or its run's only trial's. */
export function resolvePolicyPath(target: string, kind: SavedPolicyKind = 'final', trial?: string): string {
  const name = POLICY_FILE_NAMES[kind];
  if (!fs.existsSync(target)) throw new UsageError(`${target}: no such file or directory`);
  if (fs.statSync(target).isFile()) return target;
  if (fs.existsSync(path.join(target, name))) return path.join(target, name);
  const trials = path.join(target, 'trials');
  if (!fs.existsSync(trials)) {
    throw new UsageError(
      `${target}: neither a policy file, a trial directory with ${name}, nor a results directory`,
    );
  }
  const ids = fs
    .readdirSync(trials)
    .filter((id) => fs.existsSync(path.join(trials, id, name)))
    .sort();
  if (trial !== undefined) {
    if (!ids.includes(trial)) {
      throw new UsageError(
        `${target}: no trial ${trial} with ${name} (trials with one: ${ids.join(', ') || 'none'})`,
      );
    }
    return path.join(trials, trial, name);
  }
  if (ids.length === 1) return path.join(trials, ids[0]!, name);
  if (ids.length === 0) {
    throw new UsageError(`${target}: no trial has written ${name} yet (a trial writes it when it finishes)`);
  }
  throw new UsageError(
    `${target}: ${ids.length} trials have ${name}; choose one with --trial (${ids.join(', ')})`,
  );
}

/** Opens a saved policy (see `resolvePolicyPath` for what `target` may be). */
export function loadPolicy(
  target: string,
  options: { readonly kind?: SavedPolicyKind; readonly trial?: string } = {},
): LoadedPolicy {
  const file = resolvePolicyPath(target, options.kind, options.trial);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not readable JSON (${(e as Error).message})`);
  }
  try {
    const { policy, file: contents } = readPolicyFile(doc, file);
    return { policy, file: contents, path: file };
  } catch (e) {
    if (e instanceof PolicyFileError) throw new UsageError(e.message);
    throw e;
  }
}

/** Refuses a policy whose input or output size is not the env's (a file edited by hand, or a renamed env). */
export function checkPolicyFitsEnv(policy: GaussianPolicy, env: Env, file: string): void {
  const obs = env.spec.observationSpace.shape[0];
  const act = env.spec.actionSpace.kind === 'box' ? env.spec.actionSpace.shape[0] : undefined;
  if (policy.obsDim !== obs || policy.actDim !== act) {
    throw new UsageError(
      `${file}: the policy maps ${policy.obsDim} observations to ${policy.actDim} actions, ${env.spec.id} has ${obs} and ${act ?? 'discrete'}`,
    );
  }
}

/**
 * A saved policy with a fresh env of its task, checked to fit it (see `loadPolicy` for `target`).
 * The caller closes the env.
 */
export async function openSavedPolicy(
  target: string,
  options: { readonly kind?: SavedPolicyKind; readonly trial?: string } = {},
): Promise<LoadedPolicy & { readonly env: Env }> {
  const loaded = loadPolicy(target, options);
  const env = await makeEnv(loaded.file.env.id);
  try {
    checkPolicyFitsEnv(loaded.policy, env, loaded.path);
  } catch (e) {
    env.close();
    throw e;
  }
  return { ...loaded, env };
}
