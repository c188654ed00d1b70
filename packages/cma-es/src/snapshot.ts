/**
 * The JSON snapshot of a CmaEs (`CmaEsState`, format 'policy-arena/cma-es' version 1): the resolved
 * options and the whole search state, floats encoded exactly (encoding.ts), so that a run restored
 * from it continues bit for bit, random stream and pending `ask()` included. The checks on the way
 * back in are here too: a snapshot comes from a file, and a malformed one must fail with the field
 * it got wrong rather than as a NaN somewhere in the run.
 */
import type { ResolvedOptions } from './arguments.js';
import { fail } from './checks.js';
import type { SearchState } from './distribution.js';
import { decodeF64, decodeFloat, describe, encodeF64, encodeFloat } from './encoding.js';
import { Xoshiro128 } from './rng.js';
import type { CmaEsOptions, CmaEsState } from './types.js';

const WHERE = 'CmaEs.fromState';

/** The snapshot of a run with these options in this state. */
export function encodeState(o: ResolvedOptions, s: SearchState): CmaEsState {
  const full = o.covariance === 'full';
  const b = s.best;
  return {
    format: 'policy-arena/cma-es',
    version: 1,
    dimension: o.params.n,
    popsize: o.params.lambda,
    covariance: o.covariance,
    lazyGap: typeof o.lazyGap === 'number' ? encodeFloat(o.lazyGap) : o.lazyGap,
    seed: o.seed,
    minSigma: encodeFloat(o.minSigma),
    maxSigma: encodeFloat(o.maxSigma),
    maxEvals: encodeFloat(o.maxEvals),
    maxGenerations: encodeFloat(o.maxGenerations),
    fTarget: encodeFloat(o.fTarget),
    tolFun: encodeFloat(o.tolFun),
    tolX: encodeFloat(o.tolX),
    maxConditionNumber: encodeFloat(o.maxConditionNumber),
    rng: s.rng.getState(),
    mean: encodeF64(s.xmean),
    sigma: s.sigma,
    pc: encodeF64(s.pc),
    ps: encodeF64(s.ps),
    C: encodeF64(s.C),
    B: full ? encodeF64(s.B) : null,
    eigenvalues: full ? encodeF64(s.eigenvalues) : null,
    eigenUpdatedAt: s.eigenUpdatedAt,
    eigenUpdates: s.eigenUpdateCount,
    conditionNumber: encodeFloat(s.condition),
    evaluations: s.evals,
    generation: s.gen,
    asked: s.asked,
    best: b === null ? null : { x: encodeF64(b.x), f: encodeFloat(b.f), evals: b.evals },
    fitness: encodeF64(s.fitness),
  };
}

const field = (name: string): string => `${WHERE}: state.${name}`;
const num = (state: CmaEsState, name: keyof CmaEsState): number => decodeFloat(state[name], field(name));

/**
 * The options a snapshot was made with (the CmaEs constructor checks them again), after checking
 * its format, version and dimension. `x0` is a placeholder of the right length: the mean comes
 * from `restoreSearchState`.
 *
 * @throws TypeError if `state` is not a snapshot of this format and version.
 */
export function optionsOfState(state: CmaEsState): CmaEsOptions {
  if (state === null || typeof state !== 'object') fail(TypeError, WHERE, 'state must be an object', state);
  if (state.format !== 'policy-arena/cma-es' || state.version !== 1) {
    throw new TypeError(
      `${WHERE}: state must have format 'policy-arena/cma-es' and version 1, got ${describe(state.format)} / ${describe(state.version)}`,
    );
  }
  const n = state.dimension;
  if (!Number.isInteger(n) || n < 1) fail(TypeError, WHERE, 'state.dimension must be an integer ≥ 1', n);
  return {
    x0: new Float64Array(n),
    sigma0: state.sigma,
    seed: state.seed,
    popsize: state.popsize,
    covariance: state.covariance,
    lazyGap:
      state.lazyGap === 'purecma' || state.lazyGap === 'purecmaes'
        ? state.lazyGap
        : decodeFloat(state.lazyGap, field('lazyGap')),
    minSigma: num(state, 'minSigma'),
    maxSigma: num(state, 'maxSigma'),
    maxEvals: num(state, 'maxEvals'),
    maxGenerations: num(state, 'maxGenerations'),
    fTarget: num(state, 'fTarget'),
    tolFun: num(state, 'tolFun'),
    tolX: num(state, 'tolX'),
    maxConditionNumber: num(state, 'maxConditionNumber'),
  };
}

/**
 * Overwrites `s`, the initial state of a CmaEs built from `optionsOfState(state)` with resolved
 * options `o` (its σ is already the snapshot's), with the search state the snapshot holds.
 *
 * @throws TypeError naming the field when a vector has the wrong length or a counter is not an
 *   integer ≥ 0.
 */
export function restoreSearchState(s: SearchState, state: CmaEsState, o: ResolvedOptions): void {
  const n = o.params.n;
  s.rng = Xoshiro128.fromState(state.rng);
  s.xmean = decodeF64(state.mean, n, field('mean'));
  s.pc = decodeF64(state.pc, n, field('pc'));
  s.ps = decodeF64(state.ps, n, field('ps'));
  if (o.covariance === 'full') {
    s.C = decodeF64(state.C, (n * (n + 1)) / 2, field('C'));
    s.B = decodeF64(state.B, n * n, field('B'));
    s.eigenvalues = decodeF64(state.eigenvalues, n, field('eigenvalues'));
    for (let j = 0; j < n; j++) s.D[j] = Math.sqrt(s.eigenvalues[j] as number);
  } else {
    s.C = decodeF64(state.C, n, field('C'));
    for (let i = 0; i < n; i++) s.D[i] = Math.sqrt(s.C[i] as number);
  }
  const int = (name: 'eigenUpdatedAt' | 'eigenUpdates' | 'evaluations' | 'generation'): number => {
    const v = state[name];
    if (!Number.isSafeInteger(v) || v < 0) fail(TypeError, WHERE, `state.${name} must be an integer ≥ 0`, v);
    return v;
  };
  s.eigenUpdatedAt = int('eigenUpdatedAt');
  s.eigenUpdateCount = int('eigenUpdates');
  s.condition = num(state, 'conditionNumber');
  s.evals = int('evaluations');
  s.gen = int('generation');
  s.asked = state.asked === true;
  if (state.best === null) {
    s.best = null;
  } else {
    s.best = {
      x: decodeF64(state.best.x, n, field('best.x')),
      f: decodeFloat(state.best.f, field('best.f')),
      evals: state.best.evals,
    };
  }
  const fitLength = s.gen > 0 ? o.params.lambda : 0;
  s.fitness = decodeF64(state.fitness, fitLength, field('fitness'));
}
