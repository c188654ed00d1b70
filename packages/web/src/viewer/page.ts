/**
 * Policy viewer: opens a saved policy (policy-final.json / policy-best.json, which `arena run`
 * writes in <out>/trials/<trial>/) from a file picker or from `#viewer?policy=<url>`, shows what
 * the file says about it, and plays it in the 3-D player. Episodes use the seed of the file's
 * stored evaluation, so in the evaluation's mode the player's episodes are the evaluation's.
 */
import '../tfjs-assets.js';
import { initBackend, readPolicyFile } from '@policy-arena/core';
import type { PolicyFile } from '@policy-arena/core';
import { el, errorText } from '../dom.js';
import { PLAYER_SPEEDS, createPolicyPlayer } from './player.js';
import type { PolicyPlayer } from './player.js';

/** The `policy` parameter of a `#viewer?policy=<url>` address, if any. */
function policyUrlFromHash(): string | undefined {
  const query = location.hash.split('?')[1];
  return query ? (new URLSearchParams(query).get('policy') ?? undefined) : undefined;
}

function describe(file: PolicyFile, source: string): HTMLElement {
  const rows: [string, string][] = [
    ['File', source],
    ['Task', file.env.id],
    ['Algorithm', `${file.algorithm.name} (${file.algorithm.package} ${file.algorithm.version})`],
    [
      'Parameters',
      `${file.kind === 'best' ? 'best training score' : 'after the last iteration'}: iteration ${file.training.iteration}, ${file.training.envSteps.toLocaleString('en')} env steps (trial ${file.training.trial}, ${file.training.preset} preset)`,
    ],
  ];
  const e = file.evaluation;
  rows.push([
    'Stored evaluation',
    e
      ? `${e.perStepReward.toFixed(4)} per step: return ${e.meanReturn.toFixed(2)} ± ${e.stdReturn.toFixed(2)}, ${e.meanEpisodeLength.toFixed(1)} steps on average over ${e.episodes} ${e.deterministic ? 'deterministic' : 'stochastic'} episodes (seed ${e.seed})`
      : 'none in this file',
  ]);
  const list = el('dl', { id: 'viewer-info', class: 'info' });
  for (const [term, value] of rows) list.append(el('dt', {}, term), el('dd', {}, value));
  return list;
}

export function mountViewerPage(root: HTMLElement): void {
  const fileInput = el('input', { id: 'viewer-file', type: 'file', accept: '.json,application/json' });
  const playButton = el('button', { id: 'viewer-play', type: 'button', disabled: '' }, 'Pause');
  const speed = el('select', { id: 'viewer-speed', disabled: '' });
  for (const s of PLAYER_SPEEDS) speed.append(el('option', { value: String(s) }, `${s}×`));
  speed.value = '1';
  const deterministic = el('input', {
    id: 'viewer-deterministic',
    type: 'checkbox',
    checked: '',
    disabled: '',
  });
  const restartButton = el('button', { id: 'viewer-restart', type: 'button', disabled: '' }, 'Restart');
  const status = el(
    'p',
    { id: 'viewer-status', class: 'status', role: 'status' },
    'Open a saved policy: policy-final.json or policy-best.json from the trial folders arena run writes (<out>/trials/<trial>/).',
  );
  const error = el('p', { id: 'viewer-error', class: 'error', role: 'alert', hidden: '' });
  const details = el('div', { id: 'viewer-details' });
  const stage = el('div', { id: 'viewer-stage', class: 'card', hidden: '' });
  root.append(
    el('h2', {}, 'Policy viewer'),
    el(
      'div',
      { class: 'controls' },
      el('label', { for: 'viewer-file' }, 'Policy file', fileInput),
      playButton,
      el('label', { for: 'viewer-speed' }, 'Speed', speed),
      el('label', { for: 'viewer-deterministic' }, deterministic, 'Deterministic (mean actions)'),
      restartButton,
    ),
    status,
    error,
    details,
    stage,
  );
  const controls = [playButton, speed, deterministic, restartButton];

  let player: PolicyPlayer | undefined;
  /** Each load's number: a slower, earlier load must not replace a later one. */
  let loads = 0;
  let backend: Promise<unknown> | undefined;

  const showPlaying = () => {
    playButton.textContent = player?.playing ? 'Pause' : 'Play';
  };

  const open = async (source: string, read: () => Promise<string>): Promise<void> => {
    const load = ++loads;
    error.hidden = true;
    status.textContent = `Opening ${source} …`;
    try {
      const text = await read();
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new Error(`${source}: not a JSON file (${errorText(e)})`);
      }
      // The policy classes compute with tfjs: its backend is initialized once per page.
      backend ??= initBackend('wasm');
      await backend;
      const { policy, file } = readPolicyFile(doc, source);
      if (load !== loads) return;
      player?.dispose();
      player = undefined;
      details.replaceChildren(describe(file, source));
      stage.hidden = false;
      let opened: PolicyPlayer;
      try {
        opened = await createPolicyPlayer(stage, {
          envId: file.env.id,
          policy,
          deterministic: deterministic.checked,
          seed: file.evaluation?.seed ?? 0,
          speed: Number(speed.value),
        });
      } catch (e) {
        throw new Error(`${source}: ${errorText(e)}`);
      }
      if (load !== loads) return opened.dispose();
      player = opened;
      for (const c of controls) c.disabled = false;
      showPlaying();
      status.textContent = `Playing ${file.env.id} with ${source}.`;
    } catch (e) {
      if (load !== loads) return;
      player?.dispose();
      player = undefined;
      for (const c of controls) c.disabled = true;
      details.replaceChildren();
      stage.hidden = true;
      status.textContent = 'No policy open.';
      error.textContent = errorText(e);
      error.hidden = false;
    }
  };

  fileInput.addEventListener('change', () => {
    const chosen = fileInput.files?.[0];
    if (chosen) void open(chosen.name, () => chosen.text());
  });
  playButton.addEventListener('click', () => {
    if (player?.playing) player.pause();
    else player?.play();
    showPlaying();
  });
  speed.addEventListener('change', () => player?.setSpeed(Number(speed.value)));
  deterministic.addEventListener('change', () => player?.setDeterministic(deterministic.checked));
  restartButton.addEventListener('click', () => player?.restart());

  let openedUrl: string | undefined;
  const openFromHash = () => {
    const url = policyUrlFromHash();
    if (url === undefined || url === openedUrl) return;
    openedUrl = url;
    void open(url, async () => {
      let response: Response;
      try {
        response = await fetch(new URL(url, location.href));
      } catch (e) {
        throw new Error(`${url}: could not be fetched (${errorText(e)})`);
      }
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
      return response.text();
    });
  };
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
}
