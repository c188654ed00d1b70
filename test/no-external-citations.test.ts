/**
 * Every "why" lives in the repository. A comment, schema description or doc that sends the reader
 * to the design notes, paper notes or reference folders the project was started from sends users
 * to files they do not have; the reasoning belongs in a package README or `docs/`, citing the paper
 * or a public source (rllab, modular_rl, gym, MuJoCo, purecma).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { composeSweepSchema } from '@policy-arena/runner';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

/** Citations of documents outside the repository, each with what it points to. */
const CITATIONS: readonly [RegExp, string][] = [
  [/\bDESIGN\b/, 'the design notes'],
  [/\bfacts\.md\b/, 'the paper notes'],
  // "reference/…" as a path of its own, not a segment of a URL (docs.python.org/3/reference/ is fine).
  [/(?<![\w.:/-])reference\//, 'the reference folder'],
  [/\bshared\/(?:reference|paper|DESIGN|hooks)\b/, 'the shared folder'],
  [/(?:\.\.|\/work)\/shared\b/, 'the shared folder'],
];

const TEXT = /\.(?:[cm]?[jt]s|json|jsonc|md|c|h|sh|py|ya?ml|xml|html|txt)$/;
const SKIP = new Set(['node_modules', 'dist', '.git', 'results', 'runs']);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(p));
    else if (entry.isFile() && TEXT.test(entry.name) && p !== self) out.push(p);
  }
  return out;
}

function citations(text: string, where: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const hit = CITATIONS.find(([pattern]) => pattern.test(line));
    if (hit) found.push(`${where}:${i + 1}: cites ${hit[1]}: ${line.trim()}`);
  });
  return found;
}

describe('no citation of documents outside the repository', () => {
  it('in the packages (sources, READMEs, fixtures), examples, docs, scripts, tests and top-level docs', () => {
    const scanned = [
      ...['packages', 'examples', 'docs', 'scripts', 'test'].flatMap((d) => files(path.join(root, d))),
      ...fs
        .readdirSync(root)
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join(root, f)),
    ];
    // The walk must reach what it guards, or an empty result would prove nothing.
    for (const must of ['packages/algorithms/src/cma.ts', 'examples/custom-plugin/index.js', 'README.md'])
      expect(scanned, must).toContain(path.join(root, must));
    const found = scanned.flatMap((f) => citations(fs.readFileSync(f, 'utf8'), path.relative(root, f)));
    expect(found).toEqual([]);
  });

  it('in what `arena schema` prints (every setting description of every built-in plugin)', () => {
    const schema = JSON.stringify(composeSweepSchema(builtinPlugins, defaultEnvRegistry.ids()), null, 1);
    expect(schema).toContain('reconstructed'); // the descriptions are in it
    expect(citations(schema, 'arena schema')).toEqual([]);
  });

  it('recognizes the citations it is meant to catch, and not a URL path', () => {
    const samples = [
      'see DESIGN §3',
      'DESIGN.md §4',
      '(Table 2 reports 364; see facts.md §1.2)',
      'Copied from `reference/mjcf/`',
      'xorshift32 as in reference/peers',
      'numbers from shared/reference/cma-es.md',
      'import x from "../shared/paper"',
    ];
    for (const s of samples) expect(citations(s, 'sample'), s).toHaveLength(1);
    expect(citations('https://docs.python.org/3/reference/datamodel.html', 'url')).toEqual([]);
  });
});
