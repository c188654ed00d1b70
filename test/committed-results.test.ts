/**
 * The sweep configs in docs/sweeps/ and the results committed under their `out` directories agree:
 * every config reads and expands with the plugins and envs as they are now, and `arena sweep` on it
 * would resume its committed trials rather than refuse them — each committed trial belongs to the
 * config and carries the fingerprint its spec has today. A change to a plugin's defaults, a preset,
 * a budget or an env id that would silently make EXPERIMENTS.md's tables stale fails here first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { ResultsStore, fingerprint, prepareSweep } from '@policy-arena/runner';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const sweeps = path.join(root, 'docs/sweeps');
const configs = fs.readdirSync(sweeps).filter((f) => f.endsWith('.jsonc'));

describe('docs/sweeps configs against their committed results', () => {
  it('finds the Figure 4 panel configs', () => {
    for (const panel of [
      'cartpole',
      'swimmer',
      'hopper',
      'walker',
      'hopper-10M',
      'walker-10M',
      'hopper-seed1',
    ])
      expect(configs).toContain(`${panel}.jsonc`);
  });

  for (const file of configs) {
    it(file, async () => {
      const prepared = await prepareSweep(path.join(sweeps, file), {
        builtinPlugins,
        taskIds: defaultEnvRegistry.ids(),
        workers: 1,
      });
      expect(prepared.trials.length).toBeGreaterThan(0);
      // Committed results live under results/; a config writing elsewhere (runs/, ignored) is a demo.
      const committedDir = path.relative(root, prepared.outDir).split(path.sep)[0] === 'results';
      if (!committedDir || !fs.existsSync(prepared.outDir)) return;

      const store = new ResultsStore(prepared.outDir);
      const expected = new Map(prepared.trials.map((t) => [t.id, t]));
      const committed = store.trialIds();
      expect(committed.length).toBeGreaterThan(0);
      for (const id of committed) {
        const spec = expected.get(id);
        expect(spec, `${file}: committed trial ${id} is not one of the config's trials`).toBeDefined();
        const state = store.readState(id);
        const checkpoint = store.readCheckpoint(id);
        // Every committed trial that is not finished can resume: its checkpoint is committed with it.
        if (state?.status !== 'done')
          expect(checkpoint, `${file}: unfinished ${id} has no checkpoint`).toBeDefined();
        // Trials recorded before fingerprints covered the plugin's identity are adopted by the sweep
        // (prepareSweep has checked their older fingerprint); every other one must match today's.
        if (prepared.legacy.has(id)) continue;
        expect(state?.fingerprint, `${file}: ${id} was run with another spec`).toBe(fingerprint(spec!));
        if (checkpoint)
          expect(checkpoint.fingerprint, `${file}: ${id}'s checkpoint`).toBe(fingerprint(spec!));
      }
    });
  }
});
