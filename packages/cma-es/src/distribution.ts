/**
 * The search distribution N(m, σ²C) of CMA-ES and the arithmetic on it: sampling a population,
 * the update from a ranked population (recombination, evolution paths, rank-one and rank-μ
 * covariance updates, step size), and the eigendecomposition that sampling needs. Kept apart from
 * the CmaEs class, which adds the checks, the stop criteria and the snapshot, so that the numerics
 * can be read against purecma's update in one place.
 *
 * The operations and their order are those of the original single-class implementation; changing
 * either changes results bitwise, which the agreement and resume tests would catch.
 */
import { symmetricEigenInPlace } from './eigen.js';
import type { CovarianceModel, StrategyParameters } from './parameters.js';
import { Xoshiro128 } from './rng.js';
import type { BestSolution } from './types.js';
import * as libm from '@policy-arena/libm';

/** Everything of a CmaEs that changes during a run (and is saved by `state()`). */
export interface SearchState {
  rng: Xoshiro128;
  xmean: Float64Array;
  sigma: number;
  pc: Float64Array;
  ps: Float64Array;
  /** Full: packed lower triangle (row i holds C[i][0..i] at i(i+1)/2). Diagonal: the variances. */
  C: Float64Array;
  /** Full: eigenvectors as rows, from the last decomposition. Diagonal: unused (empty). */
  B: Float64Array;
  /** Full: eigenvalues from the last decomposition. Diagonal: unused (empty; C holds them). */
  eigenvalues: Float64Array;
  /** Square roots of the eigenvalues (full) or of the variances (diagonal). */
  D: Float64Array;
  eigenUpdatedAt: number;
  eigenUpdateCount: number;
  condition: number;
  evals: number;
  gen: number;
  asked: boolean;
  best: BestSolution | null;
  /** Sorted fitness values of the last generation. */
  fitness: Float64Array;
  /** Scratch for the μ parent steps x_k − m (not part of the state). */
  steps: Float64Array;
}

/** The distribution a run starts from: mean x0, step size σ₀, C = I. */
export function initialState(
  x0: ArrayLike<number>,
  sigma0: number,
  seed: number,
  covariance: CovarianceModel,
): SearchState {
  const n = x0.length;
  const full = covariance === 'full';
  const C = full ? new Float64Array((n * (n + 1)) / 2) : new Float64Array(n).fill(1);
  const B = full ? new Float64Array(n * n) : new Float64Array(0);
  if (full) {
    for (let i = 0; i < n; i++) C[(i * (i + 1)) / 2 + i] = 1;
    for (let i = 0; i < n; i++) B[i * n + i] = 1;
  }
  return {
    rng: new Xoshiro128(seed),
    xmean: Float64Array.from(x0),
    sigma: sigma0,
    pc: new Float64Array(n),
    ps: new Float64Array(n),
    C,
    B,
    eigenvalues: full ? new Float64Array(n).fill(1) : new Float64Array(0),
    D: new Float64Array(n).fill(1),
    eigenUpdatedAt: 0,
    eigenUpdateCount: 0,
    condition: 1,
    evals: 0,
    gen: 0,
    asked: false,
    best: null,
    fitness: new Float64Array(0),
    steps: new Float64Array(0),
  };
}

/** The covariance matrix C (without σ²) as a full row-major n × n copy. */
export function covarianceMatrix(s: SearchState, n: number, covariance: CovarianceModel): Float64Array {
  const out = new Float64Array(n * n);
  if (covariance === 'diagonal') {
    for (let i = 0; i < n; i++) out[i * n + i] = s.C[i] as number;
  } else {
    for (let i = 0; i < n; i++) {
      const row = (i * (i + 1)) / 2;
      for (let j = 0; j <= i; j++) {
        const v = s.C[row + j] as number;
        out[i * n + j] = v;
        out[j * n + i] = v;
      }
    }
  }
  return out;
}

/**
 * λ samples x_k = m + σ·B·D·z_k, z_k ~ N(0, I), as views into one fresh `ArrayBuffer` (λ views
 * instead of λ allocations).
 */
