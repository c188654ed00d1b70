/**
 * (μ/μ_w, λ)-CMA-ES with an ask/tell interface, following the defaults of Hansen's purecma 3.0.0,
 * plus the separable variant sep-CMA-ES (Ros & Hansen 2008).
 *
 * @packageDocumentation
 */

import { fail, checkNumber } from './checks.js';
import { symmetricEigenInPlace } from './eigen.js';
import { decodeF64, decodeFloat, describe, encodeF64, encodeFloat } from './encoding.js';
import { strategyParameters } from './parameters.js';
import type { CovarianceModel, LazyGap, StrategyParameters } from './parameters.js';
import { Xoshiro128 } from './rng.js';
import type { BestSolution, CmaEsOptions, CmaEsState, StopReason } from './types.js';

/**
 * CMA-ES with an ask/tell interface (minimization).
 *
 * @example
 * ```ts
 * const es = new CmaEs({ x0: [1, 1, 1], sigma0: 0.5, seed: 1 });
 * while (!es.stop()) {
 *   const xs = es.ask();
 *   es.tell(xs, xs.map((x) => x.reduce((s, v) => s + v * v, 0)));
 * }
 * console.log(es.best?.f, es.stopReasons);
 * ```
 */
export class CmaEs {
  /** The static strategy parameters. */
  readonly params: StrategyParameters;
  /** Dimension n. */
  readonly dimension: number;
  /** Population size λ: `ask()` returns this many solutions and `tell()` expects as many. */
  readonly popsize: number;
  /** The covariance model. */
  readonly covariance: CovarianceModel;
  /** The seed this run was started from. */
  readonly seed: number;

  private readonly lazyGap: LazyGap;
  private readonly minSigma: number;
  private readonly maxSigma: number;
  private readonly maxEvals: number;
  private readonly maxGenerations: number;
  private readonly fTarget: number;
  private readonly tolFun: number;
  private readonly tolX: number;
  private readonly maxConditionNumber: number;

  private rng: Xoshiro128;
  private xmean: Float64Array;
  private sigmaValue: number;
  private pc: Float64Array;
  private ps: Float64Array;
  /** Full: packed lower triangle (row i holds C[i][0..i] at i(i+1)/2). Diagonal: the variances. */
  private C: Float64Array;
  /** Full: eigenvectors as rows, from the last decomposition. Diagonal: unused (empty). */
  private B: Float64Array;
  /** Full: eigenvalues from the last decomposition. Diagonal: unused (empty; C holds them). */
  private eigenvalues: Float64Array;
  /** Square roots of the eigenvalues (full) or of the variances (diagonal). */
  private D: Float64Array;
  private eigenUpdatedAt = 0;
  private eigenUpdateCount = 0;
  private condition = 1;
  private evals = 0;
  private gen = 0;
  private asked = false;
  private bestSolution: BestSolution | null = null;
  private fitness: Float64Array = new Float64Array(0);
  /** Scratch for the μ parent steps x_k − m (not part of the state). */
  private steps: Float64Array = new Float64Array(0);

