import { defineConfig } from 'vitest/config';

// One project per package plus the cross-package suites in test/. Workspace packages resolve to
// their TypeScript sources through the "source" export condition, so tests never need a build
// of the package under test (the CLI tests spawn the built CLI, which `pnpm test` builds first).
const shared = { resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'] } } };
const packages = ['core', 'envs', 'cma-es', 'algorithms', 'runner'];
// Hooks start worker threads, pack tarballs and run installs: on a busy 2-core machine (a sweep
// running beside the suite) they take many times longer than vitest's 10 s default.
const hookTimeout = 300_000;

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        ...shared,
        test: {
          name,
          root: `packages/${name}`,
          include: ['src/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout,
        },
      })),
      {
        ...shared,
        test: {
          name: 'cross-package',
          root: 'test',
          include: ['**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout,
        },
      },
    ],
  },
});