export function samplePopulation(
  s: SearchState,
  n: number,
  lam: number,
  covariance: CovarianceModel,
): Float64Array[] {
  const sigma = s.sigma;
  const D = s.D;
  const rng = s.rng;
  const buffer = new ArrayBuffer(lam * n * 8);
  const out: Float64Array[] = [];
  const m = s.xmean;
  if (covariance === 'diagonal') {
    const sd = new Float64Array(n);
    for (let i = 0; i < n; i++) sd[i] = sigma * (D[i] as number);
    for (let k = 0; k < lam; k++) {
      const x = rng.fillNormal(new Float64Array(buffer, k * n * 8, n));
      for (let i = 0; i < n; i++) x[i] = (m[i] as number) + (sd[i] as number) * (x[i] as number);
      out.push(x);
    }
  } else {
    const B = s.B;
    const z = new Float64Array(n);
    for (let k = 0; k < lam; k++) {
      rng.fillNormal(z);
      // y = B·(σ·D·z), accumulated over the rows of B (the eigenvectors) for contiguous access.
      const y = new Float64Array(buffer, k * n * 8, n);
      for (let j = 0; j < n; j++) {
        const tj = sigma * (D[j] as number) * (z[j] as number);
        const row = j * n;
        for (let i = 0; i < n; i++) y[i] = (y[i] as number) + (B[row + i] as number) * tj;
      }
      for (let i = 0; i < n; i++) y[i] = (m[i] as number) + (y[i] as number);
      out.push(y);
    }
  }
  return out;
}

/**
 * One generation's update from λ checked solutions and their fitness values (minimization, ties
 * broken by position): counters, best solution, mean, evolution paths, C, and σ clamped to
 * [minSigma, maxSigma].
 */
