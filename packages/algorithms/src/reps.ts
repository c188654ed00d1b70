/**
 * Relative entropy policy search (Peters, Mülling & Altün 2010; the paper's §8.1 comparison).
 * Sample-based: reweight the sampled state-action pairs by pᵢ ∝ exp(Aᵢ/η) so that the reweighted
 * distribution stays within KL ε of the sampling one, then fit the policy to the reweighted samples.
 *
 *   roll out π_old for whole episodes until the batch has `stepsPerIteration` steps
 *   advantages Aᵢ (two choices, `advantage`, below)
 *   minimize the dual  g(η, v) = η ε + η log (1/N) Σᵢ exp(Aᵢ/η) [+ start-state term]   (Peters et al. 2010)
 *     its η-derivative is  ∂g/∂η = ε − KL(p ‖ uniform),   pᵢ = exp(Aᵢ/η) / Σⱼ exp(Aⱼ/η)
 *     so at the optimum the reweighting has KL(p ‖ uniform) = ε exactly: the REPS bound on the
 *     change of the state-action distribution
 *   weighted maximum-likelihood fit of the policy with weights pᵢ                   (weighted-fit.ts)
 *
 * `advantage`:
 * - 'bellman' (rllab `algos/reps.py`): Aᵢ = δᵢ(v) = rᵢ + vᵀ(φᵢ₊₁ − φᵢ), the Bellman error of a value
 *   function V(s) = vᵀφ(s, t) on the state-time features of @policy-arena/core, with φ = 0 after every
 *   episode's last step; the dual is minimized jointly over η and v (value-function parameters).
 *   ∂g/∂v = Σᵢ (pᵢ − 1/N)(φᵢ₊₁ − φᵢ). Differences from rllab [reconstructed]:
 *   · the start-state term (1/N) Σ_episodes vᵀφ(s₀) = −vᵀ mean(φᵢ₊₁ − φᵢ) is added to the dual (it is
 *     the flow constraint's right-hand side: episodes enter at s₀ and leave to φ = 0). rllab omits
 *     it, and then the dual is unbounded below — for V = c·(a − bτ) with 0 < b < a every δᵢ → −∞ as
 *     c → ∞, and g with them — and only its 50-iteration L-BFGS-B cap stops the descent;
 *   · L-BFGS over (log η, v ⊙ rms(φᵢ₊₁ − φᵢ)) — log η keeps η > 0 without bounds, the feature
 *     scaling conditions the problem — up to `dualIterations` iterations, warm-started from the last
 *     iteration's η and v (rllab: L-BFGS-B, η ≥ 0, maxiter 50, also warm-started); v starts at 0
 *     (rllab: U(0, 1)).
 *   Measured on cart-pole (EXPERIMENTS.md): with a linear V the per-step δ carries almost no credit
 *   for the action — cart-pole's reward is ≈ 10 on every step and V absorbs the rest — so it does
 *   not learn at this budget, in line with Duan et al.'s REPS cart-pole score (566 of ≈ 4 900).
 * - 'monte-carlo' (default) [reconstructed]: Aₜ = Q̂ₜ − b(sₜ, t), the discounted reward-to-go of
 *   TRPO's single path (§5.1), by default with b = 0 ('linear': the least-squares state-time
 *   baseline of @policy-arena/core; on cart-pole, seeds 1–5, the score at iteration 5 is 4.6 without it and
 *   2.5 with it). The dual is then a function of η alone and is minimized exactly: KL(p_η ‖ uniform)
 *   decreases monotonically in η, so η solves KL = ε by bisection on log η. This is the episodic,
 *   Monte-Carlo form of REPS (episode-based REPS in Deisenroth, Neumann & Peters 2013, "A Survey on
 *   Policy Search for Robotics") applied per time step —
 *   RWR's exponential reward transformation with its temperature set by the KL bound.
 *
 * Other reconstructed choices: ε = 0.5 and η₀ = 15 (rllab), no L2 regularization of dual or loss
 * (rllab); the policy fit is the exact weighted ML for the linear policy and `fitIterations` = 50
 * L-BFGS iterations for MLP means (rllab: 50 on the joint loss). η and v are the optimizer state.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  definePlugin,
  libm,
  linearBaselineResiduals,
  rewardToGo,
  stateTimeFeatureCount as featureCount,
  stateTimeFeatures,
} from '@policy-arena/core';
import type { IterationContext, IterationExtras, Json, TrajectoryBatch } from '@policy-arena/core';
import { minimizeLbfgs } from './lbfgs.js';
import { refitPolicy, weightedFitSchemaFields } from './weighted-fit.js';

export const repsSchema = Type.Object(
  {
    epsilon: Type.Number({
      default: 0.5,
      exclusiveMinimum: 0,
      description:
        'ε, the bound on KL(new ‖ old) of the state-action distribution per iteration. [reconstructed: rllab epsilon 0.5; Duan et al. tuned 0.01–0.8]',
    }),
    advantage: Type.Union([Type.Literal('monte-carlo'), Type.Literal('bellman')], {
      default: 'monte-carlo',
      description:
        "What exp(A/η) weights: 'monte-carlo' = discounted reward-to-go (minus `baseline`), dual over η only, solved exactly; 'bellman' = rllab's Bellman error r + vᵀ(φ′ − φ) of a linear value function, dual over η and v (with the start-state term rllab omits). [reconstructed: 'bellman' is rllab's; it does not learn cart-pole at the quick budget, see reps.ts]",
    }),
    discount: Type.Number({
      default: 0.99,
      minimum: 0,
      maximum: 1,
      description:
        "γ of the reward-to-go (advantage 'monte-carlo' only). [reconstructed: paper Table 2 γ 0.99, as TRPO]",
    }),
    baseline: Type.Union([Type.Literal('none'), Type.Literal('linear')], {
      default: 'none',
      description:
        "Subtracted from the reward-to-go (advantage 'monte-carlo' only): 'none', or 'linear' = least-squares fit on state-time features (rllab LinearFeatureBaseline). [reconstructed: 'none' learns cart-pole faster, see reps.ts]",
    }),
    initialEta: Type.Number({
      default: 15,
      exclusiveMinimum: 0,
      description:
        "η where the first dual minimization starts (advantage 'bellman'; later iterations start from the last η). [reconstructed: rllab 15]",
    }),
    dualIterations: Type.Integer({
      default: 200,
      minimum: 1,
      description:
        "L-BFGS iterations on the dual g(η, v) (advantage 'bellman'). [reconstructed: rllab max_opt_itr 50; 200 converges the bounded dual from a warm start here]",
    }),
    ...weightedFitSchemaFields(50, 'rllab max_opt_itr 50'),
  },
  { additionalProperties: false },
);
export type RepsConfig = Static<typeof repsSchema>;

export interface RepsDual {
  /** g(η, v). */
  readonly value: number;
  readonly dEta: number;
  readonly dV: Float64Array;
  /** pᵢ, the normalized weights exp(Aᵢ/η) / Σⱼ exp(Aⱼ/η). */
  readonly p: Float64Array;
  /** KL(p ‖ uniform) = Σ pᵢ log(N pᵢ). */
  readonly kl: number;
}

