#!/usr/bin/env node
/**
 * `pnpm pack:all [folder]` (after a build, which the pnpm script runs first): packs every
 * publishable package of the workspace with pnpm — publishConfig applied, `workspace:` ranges
 * rewritten to versions, exactly what `pnpm publish` would upload — into `folder` (default
 * `packed/`, git-ignored; the example plugin into `folder/examples/`), and says how to install the
 * tarballs in a project outside the workspace without the npm registry (docs/local-packages.md).
 *
 *   node scripts/pack-all.mjs [--json] [folder]
 *
 * --json prints `[{ name, version, dir, tarball }]` instead (the pack-and-install tests use it).
 */
import path from 'node:path';
import { packAll, root } from './packages.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const dest = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(root, 'packed'));
const packed = packAll(dest);
if (json) {
  process.stdout.write(`${JSON.stringify(packed)}\n`);
} else {
  const core = packed.find((p) => p.name === '@policy-arena/core');
  const all = path.join(dest, '*.tgz');
  process.stdout.write(
    `packed ${packed.length} packages:\n` +
      packed.map((p) => `  ${p.name}@${p.version}  ${p.tarball}\n`).join('') +
      `\nIn a plugin's folder (docs/local-packages.md):\n` +
      `  npm install --save-dev ${all}\n` +
      `  npm pkg set "peerDependencies.@policy-arena/core=^${core.version}"\n` +
      `In a project that runs sweeps:\n` +
      `  npm install ${all}\n`,
  );
}
