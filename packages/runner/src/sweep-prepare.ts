/**
 * The first half of `arena sweep`: read and check everything — the config, its plugins, the
 * output directory and the results already in it — before anything is written, so that a sweep
 * that cannot run fails at once with one message and leaves no files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { UsageError } from './config.js';
import { checkOutputDir } from './output-dir.js';
import { MANIFEST_FILE, ResultsStore } from './store.js';
import { canonicalJson, expandTrials, fingerprint, selectShard, shortHash } from './trials.js';
import type { Shard, TrialSpec } from './trials.js';
import { readSweepConfig } from './sweep-config.js';
import type { LoadedSweepConfig } from './sweep-config.js';

export interface SweepOptions {
  readonly builtinPlugins: readonly AlgorithmPlugin[];
  readonly taskIds: readonly string[];
  /** Overrides the config's `out` (relative to cwd). */
  readonly out?: string;
  readonly workers?: number;
  /** Sampling threads per trial (default: the cores left over by the concurrent trials). */
  readonly samplerWorkers?: number;
  readonly shard?: Shard;
  /** Only these trials (ids), instead of a shard: a queue worker runs the one trial of its job. */
  readonly trialIds?: readonly string[];
  readonly checkpointEvery?: number;
  /** Seconds without a finished iteration before a trial is stopped (default: config, else 3600). */
  readonly iterationTimeout?: number;
  readonly cwd?: string;
  /**
   * `arena run`'s answer to results of the same trial made with another spec: absent (sweeps), they
   * are refused and the message names the trial directory to delete; present, the message names
   * `flag` instead, and when `forced` every selected trial is started over (its results deleted
   * before it runs, not here: preparing writes and deletes nothing).
   */
  readonly restart?: { readonly flag: string; readonly forced: boolean };
  /** Files in the output directory that the caller deletes before running, so they do not make it "not empty". */
  readonly replaced?: readonly string[];
}

export interface PreparedSweep {
  readonly loaded: LoadedSweepConfig;
  /** Every trial of the config. */
  readonly trials: readonly TrialSpec[];
  /** This shard's trials. */
  readonly selected: readonly TrialSpec[];
  readonly outDir: string;
  readonly workers: number;
  /** Sampling threads per trial; undefined: `defaultSamplerWorkers` of the concurrent trials. */
  readonly samplerWorkers: number | undefined;
  readonly checkpointEvery: number;
  readonly iterationTimeout: number;
  readonly shard?: Shard;
  /**
   * Trials recorded before fingerprints covered the plugin's identity, whose recorded package
   * version (the manifest's) is the current one: their files get the current fingerprint when run.
   */
  readonly legacy: ReadonlySet<string>;
  /** Trials whose results the runner deletes before running them (`arena run --force`). */
  readonly restart: ReadonlySet<string>;
}

/** Default of `iterationTimeout`: generous next to a paper-size iteration (≈ 1 min on 2 cores). */
export const DEFAULT_ITERATION_TIMEOUT_S = 3600;

/** The fingerprint a spec had before it carried its plugin's identity (results of 0.1.0 and earlier). */
function legacyFingerprint(spec: TrialSpec): string {
  const { id: _id, plugin: _plugin, ...rest } = spec;
  return shortHash(canonicalJson(rest), 16);
}