/** φᵢ₊₁ − φᵢ per step (numSteps × F), with φ = 0 after each episode's last step. */
export function featureDifferences(batch: TrajectoryBatch, horizon: number): Float64Array {
  const F = featureCount(batch.obsDim);
  const phi = stateTimeFeatures(batch, horizon);
  const out = new Float64Array(phi.length);
  for (const ep of batch.episodes) {
    for (let t = ep.start; t < ep.start + ep.length; t++) {
      const last = t === ep.start + ep.length - 1;
      for (let f = 0; f < F; f++) out[t * F + f] = (last ? 0 : phi[(t + 1) * F + f]!) - phi[t * F + f]!;
    }
  }
  return out;
}

/**
 * The REPS dual and its gradient at (η, v), in float64 with the maximum shifted out of exp:
 *   Aᵢ = rᵢ + vᵀΔφᵢ,   g = η ε + η log (1/N) Σᵢ exp(Aᵢ/η) − vᵀ mean(Δφ).
 * With no features (v and Δφ empty) it is the η-only dual of the Monte-Carlo form, Aᵢ = rᵢ.
 */
export function repsDual(
  eta: number,
  v: Float64Array,
  rewards: Float64Array,
  featDiff: Float64Array,
  epsilon: number,
): RepsDual {
  const N = rewards.length;
  const F = v.length;
  const z = new Float64Array(N);
  let max = -Infinity;
  let startTerm = 0; // −vᵀ mean(Δφ) = (1/N) Σ_episodes vᵀφ(s₀)
  for (let i = 0; i < N; i++) {
    let flow = 0;
    for (let f = 0; f < F; f++) flow += v[f]! * featDiff[i * F + f]!;
    startTerm -= flow / N;
    z[i] = (rewards[i]! + flow) / eta;
    if (z[i]! > max) max = z[i]!;
  }
  let sum = 0;
  const p = new Float64Array(N);
  for (let i = 0; i < N; i++) sum += p[i] = libm.exp(z[i]! - max);
  let pShifted = 0; // Σ pᵢ (zᵢ − max), shifted so that tiny η loses no precision
  const dV = new Float64Array(F);
  for (let i = 0; i < N; i++) {
    const pi = (p[i]! /= sum);
    if (pi > 0) pShifted += pi * (z[i]! - max);
    for (let f = 0; f < F; f++) dV[f]! += (pi - 1 / N) * featDiff[i * F + f]!;
  }
  const logMeanExp = max + libm.log(sum) - libm.log(N); // log (1/N) Σ exp(Aᵢ/η)
  const kl = pShifted - libm.log(sum) + libm.log(N); // Σ pᵢ zᵢ − log (1/N) Σ exp(zᵢ)
  return { value: eta * epsilon + eta * logMeanExp + startTerm, dEta: epsilon - kl, dV, p, kl };
}

