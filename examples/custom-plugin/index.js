/**
 * A policy-arena algorithm plugin from outside the repository: basic random search (Mania, Guy &
 * Recht 2018, "Simple random search provides a competitive approach to reinforcement learning",
 * ARS V1) over the flat policy parameter vector θ.
 *
 *   each iteration:
 *     draw N directions δ₁…δ_N ~ N(0, I)
 *     evaluate r±ₖ = return of θ ± ν δₖ (ctx.evaluateParams: whole episodes, counted as env steps)
 *     θ ← θ + α / (N σ_R) Σₖ (r+ₖ − r−ₖ) δₖ,   σ_R = std of the 2N returns
 *
 * Plain ESM JavaScript with a hand-written index.d.ts: no build step, no dependency at run time.
 * The config schema is plain JSON Schema (TypeBox's Type.Object gives the same shape); every
 * setting has a default, as the AlgorithmPlugin contract requires.
 *
 * All randomness comes from ctx.rng (derived by the runner from the seed and the iteration), so
 * the optimizer keeps no state between iterations and resumes exactly.
 */

/** @type {import('@policy-arena/core').AlgorithmPlugin} */
const randomSearch = {
  name: 'random-search',
  description:
    'Basic random search (ARS V1, Mania et al. 2018) over the policy parameters — an example third-party plugin',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      directions: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description:
          'N, the directions per iteration; 0 = as many as the batch allows (stepsPerIteration ÷ (2 × horizon), at least 1).',
      },
      stepSize: {
        type: 'number',
        exclusiveMinimum: 0,
        default: 0.3,
        description:
          'α, the step size. Chosen on cart-pole (quick preset); ARS’s MuJoCo runs use 0.02 with observation normalization.',
      },
      noise: {
        type: 'number',
        exclusiveMinimum: 0,
        default: 0.3,
        description: 'ν, the exploration noise scale (cart-pole; ARS’s MuJoCo runs use 0.03).',
      },
      episodes: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description: 'Episodes per evaluation of θ ± νδ.',
      },
    },
  },
  create(config, { policy }) {
    return {
      async iterate(ctx) {
        const theta = policy.getParams();
        const n = theta.length;
        const horizon = ctx.envSpec.maxEpisodeSteps;
        const directions =
          config.directions > 0
            ? config.directions
            : Math.max(1, Math.floor(ctx.stepsPerIteration / (2 * horizon * config.episodes)));
        const deltas = [];
        const candidates = [];
        for (let k = 0; k < directions; k++) {
          const delta = new Float64Array(n);
          for (let i = 0; i < n; i++) delta[i] = ctx.rng.normal();
          deltas.push(delta);
          candidates.push(theta.map((t, i) => t + config.noise * delta[i]));
          candidates.push(theta.map((t, i) => t - config.noise * delta[i]));
        }
        const returns = await ctx.evaluateParams(candidates, { episodes: config.episodes });
        let mean = 0;
        for (const r of returns) mean += r;
        mean /= returns.length;
        let variance = 0;
        for (const r of returns) variance += (r - mean) ** 2;
        const sigma = Math.sqrt(variance / returns.length) || 1;
        const next = Float64Array.from(theta);
        for (let k = 0; k < directions; k++) {
          const weight = (config.stepSize / (directions * sigma)) * (returns[2 * k] - returns[2 * k + 1]);
          for (let i = 0; i < n; i++) next[i] += weight * deltas[k][i];
        }
        policy.setParams(next);
        let best = -Infinity;
        for (const r of returns) best = Math.max(best, r);
        return { directions, returnStd: sigma, bestCandidateReturn: best };
      },
      state: () => ({}),
      load: () => {},
    };
  },
};

export default randomSearch;
