/**
 * Where a trial queue lives: `redis://[user:password@]host[:port][/db][?queue=<name>]` (`rediss://`
 * for TLS). The queue name defaults to `arena`; one queue can carry several sweeps (a job's id
 * names its sweep directory), so the name only separates groups of workers.
 *
 * Parsing loads nothing; `probeRedis` (which loads ioredis) connects once, without retrying, before anything is written or queued: an
 * unreachable server, a refused password or something that is not Redis is one line naming the
 * URL and what failed, within a few seconds, rather than ioredis' endless reconnect loop.
 */
import type { RedisOptions } from 'bullmq';
import { UsageError } from './config.js';

export const DEFAULT_QUEUE = 'arena';

/** How long a first connection may take before the URL is reported unreachable. */
export const CONNECT_TIMEOUT_MS = 5_000;

export interface QueueTarget {
  /** The URL as given, with any password replaced by `***` (for messages). */
  readonly url: string;
  /** BullMQ queue name. */
  readonly queue: string;
  /** Redis connection options, as BullMQ takes them (no retry policy: each user sets its own). */
  readonly connection: RedisOptions;
}

const QUEUE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export function isQueueUrl(text: string): boolean {
  return /^rediss?:\/\//i.test(text.trim());
}

/** The URL without its password, for messages and status lines. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Parses a queue URL; a malformed one is a UsageError naming `flag`. */
export function parseQueueUrl(text: string, flag = '--queue'): QueueTarget {
  const shown = redactUrl(text);
  const bad = (why: string) =>
    new UsageError(
      `${flag}: ${why} in "${shown}"; expected redis://[user:password@]host[:port][/db][?queue=name]`,
    );
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw bad('not a URL');
  }
  const protocol = url.protocol.toLowerCase();
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw bad(`unsupported scheme "${url.protocol}"`);
  if (!url.hostname) throw bad('no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\/+|\/+$/g, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) throw bad(`the path "/${dbText}" is not a database number`);
  let queue = DEFAULT_QUEUE;
  for (const [key, value] of url.searchParams) {
    if (key !== 'queue') throw bad(`unknown parameter "${key}"`);
    if (!QUEUE_NAME.test(value))
      throw bad(`queue name "${value}" is not 1–100 letters, digits, ".", "_" or "-"`);
    queue = value;
  }
  if (url.hash) throw bad('a "#" fragment');
  const hostname = url.hostname.replace(/^\[|\]$/g, ''); // IPv6 literals come bracketed
  const connection: RedisOptions = {
    host: hostname,
    port,
    ...(dbText !== '' ? { db: Number(dbText) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(protocol === 'rediss:' ? { tls: { servername: hostname } } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
  return { url: shown, queue, connection };
}

/** The queue could not be reached, or what answered is not a usable Redis. */
export class QueueUnreachableError extends Error {
  override name = 'QueueUnreachableError';
}

function describeConnectError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const message = (err.message ?? String(e)).replace(/\s+/g, ' ').trim();
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `host not found (${message})`;
  return message;
}

/**
 * Connects once (no retries), checks the server answers PING and is Redis ≥ 5 (BullMQ's minimum),
 * and disconnects. Returns the server's version. Throws QueueUnreachableError.
 */
export async function probeRedis(target: QueueTarget, timeoutMs = CONNECT_TIMEOUT_MS): Promise<string> {
  // Loaded here, so that commands without a queue do not load the Redis client.
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...target.connection,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let lastError: unknown;
  client.on('error', (e: unknown) => (lastError = e));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs + 1_000);
  });
  try {
    return await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
        const info = await client.info('server');
        const version = /redis_version:(\S+)/.exec(info)?.[1];
        if (!version) throw new Error('the server did not report a redis_version (is it Redis?)');
        const major = Number(version.split('.')[0]);
        if (!(major >= 5)) throw new Error(`Redis ${version} is too old; BullMQ needs Redis 5 or later`);
        return version;
      })(),
      deadline,
    ]);
  } catch (e) {
    // ioredis reports a dropped connection generically; the socket's own error says why.
    const generic = /Connection is closed|Stream isn't writeable|offline queue/i.test(
      String((e as { message?: string }).message),
    );
    throw new QueueUnreachableError(
      `cannot use the queue at ${target.url}: ${describeConnectError(generic && lastError ? lastError : e)}`,
    );
  } finally {
    if (timer) clearTimeout(timer);
    client.disconnect();
  }
}