  /**
   * @throws TypeError / RangeError naming the offending option when an option has the wrong type or
   *   value: empty or non-finite `x0`, `sigma0` ≤ 0 or non-finite, `popsize` < 2 or fractional, a
   *   seed that is not a safe integer, σ bounds that exclude `sigma0`, and so on.
   */
  constructor(options: CmaEsOptions) {
    const where = 'CmaEs';
    if (options === null || typeof options !== 'object') {
      fail(TypeError, where, 'options must be an object { x0, sigma0, seed, ... }', options);
    }
    const { x0 } = options;
    if (
      x0 === null ||
      typeof x0 !== 'object' ||
      typeof (x0 as ArrayLike<number>).length !== 'number' ||
      (!Array.isArray(x0) && !ArrayBuffer.isView(x0))
    ) {
      fail(TypeError, where, 'x0 must be an array or typed array of numbers', x0);
    }
    const n = x0.length;
    if (n < 1) fail(RangeError, where, 'x0 must be non-empty (its length is the dimension n ≥ 1)', x0);
    for (let i = 0; i < n; i++) {
      const v = x0[i];
      if (typeof v !== 'number') fail(TypeError, where, `x0[${i}] must be a finite number`, v);
      if (!Number.isFinite(v)) fail(RangeError, where, `x0[${i}] must be a finite number`, v);
    }
    const sigma0 = checkNumber(
      where,
      'sigma0',
      options.sigma0,
      (x) => Number.isFinite(x) && x > 0,
      'a finite number > 0',
    );
    const seed = checkNumber(where, 'seed', options.seed, (x) => Number.isSafeInteger(x), 'a safe integer');
    const popsize =
      options.popsize === undefined
        ? undefined
        : checkNumber(
            where,
            'popsize',
            options.popsize,
            (x) => Number.isInteger(x) && x >= 2,
            'an integer ≥ 2',
          );
    const covariance = options.covariance ?? 'full';
    if (covariance !== 'full' && covariance !== 'diagonal') {
      fail(TypeError, where, `covariance must be 'full' or 'diagonal'`, covariance);
    }
    const lazyGap = options.lazyGap ?? 'purecma';
    if (lazyGap !== 'purecma' && lazyGap !== 'purecmaes') {
      checkNumber(
        where,
        'lazyGap',
        lazyGap,
        (x) => x >= 0 && !Number.isNaN(x),
        `'purecma', 'purecmaes' or a number of evaluations ≥ 0`,
      );
    }
    const params = strategyParameters(n, popsize, covariance, lazyGap);
    const lam = params.lambda;
    const opt = (
      name: keyof CmaEsOptions,
      def: number,
      ok: (x: number) => boolean,
      expected: string,
    ): number => {
      const v = options[name];
      return v === undefined ? def : checkNumber(where, name, v, ok, expected);
    };
    const notNaN = (x: number): boolean => !Number.isNaN(x);
    const minSigma = opt('minSigma', 0, (x) => Number.isFinite(x) && x >= 0, 'a finite number ≥ 0');
    const maxSigma = opt('maxSigma', Infinity, (x) => x > 0 && notNaN(x), 'a number > 0');
    if (!(sigma0 >= minSigma && sigma0 <= maxSigma)) {
      throw new RangeError(
        `${where}: sigma0 must lie within [minSigma, maxSigma] = [${minSigma}, ${maxSigma}], got ${sigma0}`,
      );
    }
    this.minSigma = minSigma;
    this.maxSigma = maxSigma;
    this.maxEvals = opt(
      'maxEvals',
      100 * lam + 150 * (n + 3) ** 2 * Math.sqrt(lam),
      (x) => x > 0 && notNaN(x),
      'a number > 0',
    );
    this.maxGenerations = opt('maxGenerations', Infinity, (x) => x > 0 && notNaN(x), 'a number > 0');
    this.fTarget = opt('fTarget', -Infinity, notNaN, 'a number (not NaN)');
    this.tolFun = opt('tolFun', 1e-12, (x) => x >= 0 && notNaN(x), 'a number ≥ 0');
    this.tolX = opt('tolX', 1e-11, (x) => x >= 0 && notNaN(x), 'a number ≥ 0');
    this.maxConditionNumber = opt('maxConditionNumber', 1e14, (x) => x >= 1 && notNaN(x), 'a number ≥ 1');

    this.params = params;
    this.dimension = n;
    this.popsize = lam;
    this.covariance = covariance;
    this.seed = seed;
    this.lazyGap = lazyGap;
    this.rng = new Xoshiro128(seed);
    this.xmean = Float64Array.from(x0);
    this.sigmaValue = sigma0;
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.D = new Float64Array(n).fill(1);
    if (covariance === 'full') {
      this.C = new Float64Array((n * (n + 1)) / 2);
      for (let i = 0; i < n; i++) this.C[(i * (i + 1)) / 2 + i] = 1;
      this.B = new Float64Array(n * n);
      for (let i = 0; i < n; i++) this.B[i * n + i] = 1;
      this.eigenvalues = new Float64Array(n).fill(1);
    } else {
      this.C = new Float64Array(n).fill(1);
      this.B = new Float64Array(0);
      this.eigenvalues = new Float64Array(0);
    }
  }

  /** Distribution mean m (a copy). */
  get mean(): Float64Array {
    return this.xmean.slice();
  }

  /** Current step size σ. */
  get sigma(): number {
    return this.sigmaValue;
  }

  /** Number of fitness evaluations told so far (λ per `tell`). */
  get evaluations(): number {
    return this.evals;
  }

  /** Number of completed generations (`tell` calls). */
  get generation(): number {
    return this.gen;
  }

  /** Best solution told so far (a copy), or `null` before the first `tell`. */
  get best(): BestSolution | null {
    const b = this.bestSolution;
    return b === null ? null : { x: b.x.slice(), f: b.f, evals: b.evals };
  }

