/**
 * writeFileAtomic on a full disk: a short write must never be renamed over the good file. Once with
 * an injected `fs.writeSync` that writes part of the bytes and then fails as a full disk does, and
 * once on a real, tiny tmpfs (needs root; skipped with the reason where mounting is not allowed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './config.js';
import { checkOutputDir } from './output-dir.js';
import { UnusableOutputError } from './paths.js';
import { ResultsStore, StoreWriteError, checkWritable, removeTempFiles, writeFileAtomic } from './store.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-store-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const good = JSON.stringify({ version: 1, trials: ['a', 'b'] }) + '\n';
const big = JSON.stringify({ version: 1, padding: 'x'.repeat(200_000) }) + '\n';

function tempFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

describe('writeFileAtomic', () => {
  it('writes every byte when writeSync writes a few at a time', () => {
    const file = path.join(tmp, 'chunks.json');
    const real = fs.writeSync.bind(fs) as (fd: number, b: Buffer, o: number, l: number) => number;
    vi.spyOn(fs, 'writeSync').mockImplementation(((
      fd: number,
      buffer: Buffer,
      offset: number,
      length: number,
    ) => real(fd, buffer, offset, Math.min(length, 4096))) as typeof fs.writeSync);
    writeFileAtomic(file, big);
    expect(fs.readFileSync(file, 'utf8')).toBe(big);
    expect(vi.mocked(fs.writeSync).mock.calls.length).toBeGreaterThan(40);
  });

  it('keeps the old file and removes its temporary file when the disk fills mid-write', () => {
    const file = path.join(tmp, 'manifest.json');
    writeFileAtomic(file, good);
    const real = fs.writeSync.bind(fs) as (fd: number, b: Buffer, o: number, l: number) => number;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((
      fd: number,
      buffer: Buffer,
      offset: number,
      length: number,
    ) => {
      if (calls++ === 0) return real(fd, buffer, offset, Math.min(length, 4096)); // a short write
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync);
    expect(() => writeFileAtomic(file, big)).toThrow(StoreWriteError);
    expect(() => writeFileAtomic(file, big)).toThrow(
      /cannot write .*manifest\.json: no space left on the device; the previous version of the file is unchanged/,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
    expect(tempFiles(tmp)).toEqual([]);
  });

  it('removeTempFiles removes what a killed writer left, and only that', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'strays-'));
    fs.writeFileSync(path.join(dir, '.checkpoint.json.123.abcd1234.tmp'), '{"half');
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), good);
    fs.writeFileSync(path.join(dir, 'notes.tmp'), 'a user file');
    expect(removeTempFiles(dir)).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint.json', 'notes.tmp']);
  });
});

/** Mounts a tmpfs of `kib` KiB; undefined (with the reason logged) where this user may not mount. */
function mountTmpfs(kib: number): string | undefined {
  const dir = fs.mkdtempSync(path.join(tmp, 'tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`tmpfs test skipped: cannot mount a tmpfs here (${(r.stderr || String(r.error)).trim()})`);
    return undefined;
  }
  return dir;
}

const canMount = process.platform === 'linux' && process.getuid?.() === 0;

// Mounting needs root on Linux; the injected-fs tests above cover the logic everywhere else.
describe.skipIf(!canMount)('writeFileAtomic on a real full disk (tmpfs)', () => {
  let mounted: string | undefined;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mounted]);
  });

  it('a short write on a 64 KiB tmpfs leaves the old file whole and no temporary file', () => {
    mounted = mountTmpfs(64);
    if (!mounted) return;
    const file = path.join(mounted, 'manifest.json');
    writeFileAtomic(file, good);
    // Fill most of the disk so that the next write is cut short partway through.
    fs.writeFileSync(path.join(mounted, 'filler'), Buffer.alloc(40 * 1024));
    let error: unknown;
    try {
      writeFileAtomic(file, big);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreWriteError);
    expect((error as StoreWriteError).code).toBe('ENOSPC');
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(JSON.parse(good));
    expect(tempFiles(mounted)).toEqual([]);
  });
});

describe('checkWritable', () => {
  // The store serves --out, a config's "out" and default directories alike; naming the one the
  // user gave is the caller's job, or a sweep config's "out" would be reported as --out.
  it('throws an UnusableOutputError that names the directory but no option', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const dir = path.join(file, 'sub');
    const error = (() => {
      try {
        checkWritable(dir);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnusableOutputError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as UnusableOutputError).dir).toBe(dir);
    expect((error as Error).message).not.toMatch(/--out|"out"/);
    expect(() => checkOutputDir(dir, '"out"')).toThrow(
      new UsageError(`"out" "${dir}" is not writable: ${file} is not a directory`),
    );
  });
});

describe('ResultsStore.clearTrial (arena run --force)', () => {
  it("deletes the trial's results and a killed writer's temporary files, and keeps its lock", () => {
    const store = new ResultsStore(path.join(tmp, 'clear'));
    const id = 'a__cartpole-v1__seed1';
    const dir = store.trialDir(id);
    fs.mkdirSync(path.join(dir, '.lock'), { recursive: true });
    for (const f of ['metrics.jsonl', 'checkpoint.json', 'trial.json', '.trial.json.1.ab.tmp']) {
      fs.writeFileSync(path.join(dir, f), '{}');
    }
    store.clearTrial(id);
    expect(fs.readdirSync(dir)).toEqual(['.lock']);
  });
});