/**
 * The η minimizing the η-only dual: the root of KL(p_η ‖ uniform) = ε, by bisection on log η over
 * [log s − 40, log s + 40], s = max |Aᵢ − mean A|. KL decreases monotonically in η (p_η's entropy
 * grows with the temperature). When even η → 0 keeps KL < ε the bound is inactive and the lower end
 * is returned; when all Aᵢ are equal every η gives uniform weights and s (1 if 0) is returned.
 */
export function solveEta(advantages: Float64Array, epsilon: number): number {
  const n = advantages.length;
  let mean = 0;
  for (const a of advantages) mean += a / n;
  let spread = 0;
  for (const a of advantages) spread = Math.max(spread, Math.abs(a - mean));
  if (!(spread > 0)) return 1;
  const none = new Float64Array(0);
  const kl = (logEta: number) => repsDual(libm.exp(logEta), none, advantages, none, epsilon).kl;
  let lo = libm.log(spread) - 40;
  let hi = libm.log(spread) + 40;
  if (kl(lo) <= epsilon) return libm.exp(lo);
  for (let k = 0; k < 100 && hi - lo > 1e-12; k++) {
    const mid = 0.5 * (lo + hi);
    if (kl(mid) > epsilon) lo = mid;
    else hi = mid;
  }
  return libm.exp(0.5 * (lo + hi));
}

interface RepsState {
  eta: number;
  v: Float64Array | null;
}

interface DualSolution {
  readonly eta: number;
  readonly v: Float64Array | null;
  readonly dual: RepsDual;
  readonly iterations: number;
}