  /**
   * Condition number of C: max/min eigenvalue from the last eigendecomposition (full) or max/min
   * variance (diagonal). `Infinity` if C was found not positive definite.
   */
  get conditionNumber(): number {
    return this.condition;
  }

  /** How many eigendecompositions have been computed (always 0 for `'diagonal'`). */
  get eigenUpdates(): number {
    return this.eigenUpdateCount;
  }

  /** Current coordinate-wise standard deviations σ·√C_ii. */
  get stds(): Float64Array {
    const n = this.dimension;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.sigmaValue * Math.sqrt(this.diagC(i));
    return out;
  }

  /** The covariance matrix C (without σ²) as a full row-major n × n copy. */
  covarianceMatrix(): Float64Array {
    const n = this.dimension;
    const out = new Float64Array(n * n);
    if (this.covariance === 'diagonal') {
      for (let i = 0; i < n; i++) out[i * n + i] = this.C[i] as number;
    } else {
      for (let i = 0; i < n; i++) {
        const row = (i * (i + 1)) / 2;
        for (let j = 0; j <= i; j++) {
          const v = this.C[row + j] as number;
          out[i * n + j] = v;
          out[j * n + i] = v;
        }
      }
    }
    return out;
  }

  private diagC(i: number): number {
    return (this.covariance === 'diagonal' ? this.C[i] : this.C[(i * (i + 3)) / 2]) as number;
  }

  /**
   * Samples λ new candidate solutions x_k = m + σ·B·D·z_k, z_k ~ N(0, I). For the full model the
   * eigendecomposition of C is refreshed first when it is due (see {@link LazyGap}).
   *
   * Calling `ask()` again before `tell()` draws a fresh population; `tell()` may be given any λ
   * solutions (for example repaired or injected ones), not only the ones returned here.
   *
   * @returns λ new `Float64Array`s of length n, owned by the caller (views into one fresh
   *   `ArrayBuffer`, shared by this population only and never touched by the optimizer again).
   */
  ask(): Float64Array[] {
    const n = this.dimension;
    const lam = this.popsize;
    if (this.covariance === 'full' && this.evals > this.eigenUpdatedAt + this.params.lazyGapEvals) {
      this.updateEigensystem();
    }
    const sigma = this.sigmaValue;
    const D = this.D;
    const rng = this.rng;
    // One backing buffer for the whole population: λ views instead of λ allocations.
    const buffer = new ArrayBuffer(lam * n * 8);
    const out: Float64Array[] = [];
    const m = this.xmean;
    if (this.covariance === 'diagonal') {
      const sd = new Float64Array(n);
      for (let i = 0; i < n; i++) sd[i] = sigma * (D[i] as number);
      for (let k = 0; k < lam; k++) {
        const x = rng.fillNormal(new Float64Array(buffer, k * n * 8, n));
        for (let i = 0; i < n; i++) x[i] = (m[i] as number) + (sd[i] as number) * (x[i] as number);
        out.push(x);
      }
    } else {
      const B = this.B;
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
    this.asked = true;
    return out;
  }

  /**
   * Updates mean, evolution paths, covariance matrix and step size from λ evaluated solutions
   * (minimization: lower fitness is better). Ties are broken by position.
   *
   * @param solutions - λ vectors of length n, usually the ones returned by the last `ask()`.
   * @param fitnesses - their fitness values; `±Infinity` is allowed (for example for infeasible
   *   solutions), `NaN` is not.
   * @throws Error if called before `ask()` (or twice for one `ask()`).
   * @throws TypeError / RangeError naming the argument for a wrong count, wrong length, non-finite
   *   solution entry or NaN fitness.
   */
  tell(solutions: ArrayLike<ArrayLike<number>>, fitnesses: ArrayLike<number>): void {
    const where = 'CmaEs.tell';
    if (!this.asked) {
      throw new Error(
        `${where}: tell() called before ask(); call ask() to sample a population, then tell() it`,
      );
    }
    const n = this.dimension;
    const lam = this.popsize;
    const p = this.params;
    if (solutions === null || typeof solutions !== 'object' || typeof solutions.length !== 'number') {
      fail(TypeError, where, `solutions must be an array of ${lam} vectors`, solutions);
    }
    if (fitnesses === null || typeof fitnesses !== 'object' || typeof fitnesses.length !== 'number') {
      fail(TypeError, where, `fitnesses must be an array of ${lam} numbers`, fitnesses);
    }
    if (solutions.length !== lam) {
      fail(RangeError, where, `solutions must hold popsize = ${lam} vectors`, solutions);
    }
    if (fitnesses.length !== lam) {
      fail(RangeError, where, `fitnesses must hold popsize = ${lam} numbers`, fitnesses);
    }
    for (let k = 0; k < lam; k++) {
      const f = fitnesses[k];
      if (typeof f !== 'number') fail(TypeError, where, `fitnesses[${k}] must be a number`, f);
      if (Number.isNaN(f)) {
        fail(RangeError, where, `fitnesses[${k}] must not be NaN (use Infinity for infeasible solutions)`, f);
      }
      const x = solutions[k];
      if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
        fail(TypeError, where, `solutions[${k}] must be a vector of length ${n}`, x);
      }
      if (x.length !== n) fail(RangeError, where, `solutions[${k}] must have length n = ${n}`, x);
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (!Number.isFinite(v)) {
          const Ctor = typeof v === 'number' ? RangeError : TypeError;
          fail(Ctor, where, `solutions[${k}][${i}] must be a finite number`, v);
        }
      }
    }