/** Reads and checks everything; writes nothing. Throws ConfigError or UsageError. */
export async function prepareSweep(configFile: string, options: SweepOptions): Promise<PreparedSweep> {
  const loaded = await readSweepConfig(configFile, {
    builtinPlugins: options.builtinPlugins,
    taskIds: options.taskIds,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  return prepareLoadedSweep(loaded, options);
}

/**
 * The checks of `prepareSweep` for a config already read — from a file, or built in memory by
 * `arena run` — so that both commands expand, check and resume trials the same way. Writes nothing.
 */
export function prepareLoadedSweep(loaded: LoadedSweepConfig, options: SweepOptions): PreparedSweep {
  const trials = expandTrials(loaded);
  const only = options.trialIds ? new Set(options.trialIds) : undefined;
  const selected = only ? trials.filter((t) => only.has(t.id)) : selectShard(trials, options.shard);
  const cwd = options.cwd ?? process.cwd();
  const outDir =
    options.out !== undefined
      ? path.resolve(cwd, options.out)
      : loaded.config.out !== undefined
        ? path.resolve(path.dirname(loaded.file), loaded.config.out)
        : path.resolve(cwd, 'runs', path.basename(loaded.file).replace(/\.jsonc?$/i, ''));
  const outFlag = options.out !== undefined ? '--out' : '"out"';
  checkOutputDir(outDir, outFlag);
  if (fs.existsSync(outDir)) {
    const entries = fs
      .readdirSync(outDir)
      .filter((e) => !e.startsWith('.') && !options.replaced?.includes(e));
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw new UsageError(
        `${outFlag} "${outDir}" is not empty and holds no sweep (${MANIFEST_FILE}); choose an empty or new directory`,
      );
    }
  }
  const store = new ResultsStore(outDir);
  const recordedVersions = store.readManifest()?.packages ?? {};
  const legacy = new Set<string>();
  const mine = new Set(selected.map((t) => t.id));
  const restart = new Set(options.restart?.forced ? mine : []);
  // Legacy results are looked for in every shard's trials: the first sweep with this version adopts
  // them all, before its manifest (whose package versions are the evidence) is rewritten.
  for (const spec of trials) {
    if (restart.has(spec.id)) continue; // its results are deleted before it runs
    const print = fingerprint(spec);
    const state = store.readState(spec.id);
    const checkpoint = store.readCheckpoint(spec.id);
    const stored = [state?.fingerprint, checkpoint?.fingerprint].filter((f) => f !== undefined);
    if (stored.every((f) => f === print)) continue;
    if (
      stored.every((f) => f === print || f === legacyFingerprint(spec)) &&
      (!state || !('plugin' in state.spec)) &&
      recordedVersions[spec.plugin.package] === spec.plugin.version
    ) {
      legacy.add(spec.id);
      continue;
    }
    if (!mine.has(spec.id)) continue; // another shard's problem
    const other = state && state.fingerprint !== print ? state.spec : undefined;
    const changed = other
      ? Object.keys({ ...other, ...spec }).filter(
          (k) =>
            JSON.stringify((other as unknown as Record<string, unknown>)[k]) !==
            JSON.stringify((spec as unknown as Record<string, unknown>)[k]),
        )
      : [];
    const was = other?.plugin;
    const upgrade =
      was && (was.package !== spec.plugin.package || was.version !== spec.plugin.version)
        ? `; it ran ${was.package}@${was.version}, this sweep has ${spec.plugin.package}@${spec.plugin.version}`
        : '';
    const what = `${changed.length ? ` (${changed.join(', ')} changed)` : ''}${upgrade}`;
    throw new UsageError(
      options.restart
        ? `${outFlag} "${outDir}" already holds a run of trial ${spec.id} with a different spec${what}; pass ${options.restart.flag} to start it over, or use another output directory`
        : `${outFlag} "${outDir}" holds trial ${spec.id} run with a different spec${what}; use another output directory or delete ${store.trialDir(spec.id)}`,
    );
  }
  const requested = options.workers ?? loaded.config.workers ?? os.availableParallelism();
  return {
    loaded,
    trials,
    selected,
    outDir,
    workers: Math.max(1, requested),
    samplerWorkers: options.samplerWorkers ?? loaded.config.samplerWorkers,
    checkpointEvery: options.checkpointEvery ?? loaded.config.checkpointEvery ?? 1,
    iterationTimeout:
      options.iterationTimeout ?? loaded.config.iterationTimeout ?? DEFAULT_ITERATION_TIMEOUT_S,
    ...(options.shard ? { shard: options.shard } : {}),
    legacy,
    restart,
  };
}
