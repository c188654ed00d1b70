/** Reading numbers back from plain-JSON optimizer state (internal; not exported from the package). */

/** A JSON array of finite numbers as a Float64Array, or a TypeError naming `what`. */
export function jsonNumbers(value: unknown, what: string, length?: number): Float64Array {
  if (
    !Array.isArray(value) ||
    (length !== undefined && value.length !== length) ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new TypeError(
      `${what} must be an array of${length === undefined ? '' : ` ${length}`} finite numbers`,
    );
  }
  return Float64Array.from(value as number[]);
}
