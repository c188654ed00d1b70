/**
 * The file primitives of the results store, for files that must survive a kill or a full disk:
 * mkdir -p, a writability probe of an output directory, atomic writes (temporary file, fsync,
 * rename) and the clean-up of the temporary files a killed writer leaves. Apart from store.ts,
 * which decides what goes into which file, because they know nothing of results and are what the
 * report's files are written with too.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UnusableOutputError, checkOutputPath } from './paths.js';

/** mkdir -p without `recursive: true` (which loops forever on some paths in Node 20). */
export function makeDirectories(dir: string): void {
  const full = path.resolve(dir);
  if (fs.existsSync(full)) return;
  makeDirectories(path.dirname(full));
  try {
    fs.mkdirSync(full);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
  }
}

/**
 * The nearest existing ancestor of `dir` must be a directory we can create entries in; probed by
 * creating and removing a temporary directory (permission bits say nothing for root). Throws an
 * UnusableOutputError.
 */
export function checkWritable(dir: string): void {
  checkOutputPath(dir);
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  if (!fs.statSync(probe).isDirectory()) {
    throw new UnusableOutputError(dir, `"${dir}" is not writable: ${probe} is not a directory`);
  }
  try {
    fs.rmdirSync(fs.mkdtempSync(path.join(probe, '.arena-write-probe-')));
  } catch (e) {
    throw new UnusableOutputError(
      dir,
      `"${dir}" is not writable: cannot create entries in ${probe} (${(e as { code?: string }).code ?? e})`,
      { cause: e },
    );
  }
}

/**
 * Writes via a unique temporary file in the same directory, fsync, then rename, so a reader sees
 * the old or the new content, never a mix. `fs.writeSync` may write fewer bytes than asked (a full
 * disk writes what fits and fails on the next call), so it is called until every byte is out; any
 * failure removes the temporary file and leaves `file` untouched. (write-file-atomic 6.0.0 ignores
 * writeSync's byte count, the very bug this guards against, so it is not used.)
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}${TEMP_SUFFIX}`,
  );
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      for (let offset = 0; offset < bytes.length; ) {
        const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
        if (!(written > 0)) throw new Error(`writing ${tmp}: no bytes written at offset ${offset}`);
        offset += written;
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new StoreWriteError(file, e);
  }
}

const TEMP_SUFFIX = '.tmp';

/** Removes the temporary files a killed writer left in `dir` (call it only while no one writes there). */
export function removeTempFiles(dir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      fs.rmSync(path.join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** A results file could not be written (disk full, read-only, quota…): says which file and why. */
export class StoreWriteError extends Error {
  override name = 'StoreWriteError';
  readonly code: string | undefined;
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const code = (cause as { code?: string }).code;
    const why =
      code === 'ENOSPC'
        ? 'no space left on the device'
        : code === 'EDQUOT'
          ? 'disk quota exceeded'
          : code === 'EROFS'
            ? 'read-only file system'
            : ((cause as Error).message ?? String(cause));
    super(`cannot write ${file}: ${why}; the previous version of the file is unchanged`, { cause });
    this.code = code;
  }
}
