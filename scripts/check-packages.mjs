#!/usr/bin/env node
/**
 * Checks every publishable workspace package as it would be published: packs it with pnpm
 * (publishConfig applied, workspace: ranges rewritten), then runs on the tarball
 *   - the checks of scripts/packages.mjs (no tests, no build info, bins, license, stale output),
 *   - publint (any message, even a suggestion, fails),
 *   - are-the-types-wrong with the esm-only profile (the packages are ESM only).
 * Exit code 1 when any package has a problem. Run it after a build: `pnpm release:check`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  lintTarball,
  packPackage,
  publicPackages,
  readTarball,
  packedManifest,
  tarballProblems,
} from './packages.mjs';

const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-arena-pack-'));
let failed = 0;
try {
  for (const pkg of publicPackages()) {
    const tarball = packPackage(pkg.dir, dest);
    const entries = readTarball(tarball);
    const manifest = packedManifest(entries);
    const problems = [...tarballProblems(pkg.dir, entries), ...(await lintTarball(tarball))];

    const size = (fs.statSync(tarball).size / 1024).toFixed(0);
    const summary = `${pkg.name}@${manifest.version}: ${entries.length} files, ${size} kB packed, publint and attw ok`;
    if (problems.length === 0) console.log(`ok    ${summary}`);
    else {
      failed++;
      console.log(`FAIL  ${pkg.name}@${manifest.version}:\n  ${problems.join('\n  ')}`);
    }
  }
} finally {
  fs.rmSync(dest, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`check-packages: ${failed} package(s) with problems`);
  process.exit(1);
}
