/** Argument checks whose messages name the function, the argument, what it must be and what it got. */
import { describe } from './encoding.js';

export function fail(
  Ctor: typeof RangeError | typeof TypeError,
  where: string,
  what: string,
  got: unknown,
): never {
  throw new Ctor(`${where}: ${what}, got ${describe(got)}`);
}

export function checkNumber(
  where: string,
  name: string,
  v: unknown,
  ok: (x: number) => boolean,
  expected: string,
): number {
  if (typeof v !== 'number') fail(TypeError, where, `${name} must be ${expected}`, v);
  if (!ok(v)) fail(RangeError, where, `${name} must be ${expected}`, v);
  return v;
}