    this.evals += lam;
    this.gen += 1;

    // Sort by fitness (stable).
    const order = Array.from({ length: lam }, (_, k) => k);
    order.sort((a, b) => (fitnesses[a] as number) - (fitnesses[b] as number) || a - b);
    const sorted = new Float64Array(lam);
    for (let k = 0; k < lam; k++) sorted[k] = fitnesses[order[k] as number] as number;
    this.fitness = sorted;
    const f0 = sorted[0] as number;
    if (this.bestSolution === null || f0 < this.bestSolution.f) {
      this.bestSolution = {
        x: Float64Array.from(solutions[order[0] as number] as ArrayLike<number>),
        f: f0,
        evals: this.evals,
      };
    }

    // Recombination: new mean, and the parents' steps d_k = x_k − m_old.
    const mu = p.mu;
    const w = p.weights;
    const xold = this.xmean;
    const xnew = new Float64Array(n);
    if (this.steps.length !== mu * n) this.steps = new Float64Array(mu * n);
    const stepBuffer = this.steps;
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
    const D = this.D;
    if (this.covariance === 'diagonal') {
      for (let i = 0; i < n; i++) z[i] = (y[i] as number) / (D[i] as number);
    } else {
      const B = this.B;
      for (let j = 0; j < n; j++) {
        const row = j * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += (B[row + i] as number) * (y[i] as number);
        const tj = s / (D[j] as number);
        for (let i = 0; i < n; i++) z[i] = (z[i] as number) + (B[row + i] as number) * tj;
      }
    }

    // Cumulation: evolution paths.
    const sigma = this.sigmaValue;
    const csn = Math.sqrt(p.cs * (2 - p.cs) * p.mueff) / sigma;
    let psSquared = 0;
    for (let i = 0; i < n; i++) {
      const v = (1 - p.cs) * (this.ps[i] as number) + csn * (z[i] as number);
      this.ps[i] = v;
      psSquared += v * v;
    }
    const hsig = psSquared / n / (1 - (1 - p.cs) ** (2 * this.gen)) < 2 + 4 / (n + 1) ? 1 : 0;
    const ccn = (Math.sqrt(p.cc * (2 - p.cc) * p.mueff) / sigma) * hsig;
    for (let i = 0; i < n; i++) this.pc[i] = (1 - p.cc) * (this.pc[i] as number) + ccn * (y[i] as number);

    // Covariance matrix adaptation: rank-one and rank-μ updates.
    let sumW = 0;
    for (let k = 0; k < mu; k++) sumW += w[k] as number;
    const c1a = p.c1 * (1 - (1 - hsig * hsig) * p.cc * (2 - p.cc));
    const decay = 1 - c1a - p.cmu * sumW;
    const coef = new Float64Array(mu);
    for (let k = 0; k < mu; k++) coef[k] = ((w[k] as number) * p.cmu) / (sigma * sigma);
    const pc = this.pc;
    const C = this.C;
    if (this.covariance === 'diagonal') {
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
    let s = sigma * Math.exp(Math.min(1, ((p.cs / p.damps) * (psSquared / n - 1)) / 2));
    if (s < this.minSigma) s = this.minSigma;
    if (s > this.maxSigma) s = this.maxSigma;
    this.sigmaValue = s;
    this.xmean = xnew;

    if (this.covariance === 'diagonal') this.refreshDiagonal();
    this.asked = false;
  }

