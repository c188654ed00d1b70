/**
 * `arena render`: an animation of a saved policy acting — one episode, each step's planar view of
 * the env (envs' `sideView`) drawn as SVG with a camera that follows the robot, then written as
 * a GIF (each frame rasterized by resvg, the encoder is gifenc) or as one HTML page that plays the
 * SVG frames with play/pause and a frame slider.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import gifenc from 'gifenc';
import { evaluationEpisode } from '@policy-arena/core';
import { sideView } from '@policy-arena/envs';
import type { SideViewScene } from '@policy-arena/envs';
import { UsageError } from './config.js';
import { writeFileAtomic } from './store-files.js';
import { openSavedPolicy } from './saved-policies.js';
import type { SavedPolicyKind } from './saved-policies.js';

const { GIFEncoder, quantize, applyPalette } = gifenc;

export interface RenderOptions {
  readonly target: string;
  readonly out: string;
  readonly kind: SavedPolicyKind;
  readonly trial?: string;
  readonly seed: number;
  readonly deterministic: boolean;
  /** Draw every k-th step (default: as many as keep the animation near 25 frames per second). */
  readonly stride?: number;
  /** Stop after this many env steps (default: the task's horizon). */
  readonly maxSteps?: number;
  /** Picture width in pixels (height follows the view). */
  readonly width?: number;
}

export interface RenderOutcome {
  readonly file: string;
  readonly frames: number;
  readonly steps: number;
  readonly episodeReturn: number;
  readonly framesPerSecond: number;
}

/** Metres of the world shown across the picture, and its aspect. */
const VIEW_WIDTH = 4;
const VIEW_HEIGHT = 2.5;

const colour = (rgba: readonly number[]) =>
  `rgb(${rgba
    .slice(0, 3)
    .map((c) => Math.round(255 * c))
    .join(',')})`;

