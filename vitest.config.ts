import { defineConfig } from 'vitest/config';

// One project per package plus the cross-package suites in test/. Workspace packages resolve to
// their TypeScript sources through the "source" export condition, so tests never need a build
// of the package under test (the CLI tests spawn the built CLI, which `pnpm test` builds first).
const shared = { resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'] } } };
const packages = ['libm', 'core', 'envs', 'cma-es', 'algorithms', 'runner'];
// Hooks start worker threads, pack tarballs and run installs: on a busy 2-core machine (a sweep
// running beside the suite) they take many times longer than vitest's 10 s default.
const hookTimeout = 300_000;

// The files that take minutes on 2 cores: learning runs (tens of iterations to a score), runs of
// the built CLI, installs of the packed tarballs, and the same trials or batches repeated for 0–3
// worker threads on every task. Each group's are its own project, `<group>:slow`, with the group's
// root and timeouts, so `pnpm test:fast` (`--project=!*:slow`) leaves them out without even loading
// them, and `pnpm test` runs them as it runs the rest.
const slow: Record<string, readonly string[]> = {
  envs: ['src/rollout-pool.test.ts'],
  runner: [
    'src/cli.test.ts',
    'src/swimmer-learning.test.ts',
    'src/trial.test.ts',
    'src/trial-workers.test.ts',
  ],
  // The web app's tests drive the built app in headless Chromium.
  web: ['test/**/*.test.ts'],
  'cross-package': [
    'artifacts.test.ts',
    'cluster.test.ts',
    'comparison-algorithms.test.ts',
    'pack-install.test.ts',
    'plugin-guide.test.ts',
    'plugin-guide-learning.test.ts',
    'reliability.test.ts',
    'sweep-config.test.ts',
    'sweep.test.ts',
    'trpo-family.test.ts',
  ],
};

const groups = [
  ...packages.map((name) => ({
    name,
    root: `packages/${name}`,
    include: 'src/**/*.test.ts',
    testTimeout: 120_000,
  })),
  { name: 'web', root: 'packages/web', include: 'src/**/*.test.ts', testTimeout: 600_000 },
  { name: 'cross-package', root: 'test', include: '**/*.test.ts', testTimeout: 600_000 },
];

export default defineConfig({
  test: {
    projects: groups.flatMap(({ name, root, include, testTimeout }) => {
      const slowFiles = slow[name] ?? [];
      const project = (projectName: string, files: { include: string[]; exclude?: string[] }) => ({
        ...shared,
        test: { name: projectName, root, ...files, testTimeout, hookTimeout },
      });
      return [
        project(name, { include: [include], exclude: ['**/node_modules/**', ...slowFiles] }),
        ...(slowFiles.length > 0 ? [project(`${name}:slow`, { include: [...slowFiles] })] : []),
      ];
    }),
  },
});
