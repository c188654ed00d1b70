/**
 * The env checker: the properties every registered env must have (run over the registry in tests).
 * Returns the list of problems found; an empty list means the env passed.
 */
import { Rng, boxContains } from '@policy-arena/core/env';
import type { Env } from '@policy-arena/core';

export interface CheckOptions {
  /** Episodes of random actions to run. */
  readonly episodes?: number;
  readonly seed?: number;
}

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function randomAction(env: Env, rng: Rng): Float64Array {
  const space = env.spec.actionSpace;
  if (space.kind === 'discrete') return Float64Array.of(rng.int(space.n));
  const a = new Float64Array(space.shape[0]);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniformIn(space.low[i]!, space.high[i]!);
  return a;
}

function expectThrows(fn: () => unknown, what: string, problems: string[]): void {
  try {
    fn();
    problems.push(`${what} did not throw`);
  } catch (e) {
    if (!(e instanceof RangeError)) problems.push(`${what} threw ${String(e)}, expected a RangeError`);
  }
}

export function checkEnv(env: Env, options: CheckOptions = {}): string[] {
  const problems: string[] = [];
  const { spec } = env;
  const rng = Rng.fromSeed(options.seed ?? 12345, 'env-checker');
  const obsDim = spec.observationSpace.shape[0];

  if (!/-v\d+$/.test(spec.id)) problems.push(`id "${spec.id}" has no version suffix`);
  if (!Number.isInteger(spec.maxEpisodeSteps) || spec.maxEpisodeSteps < 1) {
    problems.push(`maxEpisodeSteps is ${spec.maxEpisodeSteps}, expected a positive integer`);
  }
  if (spec.actionSpace.kind === 'box') {
    const { low, high } = spec.actionSpace;
    for (let i = 0; i < low.length; i++) {
      if (!Number.isFinite(low[i]!) || !Number.isFinite(high[i]!))
        problems.push(`action bound ${i} is not finite`);
    }
  }

  // Seeding: same seed, same start; different seeds, different starts.
  const o1 = env.reset(7);
  const o2 = env.reset(7);
  const o3 = env.reset(8);
  if (o1.length !== obsDim) problems.push(`reset() returned ${o1.length} values, expected ${obsDim}`);
  if (!sameArray(o1, o2)) problems.push('reset(seed) is not reproducible');
  if (sameArray(o1, o3)) problems.push('reset() with different seeds gave the same observation');
  if (!boxContains(spec.observationSpace, o1))
    problems.push('reset() observation is outside the observation space');

  // Random episodes: shapes, finiteness, terminated/truncated semantics, horizon.
  const episodes = options.episodes ?? 3;
  for (let ep = 0; ep < episodes; ep++) {
    env.reset(100 + ep);
    for (let t = 1; ; t++) {
      const r = env.step(randomAction(env, rng));
      if (r.observation.length !== obsDim) problems.push(`step() returned ${r.observation.length} values`);
      if (!r.observation.every(Number.isFinite)) problems.push(`step() returned a non-finite observation`);
      if (!Number.isFinite(r.reward)) problems.push(`step() returned reward ${r.reward}`);
      if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') {
        problems.push('terminated/truncated are not booleans');
        break;
      }
      if (r.terminated && r.truncated) problems.push('terminated and truncated are both true');
      if (spec.rewardTerms) {
        const problem = rewardTermsProblem(spec.rewardTerms, r.reward, r.info?.rewardTerms);
        if (problem) {
          problems.push(`step ${t}: ${problem}`);
          break;
        }
      }
      if (r.truncated && t !== spec.maxEpisodeSteps)
        problems.push(`truncated at step ${t}, horizon is ${spec.maxEpisodeSteps}`);
      if (!r.terminated && !r.truncated && t >= spec.maxEpisodeSteps) {
        problems.push(`episode ran past the horizon ${spec.maxEpisodeSteps}`);
        break;
      }
      if (r.terminated || r.truncated) {
        try {
          env.step(randomAction(env, rng));
          problems.push('step() after the episode ended did not throw');
        } catch {
          // expected
        }
        break;
      }
    }
  }

  // Bad actions are refused with a RangeError, never a silent NaN state.
  env.reset(1);
  const good = randomAction(env, rng);
  expectThrows(() => env.step(new Float64Array(good.length + 1)), 'a too-long action', problems);
  expectThrows(() => env.step(new Float64Array(good.length).fill(NaN)), 'a NaN action', problems);

  // Out-of-range actions are clipped: identical to stepping with the clipped action.
  if (spec.actionSpace.kind === 'box' && env.snapshot && env.restore) {
    env.reset(3);
    const s = env.snapshot();
    const big = Float64Array.from(spec.actionSpace.high, (h) => h * 5);
    const a = env.step(big);
    env.restore(s);
    const b = env.step(Float64Array.from(spec.actionSpace.high));
    if (!sameArray(a.observation, b.observation) || a.reward !== b.reward) {
      problems.push('an out-of-range action is not clipped to the action space');
    }
  }

  // Snapshot/restore continues bitwise identically.
  if (env.snapshot && env.restore) {
    env.reset(5);
    for (let t = 0; t < 3; t++) env.step(randomAction(env, rng));
    const snap = env.snapshot();
    const actions = Array.from({ length: 5 }, () => randomAction(env, rng));
    const run = () => {
      const out: number[] = [];
      for (const a of actions) {
        const r = env.step(a);
        out.push(...r.observation, r.reward, r.terminated ? 1 : 0);
        if (r.terminated || r.truncated) break;
      }
      return Float64Array.from(out);
    };
    const first = run();
    env.restore(snap);
    const second = run();
    if (!sameArray(first, second)) problems.push('restore(snapshot()) does not continue bitwise identically');
  } else {
    problems.push('snapshot()/restore() missing (vine needs them)');
  }
  return problems;
}

/**
 * Why a step's `info.rewardTerms` does not fit the spec's names and the reward, or undefined. The
 * sum is allowed a rounding error of a few ulps of the largest term, for envs that compute the
 * reward in another order than the terms are listed.
 */
export function rewardTermsProblem(
  names: readonly string[],
  reward: number,
  terms: Readonly<Record<string, number>> | undefined,
): string | undefined {
  if (!terms) return 'the spec lists reward terms but info.rewardTerms is missing';
  const keys = Object.keys(terms);
  if (keys.length !== names.length || !names.every((n) => Object.hasOwn(terms, n)))
    return `info.rewardTerms has keys [${keys.join(', ')}], the spec lists [${names.join(', ')}]`;
  let sum = 0;
  let scale = Math.abs(reward);
  for (const n of names) {
    const v = terms[n]!;
    if (!Number.isFinite(v)) return `reward term ${n} is ${v}`;
    sum += v;
    scale = Math.max(scale, Math.abs(v));
  }
  if (!(Math.abs(sum - reward) <= 8 * Number.EPSILON * scale))
    return `the reward terms add up to ${sum}, the reward is ${reward}`;
  return undefined;
}
