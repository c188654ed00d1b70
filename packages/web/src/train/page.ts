/**
 * Training playground: any built-in algorithm on any task, trained in a Web Worker by the
 * runner's trial loop, with the learning curve drawn live and the current policy acting beside it.
 */
import { defaultEnvRegistry } from '@policy-arena/envs';
import { PRESETS, budgetFor, builtinPlugins } from '@policy-arena/runner/browser';
import type { IterationRecord } from '@policy-arena/runner/browser';
import type { PresetName } from '@policy-arena/core';
import { el, numberInput, select } from '../dom.js';
import { LiveCurve } from './curve.js';
import type { StartRequest, WorkerReply } from './protocol.js';
import { PolicyView } from './policy-view.js';

export function mountTrainPage(root: HTMLElement): void {
  const algorithms = builtinPlugins.map((p) => p.name);
  const tasks = defaultEnvRegistry.ids();
  const controls = el(
    'div',
    { class: 'controls' },
    select('train-algo', 'Algorithm', algorithms, 'trpo-single-path'),
    select('train-task', 'Task', tasks, 'cartpole-v1'),
    select('train-preset', 'Preset', PRESETS, 'quick'),
    numberInput('train-seed', 'Seed', 1),
    numberInput('train-iterations', 'Iterations', budgetFor('quick', 'cartpole-v1').iterations, 1),
    el('button', { id: 'train-start', type: 'button' }, 'Train'),
    el('button', { id: 'train-stop', type: 'button', disabled: '' }, 'Stop'),
  );
  const status = el(
    'p',
    { id: 'train-status', class: 'status', role: 'status' },
    'Choose an algorithm and a task, then Train.',
  );
  const curveBox = el('div', { id: 'train-curve', class: 'card' });
  const viewBox = el('div', { id: 'train-policy', class: 'card' });
  const records = el('pre', { id: 'train-records' });
  root.append(
    el('h2', {}, 'Training playground'),
    controls,
    status,
    el('div', { class: 'row' }, curveBox, viewBox),
    el(
      'details',
      {},
      el('summary', {}, 'Iteration records (JSON lines, as arena run writes metrics.jsonl)'),
      records,
    ),
  );

  const value = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value;
  const setBudget = () => {
    (document.getElementById('train-iterations') as HTMLInputElement).value = String(
      budgetFor(value('train-preset') as PresetName, value('train-task')).iterations,
    );
  };
  document.getElementById('train-task')!.addEventListener('change', setBudget);
  document.getElementById('train-preset')!.addEventListener('change', setBudget);

  const startButton = document.getElementById('train-start') as HTMLButtonElement;
  const stopButton = document.getElementById('train-stop') as HTMLButtonElement;
  let worker: Worker | undefined;
  let view: PolicyView | undefined;

  const finish = (text: string, state: 'done' | 'stopped' | 'error') => {
    worker?.terminate();
    worker = undefined;
    startButton.disabled = false;
    stopButton.disabled = true;
    status.textContent = text;
    status.className = state === 'error' ? 'status error' : 'status';
    status.setAttribute('role', state === 'error' ? 'alert' : 'status');
    root.dataset.state = state;
  };

  stopButton.addEventListener('click', () => finish(`${status.textContent ?? ''} — stopped.`, 'stopped'));
  startButton.addEventListener('click', () => {
    const seed = Number(value('train-seed'));
    const iterations = Number(value('train-iterations'));
    if (!Number.isInteger(seed) || seed < 0)
      return finish(`Seed: expected an integer ≥ 0, got "${value('train-seed')}"`, 'error');
    if (!Number.isInteger(iterations) || iterations < 1)
      return finish(`Iterations: expected an integer ≥ 1, got "${value('train-iterations')}"`, 'error');
    const request: StartRequest = {
      type: 'start',
      algorithm: value('train-algo'),
      task: value('train-task'),
      preset: value('train-preset') as PresetName,
      seed,
      iterations,
    };
    view?.dispose();
    view = undefined;
    curveBox.replaceChildren();
    viewBox.replaceChildren();
    records.textContent = '';
    startButton.disabled = true;
    stopButton.disabled = false;
    status.className = 'status';
    status.setAttribute('role', 'status');
    root.dataset.state = 'running';
    status.textContent = `Starting ${request.algorithm} on ${request.task} (seed ${seed}) …`;
    const started = performance.now();
    let curve: LiveCurve | undefined;
    let total = iterations;
    worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'policy-arena-trainer',
    });
    worker.onerror = (e) => finish(`The training worker failed: ${e.message}`, 'error');
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'started') {
        total = reply.iterations;
        curve = new LiveCurve('score (reward per time step)', total);
        curveBox.append(curve.svg);
        view = new PolicyView(viewBox, request.task, reply.policy);
        status.textContent = `Training ${request.algorithm} on ${request.task}: ${total} iterations × ${reply.stepsPerIteration.toLocaleString('en')} steps …`;
      } else if (reply.type === 'iteration') {
        const r: IterationRecord = reply.record;
        curve?.push(r.iteration, r.perStepReward ?? NaN);
        records.textContent += JSON.stringify(r) + '\n';
        view?.setParams(reply.params);
        const elapsed = (performance.now() - started) / 1000;
        const eta = (elapsed / (r.iteration + 1)) * (total - r.iteration - 1);
        status.textContent = `Iteration ${r.iteration + 1}/${total}: score ${(r.perStepReward ?? NaN).toFixed(3)} per step, return ${(r.meanReturn ?? NaN).toFixed(1)} — ${elapsed.toFixed(0)} s, about ${eta.toFixed(0)} s left`;
        root.dataset.iteration = String(r.iteration + 1);
      } else if (reply.type === 'done') {
        const last = reply.records.at(-1);
        finish(
          `Done: ${reply.records.length} iterations, final score ${(last?.perStepReward ?? NaN).toFixed(4)} per step (return ${(last?.meanReturn ?? NaN).toFixed(2)}), ${((performance.now() - started) / 1000).toFixed(1)} s.`,
          'done',
        );
      } else {
        finish(`Training failed: ${reply.message}`, 'error');
      }
    };
    worker.postMessage(request);
  });
}
