/**
 * Exact, JSON-safe encodings of float64 data.
 *
 * `JSON.stringify` round-trips every finite double except `-0` exactly (JavaScript prints the
 * shortest decimal that parses back to the same double), but it turns `NaN`, `±Infinity` into `null`
 * and `-0` into `0`. Vectors and matrices are therefore stored as base64 of their little-endian
 * IEEE-754 bytes (exact and about 10.7 characters per number), and scalars that may be special as a
 * number or one of the strings `'NaN'`, `'Infinity'`, `'-Infinity'`, `'-0'`.
 *
 * @packageDocumentation
 */

/** A float64 scalar in JSON: a plain number, or a string for the values JSON cannot carry. */
export type JsonFloat = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** Encodes a double so that `decodeFloat(JSON.parse(JSON.stringify(encodeFloat(x))))` is `x` bitwise. */
export function encodeFloat(x: number): JsonFloat {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

/**
 * Inverse of {@link encodeFloat}.
 * @throws TypeError for anything that is not a number or one of the four special strings.
 */
export function decodeFloat(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      throw new TypeError(
        `${name} must be a number or 'NaN' | 'Infinity' | '-Infinity' | '-0', got ${describe(v)}`,
      );
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Base64 (RFC 4648, padded) of the little-endian float64 bytes of `a`. */
export function encodeF64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i] as number, true);
  const chunks: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let out = '';
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i] as number;
      const b1 = i + 1 < end ? (bytes[i + 1] as number) : 0;
      const b2 = i + 2 < end ? (bytes[i + 2] as number) : 0;
      out += ALPHABET[b0 >> 2];
      out += ALPHABET[((b0 & 3) << 4) | (b1 >> 4)];
      out += i + 1 < end ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] : '=';
      out += i + 2 < end ? ALPHABET[b2 & 63] : '=';
    }
    chunks.push(out);
  }
  return chunks.join('');
}

/**
 * Inverse of {@link encodeF64}.
 * @param s - the base64 text.
 * @param length - the expected number of doubles.
 * @param name - the field name used in error messages.
 * @throws TypeError if `s` is not valid base64 of exactly `length` doubles.
 */
export function decodeF64(s: unknown, length: number, name: string): Float64Array {
  if (typeof s !== 'string') throw new TypeError(`${name} must be a base64 string, got ${describe(s)}`);
  const nBytes = length * 8;
  const expectedChars = Math.ceil(nBytes / 3) * 4;
  if (s.length !== expectedChars) {
    throw new TypeError(
      `${name} must be base64 of ${length} float64 values (${expectedChars} characters), got ${s.length} characters`,
    );
  }
  const bytes = new Uint8Array(nBytes);
  let o = 0;
  const sextet = (i: number): number => {
    const c = s.charCodeAt(i);
    if (c === 61 /* '=' */ && i >= s.length - 2) return 0; // padding, checked against length below
    const v = c < 128 ? (LOOKUP[c] as number) : -1;
    if (v < 0) throw new TypeError(`${name} is not valid base64 (bad character at index ${i})`);
    return v;
  };
  for (let i = 0; i < s.length; i += 4) {
    const triple = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    if (o < nBytes) bytes[o++] = (triple >> 16) & 255;
    if (o < nBytes) bytes[o++] = (triple >> 8) & 255;
    if (o < nBytes) bytes[o++] = triple & 255;
  }
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Short human-readable description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v))
    return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length}`;
  if (typeof v === 'function') return 'a function';
  return 'an object';
}
