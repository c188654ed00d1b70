/**
 * TRPO, vine (§5.2, Appendix C, Table 2).
 *
 *   for each iteration:
 *     trunk: roll out π_old for whole episodes (≥ trunkSteps steps), keeping the env state at
 *            every step
 *     rollout set: N states chosen uniformly without replacement from the trunk steps    [R]
 *     for each state sₙ: K actions aₙₖ ~ q = π_old(·|sₙ) (continuous tasks)
 *       for each aₙₖ: restore sₙ exactly, take aₙₖ, then follow π_old for branchLength − 1
 *         more steps with common random numbers — every branch from sₙ replays the same noise
 *         sequence — and Q̂ₙₖ = Σₜ γᵗ rₜ along the branch (cut at its length or at a
 *         termination, nothing bootstrapped)                                         [R]
 *     maximize the self-normalized estimator
 *         L(θ) = (1/N) Σₙ [Σₖ wₙₖ Q̂ₙₖ] / [Σₖ wₙₖ],  wₙₖ = π_θ(aₙₖ|sₙ)/π_old(aₙₖ|sₙ)    (Eq. 17)
 *       subject to the mean KL over the rollout set ≤ δ, by the trust-region step of App. C.
 * The self-normalization acts as a per-state baseline, so no other baseline is used.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { definePlugin } from '@policy-arena/core';
import type { BranchJob, IterationContext, RatioSurrogate } from '@policy-arena/core';
import { lineSearchRule, trustRegionSchemaFields } from './trust-region-config.js';
import { meanKlConstraint, trustRegionStep } from './trust-region.js';

// Every trust-region setting but the baseline: Eq. (17)'s self-normalization is vine's baseline.
const { baseline: _singlePathOnly, ...trustRegionFields } = trustRegionSchemaFields;

export const trpoVineSchema = Type.Object(
  {
    ...trustRegionFields,
    trunkSteps: Type.Integer({
      default: 2000,
      minimum: 1,
      description:
        'Env steps of trunk rollouts per iteration (whole episodes until at least this many). [paper: 16 rollouts × 1000 steps = 16,000 on the locomotion tasks (`paper` preset); cart-pole value reconstructed]',
    }),
    rolloutSetSize: Type.Integer({
      default: 100,
      minimum: 1,
      description:
        'N, states in the rollout set per iteration. [paper: "Q-values per batch" 500 / 2500 / 2500 for swimmer / hopper / walker, read as states (docs/tasks.md, "Budgets"); cart-pole value reconstructed]',
    }),
    actionsPerState: Type.Integer({
      default: 4,
      minimum: 2,
      description: 'K, actions sampled from π_old per rollout-set state. [paper: 4, Table 2]',
    }),
    branchLength: Type.Integer({
      default: 25,
      minimum: 1,
      description:
        'Steps per branch rollout (including the branch action). [paper: 50 / 100 / 100 for swimmer / hopper / walker; cart-pole value reconstructed]',
    }),
  },
  { additionalProperties: false },
);
export type TrpoVineConfig = Static<typeof trpoVineSchema>;

const PAPER_SWIMMER: Partial<TrpoVineConfig> = { trunkSteps: 16_000, rolloutSetSize: 500, branchLength: 50 };
const PAPER_LEGGED: Partial<TrpoVineConfig> = { trunkSteps: 16_000, rolloutSetSize: 2500, branchLength: 100 };

/** Table 2's vine settings, for every version of each task (versions differ only in the reward). */
const PAPER_VINE: Readonly<Record<string, Partial<TrpoVineConfig>>> = {
  'swimmer-v2': PAPER_SWIMMER,
  'swimmer-v1': PAPER_SWIMMER,
  'hopper-v2': PAPER_LEGGED,
  'hopper-v1': PAPER_LEGGED,
  'walker-v2': PAPER_LEGGED,
  'walker-v1': PAPER_LEGGED,
};

/**
 * Eq. (17) over S states with K consecutive samples each:
 *     L(ρ) = (1/S) Σₛ Lₛ,   Lₛ = Σₖ ρₛₖ Q̂ₛₖ / Σₖ ρₛₖ,
 * so ∂L/∂ log πₛₖ = ρₛₖ (Q̂ₛₖ − Lₛ) / (S Σₖ ρₛₖ): each state's own weighted mean is its baseline.
 */