  /** D = √diag(C) and the condition number, for the diagonal model (O(n)). */
  private refreshDiagonal(): void {
    const n = this.dimension;
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = this.C[i] as number;
      this.D[i] = Math.sqrt(v);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.condition = min > 0 ? max / min : Infinity;
  }

  /** Eigendecomposition of the full C (O(n³)); keeps the previous one if C is not positive definite. */
  private updateEigensystem(): void {
    const n = this.dimension;
    this.eigenUpdatedAt = this.evals;
    this.eigenUpdateCount += 1;
    const work = this.covarianceMatrix();
    let finite = true;
    for (let i = 0; i < work.length && finite; i++) finite = Number.isFinite(work[i] as number);
    if (!finite) {
      this.condition = Infinity;
      return;
    }
    const { values, vectors } = symmetricEigenInPlace(work, n);
    const min = values[0] as number;
    const max = values[n - 1] as number;
    if (!(min > 0) || !Number.isFinite(max)) {
      this.condition = Infinity;
      return;
    }
    this.eigenvalues = values;
    this.B = vectors;
    for (let j = 0; j < n; j++) this.D[j] = Math.sqrt(values[j] as number);
    this.condition = max / min;
  }

  /** Satisfied stop criteria (empty before the first `tell`). See {@link CmaEs.stop}. */
  get stopReasons(): StopReason[] {
    const reasons: StopReason[] = [];
    if (this.evals <= 0) return reasons;
    if (this.evals >= this.maxEvals) reasons.push('maxEvals');
    if (this.gen >= this.maxGenerations) reasons.push('maxGenerations');
    if (this.bestSolution !== null && this.bestSolution.f <= this.fTarget) reasons.push('fTarget');
    if (this.condition > this.maxConditionNumber) reasons.push('conditionNumber');
    const fit = this.fitness;
    if (fit.length > 1 && (fit[fit.length - 1] as number) - (fit[0] as number) < this.tolFun)
      reasons.push('tolFun');
    let maxEig = 0;
    if (this.covariance === 'diagonal') {
      for (let i = 0; i < this.dimension; i++) maxEig = Math.max(maxEig, this.C[i] as number);
    } else {
      maxEig = this.eigenvalues[this.dimension - 1] as number;
    }
    if (this.sigmaValue * Math.sqrt(maxEig) < this.tolX) reasons.push('tolX');
    return reasons;
  }

  /**
   * Termination check in purecma's spirit: `null` while the run should go on, otherwise the
   * non-empty list of satisfied criteria, so that `while (!es.stop()) { … }` works.
   *
   * Criteria: `maxEvals`, `maxGenerations`, `fTarget` (a told fitness ≤ fTarget), `tolFun` (range
   * of the last generation's fitness values < tolFun), `tolX` (σ·√λ_max(C) < tolX) and
   * `conditionNumber` (cond(C) > maxConditionNumber, or C not positive definite).
   */
  stop(): StopReason[] | null {
    const reasons = this.stopReasons;
    return reasons.length > 0 ? reasons : null;
  }

  /**
   * A plain, JSON-serializable snapshot of the whole optimizer (options, RNG, distribution, counters,
   * best solution). `CmaEs.fromState(JSON.parse(JSON.stringify(es.state())))` continues bit for bit
   * as `es` would. The snapshot is O(n²) for the full model (packed C and B) and O(n) for diagonal.
   */
  state(): CmaEsState {
    const full = this.covariance === 'full';
    const b = this.bestSolution;
    return {
      format: 'policy-arena/cma-es',
      version: 1,
      dimension: this.dimension,
      popsize: this.popsize,
      covariance: this.covariance,
      lazyGap: typeof this.lazyGap === 'number' ? encodeFloat(this.lazyGap) : this.lazyGap,
      seed: this.seed,
      minSigma: encodeFloat(this.minSigma),
      maxSigma: encodeFloat(this.maxSigma),
      maxEvals: encodeFloat(this.maxEvals),
      maxGenerations: encodeFloat(this.maxGenerations),
      fTarget: encodeFloat(this.fTarget),
      tolFun: encodeFloat(this.tolFun),
      tolX: encodeFloat(this.tolX),
      maxConditionNumber: encodeFloat(this.maxConditionNumber),
      rng: this.rng.getState(),
      mean: encodeF64(this.xmean),
      sigma: this.sigmaValue,
      pc: encodeF64(this.pc),
      ps: encodeF64(this.ps),
      C: encodeF64(this.C),
      B: full ? encodeF64(this.B) : null,
      eigenvalues: full ? encodeF64(this.eigenvalues) : null,
      eigenUpdatedAt: this.eigenUpdatedAt,
      eigenUpdates: this.eigenUpdateCount,
      conditionNumber: encodeFloat(this.condition),
      evaluations: this.evals,
      generation: this.gen,
      asked: this.asked,
      best: b === null ? null : { x: encodeF64(b.x), f: encodeFloat(b.f), evals: b.evals },
      fitness: encodeF64(this.fitness),
    };
  }

