/**
 * manifest.json as a sweep writes it: what a report and a later sweep need to know about the
 * directory, composed from the config and every trial's own trial.json (which stays the source
 * of truth), plus the package versions that ran it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import type { Json } from '@policy-arena/core';
import type { Clock } from './services.js';
import type { ResultsStore, Manifest, ManifestTrial, TrialState } from './store.js';
import type { PreparedSweep } from './sweep-prepare.js';
import { fingerprint } from './trials.js';
import type { TrialSpec } from './trials.js';

function packageVersionOf(specifier: string): string | undefined {
  try {
    let dir = path.dirname(fileURLToPath(resolveModule(specifier, import.meta.url)));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === specifier) return pkg.version;
      }
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  } catch {
    return undefined;
  }
}

export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  const own = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  versions[own.name] = own.version;
  for (const name of ['@policy-arena/core', '@policy-arena/envs', '@policy-arena/algorithms']) {
    const v = packageVersionOf(name);
    if (v) versions[name] = v;
  }
  return versions;
}

function manifestTrial(spec: TrialSpec, state: TrialState | undefined): ManifestTrial {
  return {
    id: spec.id,
    algorithm: spec.algorithm,
    label: spec.label,
    variant: spec.variant,
    task: spec.task,
    seed: spec.seed,
    grid: spec.grid,
    iterations: spec.iterations,
    stepsPerIteration: spec.stepsPerIteration,
    fingerprint: fingerprint(spec),
    status: state?.status ?? 'pending',
    iterationsDone: state?.iterationsDone ?? 0,
    wallSeconds: state?.wallSeconds ?? 0,
  };
}

/** manifest.json: the config, the package versions, and every trial of this and earlier configs. */
export function composeManifest(store: ResultsStore, prepared: PreparedSweep, clock: Clock): Manifest {
  const { loaded } = prepared;
  const previous = store.readManifest();
  const current = new Set(prepared.trials.map((t) => t.id));
  const trials: ManifestTrial[] = prepared.trials.map((spec) =>
    manifestTrial(spec, store.readState(spec.id)),
  );
  // Trials of an earlier config of this directory stay listed (their results are still there).
  for (const t of previous?.trials ?? []) {
    if (!current.has(t.id)) {
      const state = store.readState(t.id);
      trials.push(state ? manifestTrial(state.spec, state) : t);
    }
  }
  return {
    version: 1,
    name: loaded.config.name ?? path.basename(loaded.file).replace(/\.jsonc?$/i, ''),
    configFile: loaded.file,
    config: loaded.config as unknown as Json,
    preset: loaded.preset,
    seeds: loaded.config.seeds,
    tasks: loaded.config.tasks,
    packages: {
      ...packageVersions(),
      ...Object.fromEntries(
        loaded.thirdParty
          .filter((p) => p.source.packageName && p.source.packageVersion)
          .map((p) => [p.source.packageName!, p.source.packageVersion!]),
      ),
    },
    plugins: loaded.thirdParty.map((p) => ({
      specifier: p.source.specifier,
      name: p.plugin.name,
      ...(p.source.packageName ? { packageName: p.source.packageName } : {}),
      ...(p.source.packageVersion ? { version: p.source.packageVersion } : {}),
    })),
    updatedAt: clock.isoDate(),
    trials,
  };
}
