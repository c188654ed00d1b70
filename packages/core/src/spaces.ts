/** Observation and action spaces (Gymnasium's Box and Discrete). */

export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly [number];
  /** Per-dimension bounds; ±Infinity where unbounded. */
  readonly low: Float64Array;
  readonly high: Float64Array;
}

export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}

export type Space = BoxSpace | DiscreteSpace;

export function box(
  low: ArrayLike<number> | number,
  high: ArrayLike<number> | number,
  size?: number,
): BoxSpace {
  const n = size ?? (typeof low === 'number' ? (typeof high === 'number' ? 1 : high.length) : low.length);
  const fill = (v: ArrayLike<number> | number) =>
    typeof v === 'number' ? new Float64Array(n).fill(v) : Float64Array.from(v);
  const lo = fill(low);
  const hi = fill(high);
  if (lo.length !== n || hi.length !== n) {
    throw new RangeError(`box: low has ${lo.length} and high has ${hi.length} entries, expected ${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (!(lo[i]! <= hi[i]!)) throw new RangeError(`box: low[${i}] = ${lo[i]} exceeds high[${i}] = ${hi[i]}`);
  }
  return { kind: 'box', shape: [n], low: lo, high: hi };
}

export function discrete(n: number): DiscreteSpace {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`discrete: n must be a positive integer, got ${n}`);
  return { kind: 'discrete', n };
}

export function spaceSize(space: Space): number {
  return space.kind === 'box' ? space.shape[0] : 1;
}

/** True when every entry of `x` is finite and inside the box. */
export function boxContains(space: BoxSpace, x: ArrayLike<number>): boolean {
  if (x.length !== space.shape[0]) return false;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v) || v < space.low[i]! || v > space.high[i]!) return false;
  }
  return true;
}
