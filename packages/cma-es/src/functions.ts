/**
 * Classic test objectives for checking an optimizer (all minimized at value 0).
 *
 * @packageDocumentation
 */
import * as libm from '@policy-arena/libm';

/** Sphere: Σ xᵢ². */
export function sphere(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    s += v * v;
  }
  return s;
}

/**
 * Ellipsoid with condition number `condition` (default 10⁶): Σ condition^((i−1)/(n−1)) · xᵢ², i = 1 … n,
 * i.e. Σ 10^(6(i−1)/(n−1)) xᵢ² for the default. Separable; for n = 1 it is the sphere.
 */
export function ellipsoid(x: ArrayLike<number>, condition = 1e6): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    s += (n === 1 ? 1 : libm.pow(condition, i / (n - 1))) * v * v;
  }
  return s;
}

/** Rosenbrock: Σ 100(xᵢ² − xᵢ₊₁)² + (xᵢ − 1)², minimum 0 at (1, …, 1). Needs n ≥ 2. */
export function rosenbrock(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    const c = a * a - b;
    s += 100 * (c * c) + (a - 1) * (a - 1);
  }
  return s;
}
