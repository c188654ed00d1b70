/**
 * Output paths the file system will refuse, found before anything is written: names too long,
 * symbolic link loops and dangling links. Without this they surface as a raw ENAMETOOLONG, ELOOP
 * or ENOENT stack trace from the first mkdir or write — after other files may already exist.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Bytes in one path component: 255 on Linux (ext4, xfs, btrfs, tmpfs) and macOS (APFS). */
const NAME_MAX = 255;
/** Bytes in a whole path, its terminating NUL included. */
const PATH_MAX = process.platform === 'darwin' ? 1024 : 4096;

/** Long names shortened, so that the message stays one readable line. */
function shorten(name: string): string {
  return name.length > 40 ? `${name.slice(0, 20)}…` : name;
}

function shown(dir: string): string {
  return dir
    .split(/([\\/])/)
    .map(shorten)
    .join('');
}

/**
 * An output directory the file system would refuse. The store's checks throw it without naming an
 * option: only the caller knows whether the directory came from `--out`, a config's "out" or a
 * default, and says so (output-dir.ts).
 */
export class UnusableOutputError extends Error {
  override name = 'UnusableOutputError';
  constructor(
    /** The directory as given. */
    readonly dir: string,
    /** `"<dir>" is not usable: <why>` or `"<dir>" is not writable: <why>`, long names shortened. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`output directory ${problem}`, options);
  }
}

function errorCode(e: unknown): string | undefined {
  return (e as { code?: string }).code;
}

/**
 * Throws an UnusableOutputError when `dir` cannot be created or used as a directory for reasons
 * other than permissions (which `checkWritable` probes): a name longer than the file system
 * allows, a symbolic link loop on the way, or a symbolic link to nothing.
 */
export function checkOutputPath(dir: string): void {
  const full = path.resolve(dir);
  const unusable = (why: string, cause?: unknown) =>
    new UnusableOutputError(dir, `"${shown(dir)}" is not usable: ${why}`, cause ? { cause } : undefined);
  for (const name of full.split(path.sep)) {
    const bytes = Buffer.byteLength(name);
    if (bytes > NAME_MAX) {
      throw unusable(
        `the name "${shorten(name)}" is ${bytes} bytes long; the file system allows ${NAME_MAX}`,
      );
    }
  }
  const bytes = Buffer.byteLength(full);
  if (process.platform !== 'win32' && bytes >= PATH_MAX) {
    throw unusable(`the path is ${bytes} bytes long; the file system allows ${PATH_MAX - 1}`);
  }
  // Up to the nearest entry that exists, looking at symbolic links themselves: fs.existsSync says
  // false for a dangling link, and mkdir then fails on it with EEXIST or ENOENT.
  let probe = full;
  for (;;) {
    let isLink: boolean;
    try {
      isLink = fs.lstatSync(probe).isSymbolicLink();
    } catch (e) {
      const code = errorCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        // ENOTDIR: an ancestor is a file, which checkWritable reports.
        const parent = path.dirname(probe);
        if (parent === probe) return;
        probe = parent;
        continue;
      }
      if (code === 'ELOOP') throw unusable('it goes through a symbolic link loop', e);
      if (code === 'ENAMETOOLONG') throw unusable('its path is longer than the file system allows', e);
      throw unusable(`cannot look up ${probe} (${code ?? String(e)})`, e);
    }
    if (!isLink) return;
    try {
      fs.statSync(probe);
      return;
    } catch (e) {
      const code = errorCode(e);
      if (code === 'ELOOP') throw unusable('it goes through a symbolic link loop', e);
      if (code === 'ENOENT') {
        const target = path.resolve(path.dirname(probe), fs.readlinkSync(probe));
        throw unusable(`${probe} is a symbolic link to ${target}, which does not exist`, e);
      }
      throw unusable(`cannot follow the symbolic link ${probe} (${code ?? String(e)})`, e);
    }
  }
}
