/**
 * The 3-D policy player: a policy acting in its task, in the page, in real time. Episode k is
 * simulated by core's `evaluationEpisode` with the player's seed (so with the seed and mode of a
 * saved policy's stored evaluation it is that evaluation's episode k), recorded, and played back at
 * the env's time step × the chosen speed on requestAnimationFrame; then episode k + 1 follows.
 * Beside the picture, the reward terms of each step and the running return.
 *
 * The caller may change the policy's parameters at any time (the training playground does, each
 * iteration): each episode is simulated with the parameters current as the one before it ends
 * (or at a restart).
 */
import type { Env, GaussianMlp } from '@policy-arena/core';
import { CARTPOLE_CONSTANTS, CartPoleEnv, MujocoEnv, makeEnv, motionPlane } from '@policy-arena/envs';
import { recordEpisode } from './episode.js';
import type { RecordedEpisode } from './episode.js';
import { RewardChart } from './reward-chart.js';
import { Stage } from './stage.js';
import type { StageOptions } from './stage.js';

export const PLAYER_SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export interface PolicyPlayerOptions {
  readonly envId: string;
  readonly policy: GaussianMlp;
  /** Act with the mean action μ(s) (default) rather than sampling a ~ π(·|s). */
  readonly deterministic?: boolean;
  /** Seed of the episodes, as `arena eval --seed` (default 0). */
  readonly seed?: number;
  /** Simulated seconds per real second (default 1). */
  readonly speed?: number;
  /** Start playing at once (default true). */
  readonly autoplay?: boolean;
}

export interface PolicyPlayer {
  readonly envId: string;
  /** Pictures drawn so far (also the canvas's `data-frames`). */
  readonly framesRendered: number;
  /** Episode being played (0-based: k of `evaluationEpisode`). */
  readonly episode: number;
  /** Env steps of the current episode shown so far. */
  readonly episodeSteps: number;
  /** Return of the current episode up to the step shown. */
  readonly episodeReturn: number;
  /** Env steps shown since the player was created, across episodes. */
  readonly stepsPlayed: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly deterministic: boolean;
  play(): void;
  pause(): void;
  /** Simulated seconds per real second (> 0). */
  setSpeed(speed: number): void;
  /** Switches between mean and sampled actions, replaying the current episode from its start. */
  setDeterministic(deterministic: boolean): void;
  /** Starts over from episode 0, with the policy's current parameters. */
  restart(): void;
  dispose(): void;
}

/** Longest real time one animation frame may advance: a background tab's gap is not replayed. */
const MAX_FRAME_SECONDS = 0.25;
/** Real seconds the last state of an episode stays on screen before the next episode. */
const END_HOLD_SECONDS = 0.6;
const CANVAS_WIDTH = 640;
const CANVAS_HEIGHT = 360;

/** Creates the env of `options.envId` and a player for `options.policy` in `container`. */
export async function createPolicyPlayer(
  container: HTMLElement,
  options: PolicyPlayerOptions,
): Promise<PolicyPlayer> {
  const env = await makeEnv(options.envId);
  try {
    const obs = env.spec.observationSpace.shape[0];
    const act = env.spec.actionSpace.kind === 'box' ? env.spec.actionSpace.shape[0] : undefined;
    if (options.policy.obsDim !== obs || options.policy.actDim !== act) {
      throw new RangeError(
        `the policy maps ${options.policy.obsDim} observations to ${options.policy.actDim} actions, ${env.spec.id} has ${obs} and ${act ?? 'discrete'}`,
      );
    }
    return new Player(container, env, options);
  } catch (e) {
    env.close();
    throw e;
  }
}

/** Camera framing and extras for an env. */
function stageOptions(env: Env): StageOptions {
  if (env instanceof MujocoEnv) {
    return motionPlane(env) === 'xy' ? { framing: 'xy', lookHeight: 0 } : { framing: 'xz', lookHeight: 0.7 };
  }
  if (env instanceof CartPoleEnv) {
    // The cart may roam ±2.4 m: a wider view than a hopper's, centred on the track.
    return {
      framing: 'xz',
      lookHeight: 0.4,
      zoom: 1.5,
      track: { halfLength: CARTPOLE_CONSTANTS.xLimit, height: -0.135 },
    };
  }
  return { framing: 'xz', lookHeight: 0.5 };
}

class Player implements PolicyPlayer {
  readonly envId: string;
  private readonly env: Env;
  private readonly policy: GaussianMlp;
  private readonly seed: number;
  private readonly dt: number;
  private readonly root: HTMLElement;
  private readonly stage: Stage | undefined;
  private readonly chart: RewardChart;
  private readonly status: HTMLElement;
  private current: RecordedEpisode;
  /** The next episode, simulated while the current one's last state is on screen. */
  private upcoming: RecordedEpisode | undefined;
  private stepIndex = 0;
  /** Simulated seconds of the current episode shown so far. */
  private simulated = 0;
  private heldAtEnd = 0;
  private played = 0;
  private isDeterministic: boolean;
  private currentSpeed: number;
  private frameRequest: number | undefined;
  private lastFrameTime: number | undefined;
  private snapCamera = true;
  private disposed = false;

