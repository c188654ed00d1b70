/**
 * The locks that let several sweeps share one output directory (on one machine or several, over a
 * shared file system).
 *
 * A trial is run only by the process holding its lock, `trials/<id>/.lock` (proper-lockfile:
 * an atomic mkdir, its mtime refreshed every LOCK_UPDATE_MS); a lock not refreshed for
 * LOCK_STALE_MS is stale — its sweep was killed or lost its machine — and the next sweep takes it
 * over and resumes the trial from its checkpoint. manifest.json is rewritten under its own lock, so
 * two sweeps never interleave read-modify-write cycles.
 */
import path from 'node:path';
import lockfile from 'proper-lockfile';

export const LOCK_STALE_MS = 10_000;
const LOCK_UPDATE_MS = 2_500;
/** How often a sweep waiting for trials held by another sweep looks again. */
export const LOCK_POLL_MS = 1_000;

export type Release = () => Promise<void>;

/** The manifest's lock, waited for: another sweep holds it only while it rewrites the file. */
export function lockManifest(outDir: string): Promise<Release> {
  return lockfile.lock(outDir, {
    realpath: false,
    lockfilePath: path.join(outDir, '.manifest.lock'),
    stale: LOCK_STALE_MS,
    update: LOCK_UPDATE_MS,
    retries: { retries: 200, minTimeout: 20, maxTimeout: 250 },
  });
}

/** The lock of the trial directory `dir` (which must exist), or undefined when a live sweep holds it. */
export async function lockTrial(
  dir: string,
  onCompromised: (e: Error) => void,
): Promise<Release | undefined> {
  try {
    return await lockfile.lock(dir, {
      realpath: false,
      lockfilePath: path.join(dir, '.lock'),
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: 0,
      onCompromised,
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'ELOCKED') return undefined;
    throw e;
  }
}

/** Whether a live process holds the lock of the trial directory `dir` (a stale lock is not held). */
export function trialLockHeld(dir: string): Promise<boolean> {
  return lockfile.check(dir, {
    realpath: false,
    lockfilePath: path.join(dir, '.lock'),
    stale: LOCK_STALE_MS,
  });
}