/** Bellman form: L-BFGS on (log η, v ⊙ scale), warm-started from `state`. */
function solveBellmanDual(
  batch: TrajectoryBatch,
  horizon: number,
  config: RepsConfig,
  state: RepsState,
): DualSolution {
  const F = featureCount(batch.obsDim);
  const featDiff = featureDifferences(batch, horizon);
  const N = batch.numSteps;
  const scale = new Float64Array(F);
  for (let i = 0; i < N; i++)
    for (let f = 0; f < F; f++) {
      const v = featDiff[i * F + f]!;
      scale[f]! += (v * v) / N;
    }
  for (let f = 0; f < F; f++) scale[f] = Math.sqrt(scale[f]!) || 1;
  const scaled = Float64Array.from(featDiff, (x, k) => x / scale[k % F]!);
  const x0 = new Float64Array(F + 1);
  x0[0] = libm.log(state.eta);
  if (state.v) for (let f = 0; f < F; f++) x0[f + 1] = state.v[f]! * scale[f]!;
  const result = minimizeLbfgs(
    (x) => {
      const eta = libm.exp(x[0]!);
      const d = repsDual(eta, x.subarray(1), batch.rewards, scaled, config.epsilon);
      const gradient = new Float64Array(F + 1);
      gradient[0] = eta * d.dEta; // ∂g/∂log η
      gradient.set(d.dV, 1);
      return { value: d.value, gradient };
    },
    x0,
    { maxIterations: config.dualIterations },
  );
  const eta = Math.min(1e8, Math.max(1e-8, libm.exp(result.x[0]!)));
  const u = result.x.subarray(1);
  const v = Float64Array.from(u, (x, f) => x / scale[f]!);
  return {
    eta,
    v,
    dual: repsDual(eta, u, batch.rewards, scaled, config.epsilon),
    iterations: result.iterations,
  };
}

/** Monte-Carlo form: A = Q̂ − b, η by bisection. */
function solveMonteCarloDual(batch: TrajectoryBatch, horizon: number, config: RepsConfig): DualSolution {
  const q = rewardToGo(batch, config.discount);
  const advantages = config.baseline === 'linear' ? linearBaselineResiduals(batch, q, horizon) : q;
  const eta = solveEta(advantages, config.epsilon);
  const none = new Float64Array(0);
  return { eta, v: null, dual: repsDual(eta, none, advantages, none, config.epsilon), iterations: 0 };
}

export const reps = definePlugin({
  name: 'reps',
  description:
    'Relative entropy policy search: KL-bounded reweighting exp(A/η) by the dual over η, then a weighted ML policy fit (Peters et al. 2010)',
  configSchema: repsSchema,
  create(config, { policy }) {
    const state: RepsState = { eta: config.initialEta, v: null };
    return {
      async iterate(ctx: IterationContext): Promise<IterationExtras> {
        const batch = await ctx.sampleTrajectories(ctx.stepsPerIteration);
        const horizon = ctx.envSpec.maxEpisodeSteps;
        const solution =
          config.advantage === 'bellman'
            ? solveBellmanDual(batch, horizon, config, state)
            : solveMonteCarloDual(batch, horizon, config);
        state.eta = solution.eta;
        state.v = solution.v;
        const { dual } = solution;

        const { meanKl, meanStd } = refitPolicy(policy, batch.observations, batch.actions, dual.p, {
          fitIterations: config.fitIterations,
          minStd: config.minStd,
        });
        let sumSquares = 0;
        for (const p of dual.p) sumSquares += p * p;
        return {
          eta: state.eta,
          dual: dual.value,
          dualIterations: solution.iterations,
          sampleKl: dual.kl,
          effectiveSampleFraction: 1 / sumSquares / dual.p.length,
          meanKl,
          meanStd,
        };
      },
      state: () => ({ eta: state.eta, v: state.v ? Array.from(state.v) : null }),
      load(saved: Json) {
        const s = saved as { eta?: unknown; v?: unknown } | null;
        if (!s || typeof s.eta !== 'number' || !(s.eta > 0)) {
          throw new TypeError('reps: optimizer state.eta must be a number > 0');
        }
        const F = featureCount(policy.obsDim);
        const v = s.v ?? null;
        if (v !== null && !(Array.isArray(v) && v.length === F && v.every((x) => typeof x === 'number'))) {
          throw new TypeError(`reps: optimizer state.v must be null or ${F} numbers`);
        }
        state.eta = s.eta;
        state.v = v === null ? null : Float64Array.from(v as number[]);
      },
    };
  },
});
