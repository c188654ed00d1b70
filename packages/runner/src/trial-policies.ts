/**
 * The policies a trial saves beside its metrics (saved-policies.ts has the file names):
 *   policy-best.json   rewritten whenever an iteration beats the best training score so far, with
 *                      the parameters that produced that iteration's samples;
 *   policy-final.json  written when the trial finishes, with the final parameters and their
 *                      deterministic evaluation (FINAL_EVALUATION: what `arena eval` repeats).
 * A resumed trial keeps its best file and score; a trial started over removes both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Rng, evaluatePolicy, policyFileFrom } from '@policy-arena/core';
import type { EvaluationResult, GaussianPolicy, PolicyFile, PolicyFileMeta } from '@policy-arena/core';
import type { ResultsStore } from './store.js';
import { writeFileAtomic } from './store-files.js';
import { POLICY_FILE_NAMES, loadPolicy } from './saved-policies.js';
import type { SavedPolicyKind } from './saved-policies.js';
import { packageVersions } from './sweep-manifest.js';
import type { TrialServices } from './services.js';
import type { IterationRecord } from './trial.js';
import type { TrialSpec } from './trials.js';

/** The evaluation stored with a final policy: `arena eval`'s defaults. */
export const FINAL_EVALUATION = { episodes: 10, seed: 0, deterministic: true } as const;

export class TrialPolicies {
  private best = -Infinity;
  private shape: GaussianPolicy | undefined;

  constructor(
    private readonly store: ResultsStore,
    private readonly spec: TrialSpec,
    private readonly services: Pick<TrialServices, 'envRegistry' | 'makePolicy'>,
  ) {}

  file(kind: SavedPolicyKind): string {
    return path.join(this.store.trialDir(this.spec.id), POLICY_FILE_NAMES[kind]);
  }

  /** Call before the trial runs: a fresh start removes old policies, a resume keeps the best score. */
  async start(resuming: boolean): Promise<void> {
    if (!resuming) {
      for (const kind of ['best', 'final'] as const) fs.rmSync(this.file(kind), { force: true });
    } else {
      this.best = this.read('best')?.training.perStepReward ?? -Infinity;
    }
    const env = await this.services.envRegistry.make(this.spec.task);
    try {
      this.shape = this.services.makePolicy(env.spec, this.spec.task, Rng.fromSeed(0));
    } finally {
      env.close();
    }
  }

  /** After each iteration: a new best score saves the parameters that earned it. */
  onIteration(record: IterationRecord, sampledParams: Float64Array): void {
    const score = record.perStepReward;
    if (score === undefined || !(score > this.best)) return;
    this.best = score;
    this.write('best', sampledParams, record, undefined);
  }

  /** When the trial is done: the final parameters and their deterministic evaluation. */
  async finish(finalParams: Float64Array, last: IterationRecord | undefined): Promise<EvaluationResult> {
    const env = await this.services.envRegistry.make(this.spec.task);
    let evaluation: EvaluationResult;
    try {
      evaluation = evaluatePolicy(env, this.policy(finalParams), FINAL_EVALUATION);
    } finally {
      env.close();
    }
    this.write('final', finalParams, last, evaluation);
    return evaluation;
  }

  private policy(params: Float64Array): GaussianPolicy {
    if (!this.shape) throw new Error('TrialPolicies: start() was not called');
    return this.shape.withParams(Float64Array.from(params));
  }

  private read(kind: SavedPolicyKind): PolicyFile | undefined {
    const file = this.file(kind);
    if (!fs.existsSync(file)) return undefined;
    try {
      return loadPolicy(file).file;
    } catch {
      return undefined; // unreadable: it is rewritten at the next best score
    }
  }

  private write(
    kind: SavedPolicyKind,
    params: Float64Array,
    record: IterationRecord | undefined,
    evaluation: EvaluationResult | undefined,
  ): void {
    const { spec } = this;
    const meta: PolicyFileMeta = {
      kind,
      env: { id: spec.task },
      algorithm: {
        name: spec.algorithm,
        package: spec.plugin.package,
        version: spec.plugin.version,
        settings: spec.config as Record<string, unknown>,
      },
      training: {
        trial: spec.id,
        seed: spec.seed,
        preset: spec.preset,
        // best: the iteration whose samples these parameters produced; final: iterations done.
        iteration: kind === 'best' ? (record?.iteration ?? 0) : record ? record.iteration + 1 : 0,
        envSteps: record?.envSteps ?? 0,
        ...(kind === 'best' && record?.perStepReward !== undefined
          ? { perStepReward: record.perStepReward }
          : {}),
      },
      ...(evaluation
        ? {
            evaluation: {
              episodes: evaluation.episodes,
              seed: evaluation.seed,
              deterministic: evaluation.deterministic,
              perStepReward: evaluation.perStepReward,
              meanReturn: evaluation.meanReturn,
              stdReturn: evaluation.stdReturn,
              meanEpisodeLength: evaluation.meanEpisodeLength,
            },
          }
        : {}),
      packages: packageVersions(),
      createdAt: new Date().toISOString(),
    };
    writeFileAtomic(this.file(kind), JSON.stringify(policyFileFrom(this.policy(params), meta)) + '\n');
  }
}
