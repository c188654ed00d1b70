/**
 * The training playground's Web Worker: one trial, run by the runner's own trial loop
 * (`runTrial`) with the config and budget `arena run` uses for the same algorithm, task and
 * preset, sampling in this thread. Same seed ⇒ the same records as the CLI.
 */
import '../tfjs-assets.js';
import {
  architectureFor,
  builtinPlugins,
  defaultPolicy,
  presetTrialSettings,
  runTrial,
} from '@policy-arena/runner/browser';
import type { IterationRecord } from '@policy-arena/runner/browser';
import type { StartRequest, WorkerReply } from './protocol.js';

const post = (reply: WorkerReply, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(reply, transfer);

async function train(request: StartRequest): Promise<void> {
  const plugin = builtinPlugins.find((p) => p.name === request.algorithm);
  if (!plugin) throw new Error(`unknown algorithm "${request.algorithm}"`);
  const settings = presetTrialSettings(plugin, request.preset, request.task);
  const iterations = request.iterations ?? settings.iterations;
  const records: IterationRecord[] = [];
  await runTrial({
    plugin,
    config: settings.config,
    envId: request.task,
    seed: request.seed,
    iterations,
    stepsPerIteration: settings.stepsPerIteration,
    backend: 'wasm',
    samplerWorkers: 0,
    // The default policy of `arena run`; its config lets the page build the same network to show.
    makePolicy: (spec, envId, rng) => {
      const policy = defaultPolicy(spec, architectureFor(envId), rng);
      post({
        type: 'started',
        config: settings.config,
        iterations,
        stepsPerIteration: settings.stepsPerIteration,
        policy: policy.config,
      });
      return policy;
    },
    onIteration: (record) => {
      records.push(record);
    },
    // A checkpoint after every iteration carries the parameters the iteration ended with.
    onCheckpoint: (checkpoint) => {
      const params = Float64Array.from(checkpoint.params);
      post({ type: 'iteration', record: records.at(-1)!, params }, [params.buffer]);
    },
  });
  post({ type: 'done', records });
}

self.onmessage = (event: MessageEvent<StartRequest>) => {
  if (event.data.type !== 'start') return;
  train(event.data).catch((e: unknown) =>
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
  );
};
