/**
 * The piscina worker of `arena sweep`: one root container per worker thread (built-in plugins and
 * the sweep's third-party plugins, imported from the URLs the main thread resolved), a child
 * container per trial. Progress goes back to the main thread over the task's MessagePort.
 */
import { workerData } from 'piscina';
import type { MessagePort } from 'node:worker_threads';
import { builtinPlugins } from '@policy-arena/algorithms';
import type { BackendName } from '@policy-arena/core';
import type { Container } from 'inversify';
import { TrialFailedError, createRootContainer, createTrialContainer, describeFailure } from './container.js';
import type { TrialOutcome, TrialRunner } from './container.js';
import { importPlugin } from './plugins.js';
import type { PluginSource } from './plugins.js';
import { TYPES } from './services.js';
import type { Reporter } from './services.js';
import { ResultsStore } from './store.js';
import type { TrialSpec } from './trials.js';

export interface SweepWorkerData {
  readonly outDir: string;
  readonly pluginSources: readonly PluginSource[];
  readonly backend: BackendName;
  readonly checkpointEvery: number;
  /** Sampling threads per trial. */
  readonly samplerWorkers: number;
}

export interface SweepTask {
  readonly spec: TrialSpec;
  readonly port: MessagePort;
}

/** Messages on a task's port. */
export type WorkerMessage =
  | { readonly type: 'started'; readonly fromIteration: number }
  | {
      readonly type: 'iteration';
      readonly iteration: number;
      readonly perStepReward?: number;
      readonly meanReturn?: number;
      readonly meanKl?: number;
      readonly envSteps: number;
      readonly seconds: number;
    };

let root: Promise<Container> | undefined;

function rootContainer(): Promise<Container> {
  root ??= (async () => {
    const data = workerData as SweepWorkerData;
    const thirdParty = await Promise.all(data.pluginSources.map((s) => importPlugin(s)));
    return createRootContainer({
      plugins: [...builtinPlugins, ...thirdParty],
      backend: data.backend,
      store: new ResultsStore(data.outDir),
      checkpointEvery: data.checkpointEvery,
      samplerWorkers: data.samplerWorkers,
    });
  })();
  return root;
}

function portReporter(port: MessagePort): Reporter {
  const post = (m: WorkerMessage) => port.postMessage(m);
  return {
    trialStarted: (_t, fromIteration) => post({ type: 'started', fromIteration }),
    iteration: (_t, r) =>
      post({
        type: 'iteration',
        iteration: r.iteration,
        ...(r.perStepReward !== undefined ? { perStepReward: r.perStepReward } : {}),
        ...(r.meanReturn !== undefined ? { meanReturn: r.meanReturn } : {}),
        ...(typeof r.meanKl === 'number' ? { meanKl: r.meanKl } : {}),
        envSteps: r.envSteps,
        seconds: r.seconds,
      }),
    trialFinished: () => {},
  };
}

export default async function runSweepTask(task: SweepTask): Promise<TrialOutcome> {
  try {
    const container = createTrialContainer(await rootContainer(), task.spec, portReporter(task.port));
    return await container.get<TrialRunner>(TYPES.TrialRunner).run();
  } catch (e) {
    // Structured clone keeps only standard error classes: send the failure as data instead.
    const failure = e instanceof TrialFailedError ? e.failure : describeFailure(e);
    return { id: task.spec.id, fromIteration: 0, iterationsDone: 0, wallSeconds: 0, failure };
  } finally {
    task.port.close();
  }
}