  constructor(container: HTMLElement, env: Env, options: PolicyPlayerOptions) {
    this.env = env;
    this.envId = env.spec.id;
    this.policy = options.policy;
    this.seed = options.seed ?? 0;
    this.dt = env.spec.dt ?? 0.02;
    this.isDeterministic = options.deterministic ?? true;
    this.currentSpeed = checkedSpeed(options.speed ?? 1);
    this.current = this.record(0);

    this.root = document.createElement('div');
    this.root.className = 'player';
    const view = document.createElement('div');
    view.className = 'player-view';
    const canvas = document.createElement('canvas');
    canvas.className = 'player-canvas';
    canvas.width = CANVAS_WIDTH;
    canvas.height = CANVAS_HEIGHT;
    canvas.dataset.frames = '0';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${this.envId}: the policy acting`);
    view.append(canvas);
    try {
      this.stage = new Stage(canvas, this.current.steps[0]!, stageOptions(env));
    } catch (e) {
      // No WebGL (a browser without it, or one out of contexts): the episode still plays in the chart.
      const message = document.createElement('p');
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = `The 3-D view is unavailable: ${e instanceof Error ? e.message : String(e)}`;
      canvas.replaceWith(message);
    }
    this.status = document.createElement('p');
    this.status.className = 'player-status status';
    this.status.setAttribute('aria-live', 'polite');
    this.chart = new RewardChart(env.spec.rewardTerms);
    this.chart.setEpisode(this.current);
    const side = document.createElement('div');
    side.className = 'player-side';
    side.append(this.status, this.chart.element);
    this.root.append(view, side);
    container.append(this.root);

    this.draw(0);
    if (options.autoplay ?? true) this.play();
    else this.publish();
  }

  get framesRendered(): number {
    return this.stage?.framesRendered ?? 0;
  }
  get episode(): number {
    return this.current.index;
  }
  get episodeSteps(): number {
    return this.stepIndex;
  }
  get episodeReturn(): number {
    return this.current.steps[this.stepIndex]!.total;
  }
  get stepsPlayed(): number {
    return this.played;
  }
  get playing(): boolean {
    return this.frameRequest !== undefined;
  }
  get speed(): number {
    return this.currentSpeed;
  }
  get deterministic(): boolean {
    return this.isDeterministic;
  }

  play(): void {
    if (this.disposed || this.playing) return;
    this.lastFrameTime = undefined;
    this.frameRequest = requestAnimationFrame(this.onFrame);
    this.publish();
  }

  pause(): void {
    if (this.frameRequest !== undefined) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = undefined;
    this.publish();
  }

  setSpeed(speed: number): void {
    this.currentSpeed = checkedSpeed(speed);
    this.publish();
  }

  setDeterministic(deterministic: boolean): void {
    if (this.disposed || deterministic === this.isDeterministic) return;
    this.isDeterministic = deterministic;
    this.begin(this.record(this.current.index));
  }

  restart(): void {
    if (!this.disposed) this.begin(this.record(0));
  }

  dispose(): void {
    if (this.disposed) return;
    this.pause();
    this.disposed = true;
    this.stage?.dispose();
    this.env.close();
    this.root.remove();
  }

  private record(index: number): RecordedEpisode {
    return recordEpisode(
      this.env,
      this.policy,
      { seed: this.seed, deterministic: this.isDeterministic },
      index,
    );
  }

  private begin(episode: RecordedEpisode): void {
    this.current = episode;
    this.upcoming = undefined;
    this.chart.setEpisode(this.current);
    this.stepIndex = 0;
    this.simulated = 0;
    this.heldAtEnd = 0;
    this.snapCamera = true;
    // While paused, show the new episode's first state now rather than on the next play.
    if (!this.playing) this.draw(0);
  }

  private readonly onFrame = (now: number): void => {
    this.frameRequest = requestAnimationFrame(this.onFrame);
    const seconds =
      this.lastFrameTime === undefined ? 0 : Math.min((now - this.lastFrameTime) / 1000, MAX_FRAME_SECONDS);
    this.lastFrameTime = now;
    // A page that is not shown (another tab of the app) neither advances nor draws.
    if (this.root.offsetParent === null) return;
    this.advance(seconds);
    this.draw(seconds);
  };

  private advance(seconds: number): void {
    const last = this.current.steps.length - 1;
    if (this.stepIndex < last) {
      this.simulated += seconds * this.currentSpeed;
      const next = Math.min(last, Math.floor(this.simulated / this.dt));
      this.played += next - this.stepIndex;
      this.stepIndex = next;
    } else {
      // Simulating a long episode takes a fraction of a second: done now, while the picture is
      // still anyway, rather than as a stall between two episodes.
      this.upcoming ??= this.record(this.current.index + 1);
      this.heldAtEnd += seconds;
      if (this.heldAtEnd >= END_HOLD_SECONDS) this.begin(this.upcoming);
    }
  }

  private draw(seconds: number): void {
    const step = this.current.steps[this.stepIndex]!;
    this.stage?.render(step, seconds, this.snapCamera);
    this.snapCamera = false;
    this.chart.show(this.stepIndex);
    this.publish();
  }

  /** The status line and the data attributes that tests and scripts read. */
  private publish(): void {
    const episode = this.current;
    const length = episode.steps.length - 1;
    const ended =
      this.stepIndex < length
        ? ''
        : episode.diverged
          ? ' — the simulation diverged'
          : length < this.env.spec.maxEpisodeSteps
            ? ' — terminated'
            : ' — reached the horizon';
    this.status.textContent =
      `Episode ${episode.index + 1} (${episode.deterministic ? 'mean actions' : 'sampled actions'}): ` +
      `step ${this.stepIndex} of ${length}, return ${this.episodeReturn.toFixed(2)}${ended}`;
    const data = this.root.dataset;
    data.envId = this.envId;
    data.episode = String(episode.index);
    data.episodeSteps = String(this.stepIndex);
    data.episodeLength = String(length);
    data.episodeReturn = String(this.episodeReturn);
    data.episodeTotal = String(episode.total);
    data.stepsPlayed = String(this.played);
    data.deterministic = String(this.isDeterministic);
    data.speed = String(this.currentSpeed);
    data.state = this.playing ? 'playing' : 'paused';
  }
}

function checkedSpeed(speed: number): number {
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  return speed;
}