export function selfNormalizedSurrogate(q: Float64Array, actionsPerState: number): RatioSurrogate {
  const n = q.length;
  const k = actionsPerState;
  if (!Number.isInteger(k) || k < 1 || n % k !== 0) {
    throw new RangeError(
      `selfNormalizedSurrogate: ${n} samples do not split into groups of ${k} actions per state`,
    );
  }
  const S = n / k;
  return {
    samples: n,
    value(ratio, dLogProb) {
      let total = 0;
      for (let s = 0; s < S; s++) {
        let num = 0;
        let den = 0;
        for (let j = s * k; j < (s + 1) * k; j++) {
          num += ratio[j]! * q[j]!;
          den += ratio[j]!;
        }
        const value = num / den;
        total += value;
        if (dLogProb) {
          for (let j = s * k; j < (s + 1) * k; j++) dLogProb[j] = (ratio[j]! * (q[j]! - value)) / (den * S);
        }
      }
      return total / S;
    },
  };
}

export const trpoVine = definePlugin({
  name: 'trpo-vine',
  description:
    'TRPO with vine Q estimates: branch rollouts from restored states with common random numbers (§5.2, Eq. 17)',
  configSchema: trpoVineSchema,
  presets: {
    paper: (envId) => PAPER_VINE[envId] ?? {},
    // Minutes on 2 cores: two 1000-step trunks and 50 × 4 branches of 50 steps on the MuJoCo tasks.
    quick: (envId) =>
      envId === 'cartpole-v1' ? {} : { trunkSteps: 2000, rolloutSetSize: 50, branchLength: 50 },
    smoke: () => ({ trunkSteps: 200, rolloutSetSize: 20, branchLength: 10 }),
  },
  create(config, { policy }) {
    return {
      async iterate(ctx: IterationContext) {
        const trunk = await ctx.sampleTrajectories(config.trunkSteps, { snapshots: true });
        const rng = ctx.rng.split('vine');
        const snapshots = trunk.snapshots!;
        const states = Math.min(config.rolloutSetSize, trunk.numSteps);
        const chosen = Array.from(
          rng.split('rollout-set').permutation(trunk.numSteps).subarray(0, states),
        ).sort((a, b) => a - b);
        const K = config.actionsPerState;
        const { obsDim, actDim } = policy;
        const observations = new Float64Array(states * K * obsDim);
        const actions = new Float64Array(states * K * actDim);
        const jobs: BranchJob[] = [];
        chosen.forEach((t, n) => {
          const obs = trunk.observations.subarray(t * obsDim, (t + 1) * obsDim);
          const actionRng = rng.splitIndex('actions', n);
          // Common random numbers: every branch from sₙ replays the same noise stream.
          const noise = rng.splitIndex('branch-noise', n).state();
          for (let k = 0; k < K; k++) {
            const row = n * K + k;
            const a = policy.act(obs, actionRng); // aₙₖ ~ q = π_old(·|sₙ)
            observations.set(obs, row * obsDim);
            actions.set(a, row * actDim);
            jobs.push({ snapshot: snapshots[t]!, firstAction: a, noise });
          }
        });
        // Q̂ₙₖ: discounted return of each branch, run on the trial's sampling threads.
        const traces = await ctx.rolloutBranches(jobs, {
          length: config.branchLength,
          gamma: config.discount,
        });
        const q = Float64Array.from(traces, (b) => b.q);
        let branchSteps = 0;
        for (const b of traces) branchSteps += b.steps;
        const stats = trustRegionStep(
          { policy, observations, actions, surrogate: selfNormalizedSurrogate(q, K) }, // Eq. 17
          config,
          lineSearchRule(config, meanKlConstraint), // mean KL over the rollout set ≤ δ
          rng.split('trust-region'),
        );
        return { ...stats, rolloutStates: states, branchSteps };
      },
      state: () => ({}),
      load: () => {},
    };
  },
});