/** One frame as SVG: world coordinates (z up) mapped to the picture, camera centred on `focus`. */
export function sceneSvg(scene: SideViewScene, width: number, caption: string): string {
  const scale = width / VIEW_WIDTH;
  const height = Math.round(VIEW_HEIGHT * scale);
  const [fx, fz] = scene.focus;
  // Side views keep the ground low in the picture; top views centre the robot.
  const top = fz === 0 ? VIEW_HEIGHT - 0.5 : fz + VIEW_HEIGHT / 2;
  const X = (x: number) => ((x - fx + VIEW_WIDTH / 2) * scale).toFixed(1);
  const Z = (z: number) => ((top - z) * scale).toFixed(1);
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#f4f6f8"/>`];
  // Ticks every metre on the ground (or a grid from above), so that motion past the camera shows.
  for (let m = Math.floor(fx - VIEW_WIDTH / 2); m <= fx + VIEW_WIDTH / 2; m++) {
    parts.push(`<line x1="${X(m)}" x2="${X(m)}" y1="0" y2="${height}" stroke="#dde3ea" stroke-width="1"/>`);
  }
  for (const s of scene.shapes) {
    if (s.kind === 'ground') {
      parts.push(
        `<rect x="0" y="${Z(s.height)}" width="${width}" height="${height}" fill="#c9d3c0"/>`,
        `<line x1="0" x2="${width}" y1="${Z(s.height)}" y2="${Z(s.height)}" stroke="#6b7a5e" stroke-width="2"/>`,
      );
    } else if (s.kind === 'capsule') {
      parts.push(
        `<line x1="${X(s.a[0])}" y1="${Z(s.a[1])}" x2="${X(s.b[0])}" y2="${Z(s.b[1])}" stroke="${colour(s.rgba)}" stroke-width="${(2 * s.radius * scale).toFixed(1)}" stroke-linecap="round"/>`,
      );
    } else if (s.kind === 'disc') {
      parts.push(
        `<circle cx="${X(s.centre[0])}" cy="${Z(s.centre[1])}" r="${(s.radius * scale).toFixed(1)}" fill="${colour(s.rgba)}"/>`,
      );
    } else {
      parts.push(
        `<rect x="${X(s.centre[0] - s.halfWidth)}" y="${Z(s.centre[1] + s.halfHeight)}" width="${(2 * s.halfWidth * scale).toFixed(1)}" height="${(2 * s.halfHeight * scale).toFixed(1)}" fill="${colour(s.rgba)}"/>`,
      );
    }
  }
  parts.push(
    `<text x="8" y="18" font-family="DejaVu Sans" font-size="${Math.max(9, Math.round(width / 36))}" fill="#222">${escapeXml(caption)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

const fontFile = () => createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

export async function renderSaved(options: RenderOptions): Promise<RenderOutcome> {
  const format = path.extname(options.out).toLowerCase();
  if (format !== '.gif' && format !== '.html') {
    throw new UsageError(`--out ${options.out}: expected a .gif or .html file name`);
  }
  const { policy, file, env } = await openSavedPolicy(options.target, {
    kind: options.kind,
    ...(options.trial !== undefined ? { trial: options.trial } : {}),
  });
  const width = options.width ?? 480;
  const frames: string[] = [];
  let steps = 0;
  let episodeReturn = 0;
  let stride = 1;
  let framesPerSecond = 25;
  try {
    const dt = env.spec.dt ?? 0.02;
    stride = options.stride ?? Math.max(1, Math.round(1 / (25 * dt)));
    framesPerSecond = 1 / (stride * dt);
    const maxSteps = options.maxSteps ?? env.spec.maxEpisodeSteps;
    const draw = (t: number, total: number) => {
      const scene = sideView(env);
      if (!scene) throw new UsageError(`${file.env.id}: arena render cannot draw this task`);
      const caption = `${file.algorithm.name} · ${file.env.id} · step ${t} · return ${total.toFixed(0)}`;
      frames.push(sceneSvg(scene, width, caption));
    };
    // The first episode of `arena eval` with this seed, drawn from its reset state on (t = 0).
    ({ steps, total: episodeReturn } = evaluationEpisode(
      env,
      policy,
      { seed: options.seed, deterministic: options.deterministic },
      0,
      ({ steps: t, total, done }) => {
        if (t % stride === 0 || done) draw(t, total);
        return t < maxSteps;
      },
    ));
  } finally {
    env.close();
  }
  const bytes =
    format === '.gif'
      ? gifOf(frames, framesPerSecond)
      : Buffer.from(htmlOf(frames, framesPerSecond, file.env.id));
  writeFileAtomic(options.out, bytes);
  return { file: options.out, frames: frames.length, steps, episodeReturn, framesPerSecond };
}

/** Rasterizes the SVG frames and encodes them with one palette taken from the first frames. */
export function gifOf(frames: readonly string[], framesPerSecond: number): Buffer {
  const fonts = { fontFiles: [fontFile()], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' };
  const pixels = frames.map((svg) => {
    const image = new Resvg(svg, { font: fonts }).render();
    return { rgba: new Uint8Array(image.pixels), width: image.width, height: image.height };
  });
  const { width, height } = pixels[0]!;
  const sample = pixels.filter((_, i) => i % Math.max(1, Math.floor(pixels.length / 8)) === 0);
  const joined = new Uint8Array(sample.reduce((n, p) => n + p.rgba.length, 0));
  let at = 0;
  for (const p of sample) {
    joined.set(p.rgba, at);
    at += p.rgba.length;
  }
  const palette = quantize(joined, 64);
  const gif = GIFEncoder();
  const delay = Math.round(1000 / framesPerSecond);
  for (const p of pixels) gif.writeFrame(applyPalette(p.rgba, palette), width, height, { palette, delay });
  gif.finish();
  return Buffer.from(gif.bytes());
}

/** A self-contained page that plays the SVG frames. */
export function htmlOf(frames: readonly string[], framesPerSecond: number, title: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:sans-serif;margin:16px}#view svg{max-width:100%;height:auto}</style></head>
<body><div id="view"></div>
<p><button id="play">pause</button> <input id="frame" type="range" min="0" max="${frames.length - 1}" value="0" style="width:60%"> <span id="at"></span></p>
<script>
const frames = ${JSON.stringify(frames)};
const view = document.getElementById('view'), slider = document.getElementById('frame'), at = document.getElementById('at'), button = document.getElementById('play');
let i = 0, playing = true;
function show(k) { i = k; view.innerHTML = frames[k]; slider.value = k; at.textContent = (k + 1) + ' / ' + frames.length; }
slider.oninput = () => show(Number(slider.value));
button.onclick = () => { playing = !playing; button.textContent = playing ? 'pause' : 'play'; };
setInterval(() => { if (playing) show((i + 1) % frames.length); }, ${Math.round(1000 / framesPerSecond)});
show(0);
</script></body></html>
`;
}
