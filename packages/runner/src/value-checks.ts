/**
 * What no JSON Schema can express about a config, checked both on a parsed value and on a config
 * file's syntax tree (where a `__proto__` key still exists): non-finite numbers, keys that alias
 * Object.prototype, and nesting too deep to parse or validate without overflowing the stack.
 */
import * as jsonc from 'jsonc-parser';
import { lineColumn } from './config-messages.js';
import type { ConfigIssue, JsonPath } from './config-messages.js';

/**
 * Deeper than any real config needs; the JSON parser and validator recurse per level, so a
 * deeper document would overflow the stack instead of getting an error message.
 */
export const MAX_CONFIG_DEPTH = 64;

/** Keys that JavaScript objects treat specially: `__proto__` would set the prototype, not a value. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const reservedKeyMessage = (key: string) =>
  `"${key}" is not allowed as a key (JavaScript objects treat it specially)`;

const nonFiniteMessage = (value: number) =>
  `expected a finite number, got ${String(value)}` +
  (Number.isNaN(value) ? '' : ' (beyond the 64-bit float range, ±1.8e308)');

const tooDeepMessage = () => `expected at most ${MAX_CONFIG_DEPTH} levels of nesting, got more`;

/**
 * What no schema can express about a parsed value: non-finite numbers anywhere (also under keys
 * a schema leaves open), keys that alias Object.prototype, and nesting deeper than
 * MAX_CONFIG_DEPTH. Iterative, so that a deep value cannot overflow the stack here.
 */
export function valueIssues(value: unknown, at: JsonPath = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: [unknown, JsonPath][] = [[value, at]];
  while (stack.length > 0) {
    const [node, p] = stack.pop()!;
    if (typeof node === 'number' && !Number.isFinite(node)) {
      issues.push({ path: p, message: nonFiniteMessage(node) });
    } else if (typeof node === 'object' && node !== null) {
      if (p.length - at.length >= MAX_CONFIG_DEPTH) {
        // Named by its outermost key: the full path would be 64 segments long.
        issues.push({ path: p.slice(0, at.length + 1), message: tooDeepMessage() });
        continue;
      }
      const entries: [string | number, unknown][] = Array.isArray(node)
        ? node.map((v, i) => [i, v])
        : Object.entries(node);
      for (const [key, child] of entries.reverse()) {
        if (typeof key === 'string' && RESERVED_KEYS.has(key)) {
          issues.push({ path: [...p, key], atKey: true, message: reservedKeyMessage(key) });
        } else stack.push([child, [...p, key]]);
      }
    }
  }
  return issues;
}

// jsonc-parser's SyntaxKind is a const enum, which isolatedModules cannot read.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/**
 * Nesting deeper than MAX_CONFIG_DEPTH, found with jsonc's scanner, which reads tokens in a loop:
 * its parser recurses per level and would overflow the stack first.
 */
export function nestingIssue(text: string): ConfigIssue | undefined {
  const scanner = jsonc.createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (++depth > MAX_CONFIG_DEPTH) {
        return { path: [], ...lineColumn(text, scanner.getTokenOffset()), message: tooDeepMessage() };
      }
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

/** Keys that alias Object.prototype and non-finite numbers (1e400), located in the file. */
export function treeIssues(root: jsonc.Node, text: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: jsonc.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'property') {
      const key = node.children?.[0];
      if (key && typeof key.value === 'string' && RESERVED_KEYS.has(key.value)) {
        issues.push({
          path: jsonc.getNodePath(key),
          ...lineColumn(text, key.offset),
          message: reservedKeyMessage(key.value),
        });
        continue;
      }
    } else if (node.type === 'number' && typeof node.value === 'number' && !Number.isFinite(node.value)) {
      issues.push({
        path: jsonc.getNodePath(node),
        ...lineColumn(text, node.offset),
        message: nonFiniteMessage(node.value),
      });
    }
    stack.push(...(node.children ?? []));
  }
  return issues;
}
