/**
 * Output directories as the commands take them: the store's check, its problem named after the
 * flag or config key that gave the directory, as a UsageError (one line, exit code 2). The store
 * cannot name it: the same directory check serves `--out`, a sweep config's "out" and defaults.
 */
import { UsageError } from './config.js';
import { UnusableOutputError } from './paths.js';
import { checkWritable } from './store.js';

/** `flag` as the message should name it: `--out`, `"out"`, `the report directory`. */
export function checkOutputDir(dir: string, flag: string): void {
  try {
    checkWritable(dir);
  } catch (e) {
    if (e instanceof UnusableOutputError) throw new UsageError(`${flag} ${e.problem}`, { cause: e });
    throw e;
  }
}