  /**
   * Recreates an optimizer from {@link CmaEs.state}; it continues exactly (bitwise) where the
   * original was, including the random number stream and a pending `ask()`.
   *
   * @throws TypeError if `state` is not a snapshot of this format and version, or is malformed.
   */
  static fromState(state: CmaEsState): CmaEs {
    const where = 'CmaEs.fromState';
    if (state === null || typeof state !== 'object') fail(TypeError, where, 'state must be an object', state);
    if (state.format !== 'policy-arena/cma-es' || state.version !== 1) {
      throw new TypeError(
        `${where}: state must have format 'policy-arena/cma-es' and version 1, got ${describe(state.format)} / ${describe(state.version)}`,
      );
    }
    const n = state.dimension;
    if (!Number.isInteger(n) || n < 1) fail(TypeError, where, 'state.dimension must be an integer ≥ 1', n);
    const num = (name: keyof CmaEsState): number => decodeFloat(state[name], `${where}: state.${name}`);
    const field = (name: string): string => `${where}: state.${name}`;
    const es = new CmaEs({
      x0: new Float64Array(n),
      sigma0: state.sigma,
      seed: state.seed,
      popsize: state.popsize,
      covariance: state.covariance,
      lazyGap:
        state.lazyGap === 'purecma' || state.lazyGap === 'purecmaes'
          ? state.lazyGap
          : decodeFloat(state.lazyGap, field('lazyGap')),
      minSigma: num('minSigma'),
      maxSigma: num('maxSigma'),
      maxEvals: num('maxEvals'),
      maxGenerations: num('maxGenerations'),
      fTarget: num('fTarget'),
      tolFun: num('tolFun'),
      tolX: num('tolX'),
      maxConditionNumber: num('maxConditionNumber'),
    });
    es.rng = Xoshiro128.fromState(state.rng);
    es.xmean = decodeF64(state.mean, n, field('mean'));
    es.pc = decodeF64(state.pc, n, field('pc'));
    es.ps = decodeF64(state.ps, n, field('ps'));
    if (es.covariance === 'full') {
      es.C = decodeF64(state.C, (n * (n + 1)) / 2, field('C'));
      es.B = decodeF64(state.B, n * n, field('B'));
      es.eigenvalues = decodeF64(state.eigenvalues, n, field('eigenvalues'));
      for (let j = 0; j < n; j++) es.D[j] = Math.sqrt(es.eigenvalues[j] as number);
    } else {
      es.C = decodeF64(state.C, n, field('C'));
      for (let i = 0; i < n; i++) es.D[i] = Math.sqrt(es.C[i] as number);
    }
    const int = (name: 'eigenUpdatedAt' | 'eigenUpdates' | 'evaluations' | 'generation'): number => {
      const v = state[name];
      if (!Number.isSafeInteger(v) || v < 0)
        fail(TypeError, where, `state.${name} must be an integer ≥ 0`, v);
      return v;
    };
    es.eigenUpdatedAt = int('eigenUpdatedAt');
    es.eigenUpdateCount = int('eigenUpdates');
    es.condition = num('conditionNumber');
    es.evals = int('evaluations');
    es.gen = int('generation');
    es.asked = state.asked === true;
    if (state.best === null) {
      es.bestSolution = null;
    } else {
      es.bestSolution = {
        x: decodeF64(state.best.x, n, field('best.x')),
        f: decodeFloat(state.best.f, field('best.f')),
        evals: state.best.evals,
      };
    }
    const fitLength = es.gen > 0 ? es.popsize : 0;
    es.fitness = decodeF64(state.fitness, fitLength, field('fitness'));
    return es;
  }
}
