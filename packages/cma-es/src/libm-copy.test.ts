/**
 * src/libm.ts is @policy-arena/core's libm (fdlibm ports that give Node 20's `Math.*` bits in every
 * engine, tested bitwise there), copied so that this package stays dependency-free. The copy is only
 * trustworthy while it is the same text, so this fails as soon as either side changes alone.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as libm from './libm.js';

describe('libm copy', () => {
  it("is core's src/libm.ts after a two-line note", () => {
    const copy = fs.readFileSync(new URL('./libm.ts', import.meta.url), 'utf8');
    const original = fs.readFileSync(new URL('../../core/src/libm.ts', import.meta.url), 'utf8');
    const lines = copy.split('\n');
    expect(lines[0]).toMatch(/^\/\/ A verbatim copy of @policy-arena\/core's src\/libm\.ts/);
    expect(lines[2]).toBe('');
    expect(lines.slice(3).join('\n')).toBe(original);
  });

  it('exports what this package calls', () => {
    expect(libm.exp(1)).toBe(2.718281828459045);
    expect(libm.log(Math.E)).toBe(1);
    expect(libm.pow(3, -4)).toBe(0.012345679012345678);
    expect(libm.hypot(3, 4)).toBe(5);
  });
});