export function updateDistribution(
  s: SearchState,
  p: StrategyParameters,
  covariance: CovarianceModel,
  sigmaBounds: { readonly minSigma: number; readonly maxSigma: number },
  solutions: ArrayLike<ArrayLike<number>>,
  fitnesses: ArrayLike<number>,
): void {
  const n = p.n;
  const lam = p.lambda;
  s.evals += lam;
  s.gen += 1;

  // Sort by fitness (stable).
  const order = Array.from({ length: lam }, (_, k) => k);
  order.sort((a, b) => (fitnesses[a] as number) - (fitnesses[b] as number) || a - b);
  const sorted = new Float64Array(lam);
  for (let k = 0; k < lam; k++) sorted[k] = fitnesses[order[k] as number] as number;
  s.fitness = sorted;
  const f0 = sorted[0] as number;
  if (s.best === null || f0 < s.best.f) {
    s.best = {
      x: Float64Array.from(solutions[order[0] as number] as ArrayLike<number>),
      f: f0,
      evals: s.evals,
    };
  }

  // Recombination: new mean, and the parents' steps d_k = x_k − m_old.
  const mu = p.mu;
  const w = p.weights;
  const xold = s.xmean;
  const xnew = new Float64Array(n);
  if (s.steps.length !== mu * n) s.steps = new Float64Array(mu * n);
  const stepBuffer = s.steps;
  const steps: Float64Array[] = [];
  for (let k = 0; k < mu; k++) {
    const x = solutions[order[k] as number] as ArrayLike<number>;
    const wk = w[k] as number;
    const d = stepBuffer.subarray(k * n, k * n + n);
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      xnew[i] = (xnew[i] as number) + wk * xi;
      d[i] = xi - (xold[i] as number);
    }
    steps.push(d);
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = (xnew[i] as number) - (xold[i] as number);

  // z = C^(-1/2)·y = B·D⁻¹·Bᵀ·y, with B and D from the decomposition the samples came from.
  const z = new Float64Array(n);
  const D = s.D;
  if (covariance === 'diagonal') {
    for (let i = 0; i < n; i++) z[i] = (y[i] as number) / (D[i] as number);
  } else {
    const B = s.B;
    for (let j = 0; j < n; j++) {
      const row = j * n;
      let t = 0;
      for (let i = 0; i < n; i++) t += (B[row + i] as number) * (y[i] as number);
      const tj = t / (D[j] as number);
      for (let i = 0; i < n; i++) z[i] = (z[i] as number) + (B[row + i] as number) * tj;
    }
  }

  // Cumulation: evolution paths.
  const sigma = s.sigma;
  const csn = Math.sqrt(p.cs * (2 - p.cs) * p.mueff) / sigma;
  let psSquared = 0;
  for (let i = 0; i < n; i++) {
    const v = (1 - p.cs) * (s.ps[i] as number) + csn * (z[i] as number);
    s.ps[i] = v;
    psSquared += v * v;
  }
  const hsig = psSquared / n / (1 - libm.pow(1 - p.cs, 2 * s.gen)) < 2 + 4 / (n + 1) ? 1 : 0;
  const ccn = (Math.sqrt(p.cc * (2 - p.cc) * p.mueff) / sigma) * hsig;
  for (let i = 0; i < n; i++) s.pc[i] = (1 - p.cc) * (s.pc[i] as number) + ccn * (y[i] as number);

  // Covariance matrix adaptation: rank-one and rank-μ updates.
  let sumW = 0;
  for (let k = 0; k < mu; k++) sumW += w[k] as number;
  const c1a = p.c1 * (1 - (1 - hsig * hsig) * p.cc * (2 - p.cc));
  const decay = 1 - c1a - p.cmu * sumW;
  const coef = new Float64Array(mu);
  for (let k = 0; k < mu; k++) coef[k] = ((w[k] as number) * p.cmu) / (sigma * sigma);
  const pc = s.pc;
  const C = s.C;
  if (covariance === 'diagonal') {
    for (let i = 0; i < n; i++) {
      const pci = pc[i] as number;
      C[i] = (C[i] as number) * decay + p.c1 * pci * pci;
    }
    for (let k = 0; k < mu; k++) {
      const d = steps[k] as Float64Array;
      const ck = coef[k] as number;
      for (let i = 0; i < n; i++) {
        const di = d[i] as number;
        C[i] = (C[i] as number) + ck * di * di;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const row = (i * (i + 1)) / 2;
      const a = p.c1 * (pc[i] as number);
      for (let j = 0; j <= i; j++) C[row + j] = (C[row + j] as number) * decay + a * (pc[j] as number);
      for (let k = 0; k < mu; k++) {
        const d = steps[k] as Float64Array;
        const b = (coef[k] as number) * (d[i] as number);
        for (let j = 0; j <= i; j++) C[row + j] = (C[row + j] as number) + b * (d[j] as number);
      }
    }
  }

  // Step-size adaptation (purecma's squared-norm form), then the user's σ bounds.
  let next = sigma * libm.exp(Math.min(1, ((p.cs / p.damps) * (psSquared / n - 1)) / 2));
  if (next < sigmaBounds.minSigma) next = sigmaBounds.minSigma;
  if (next > sigmaBounds.maxSigma) next = sigmaBounds.maxSigma;
  s.sigma = next;
  s.xmean = xnew;

  if (covariance === 'diagonal') refreshDiagonal(s, n);
}

/** D = √diag(C) and the condition number, for the diagonal model (O(n)). */
function refreshDiagonal(s: SearchState, n: number): void {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = s.C[i] as number;
    s.D[i] = Math.sqrt(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  s.condition = min > 0 ? max / min : Infinity;
}

/** Eigendecomposition of the full C (O(n³)); keeps the previous one if C is not positive definite. */
export function updateEigensystem(s: SearchState, n: number): void {
  s.eigenUpdatedAt = s.evals;
  s.eigenUpdateCount += 1;
  const work = covarianceMatrix(s, n, 'full');
  let finite = true;
  for (let i = 0; i < work.length && finite; i++) finite = Number.isFinite(work[i] as number);
  if (!finite) {
    s.condition = Infinity;
    return;
  }
  const { values, vectors } = symmetricEigenInPlace(work, n);
  const min = values[0] as number;
  const max = values[n - 1] as number;
  if (!(min > 0) || !Number.isFinite(max)) {
    s.condition = Infinity;
    return;
  }
  s.eigenvalues = values;
  s.B = vectors;
  for (let j = 0; j < n; j++) s.D[j] = Math.sqrt(values[j] as number);
  s.condition = max / min;
}
