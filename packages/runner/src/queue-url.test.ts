import { describe, expect, it } from 'vitest';
import { UsageError } from './config.js';
import { DEFAULT_QUEUE, isQueueUrl, parseQueueUrl, redactUrl } from './queue-url.js';
import { checkJobData, trialJobId } from './queue-jobs.js';

describe('queue URLs', () => {
  it('take host, port, database, credentials, TLS and a queue name', () => {
    expect(parseQueueUrl('redis://10.0.0.5')).toEqual({
      url: 'redis://10.0.0.5',
      queue: DEFAULT_QUEUE,
      connection: { host: '10.0.0.5', port: 6379, connectTimeout: 5000 },
    });
    const full = parseQueueUrl('rediss://arena:s%40cret@redis.example:6380/2?queue=figure4');
    expect(full.queue).toBe('figure4');
    expect(full.url).toBe('rediss://arena:***@redis.example:6380/2?queue=figure4');
    expect(full.connection).toMatchObject({
      host: 'redis.example',
      port: 6380,
      db: 2,
      username: 'arena',
      password: 's@cret',
      tls: { servername: 'redis.example' },
    });
    expect(parseQueueUrl('redis://[::1]:7000').connection).toMatchObject({ host: '::1', port: 7000 });
  });

  it.each([
    ['http://host:6379', /unsupported scheme "http:"/],
    ['redis://host:6379/zero', /the path "\/zero" is not a database number/],
    ['redis://host:6379?db=1', /unknown parameter "db"/],
    ['redis://host:6379?queue=a:b', /queue name "a:b" is not/],
    ['redis://host:6379#x', /fragment/],
    ['redis://', /not a URL|no host/],
  ])('refuse %s with a UsageError naming the flag', (text, message) => {
    expect(() => parseQueueUrl(text)).toThrow(UsageError);
    expect(() => parseQueueUrl(text)).toThrow(message);
    expect(() => parseQueueUrl(text)).toThrow(/^--queue: /);
  });

  it('are told from directories, and never show a password', () => {
    expect(isQueueUrl('redis://h')).toBe(true);
    expect(isQueueUrl('REDISS://h')).toBe(true);
    expect(isQueueUrl('runs/redis')).toBe(false);
    expect(redactUrl('redis://:pw@h:1')).toBe('redis://:***@h:1');
    expect(() => parseQueueUrl('ftp://u:hunter2@h')).toThrow(/u:\*\*\*@h/);
  });
});

describe('trial jobs', () => {
  it('have ids that name the trial and its directory, without ":"', () => {
    const id = trialJobId('/runs/a', 'cem__cartpole-v1__seed1');
    expect(id).toMatch(/^cem__cartpole-v1__seed1@[0-9a-f]{8}$/);
    expect(trialJobId('/runs/b', 'cem__cartpole-v1__seed1')).not.toBe(id);
    expect(trialJobId('/runs/a', 'cem__cartpole-v1__seed1')).toBe(id);
  });

  it('are checked before a worker runs them', () => {
    const good = {
      version: 1,
      dir: '/runs/a',
      trial: 't',
      fingerprint: 'f',
      config: { file: '/c.json', text: '{}', cwd: '/' },
      checkpointEvery: 1,
      iterationTimeout: 3600,
      submitted: { host: 'h', pid: 1, at: '' },
    };
    expect(checkJobData(good)).toBe(good);
    expect(checkJobData({ ...good, version: 2 })).toMatch(/version 2/);
    expect(checkJobData({ ...good, dir: '' })).toMatch(/"dir"/);
    expect(checkJobData({ ...good, config: { file: 'x' } })).toMatch(/"config"/);
    expect(checkJobData({ ...good, checkpointEvery: 0 })).toMatch(/checkpointEvery/);
    expect(checkJobData(null)).toMatch(/not an object/);
  });
});
