/**
 * Worker threads with one request in flight each, and one failure policy for all of them: the first
 * failure of any thread (an error reply, an uncaught exception, an unexpected exit) rejects every
 * pending request with one message naming the thread and terminates all threads; from then on every
 * request is refused. Used by VectorEnv and by RolloutPool.
 */
import { Worker } from '#platform';
import { reviveError } from './errors.js';
import type { SerializedError } from './errors.js';

/** The reply a worker sends when its handler throws. */
export interface ErrorReply extends SerializedError {
  readonly type: 'error';
}

interface Pending<Reply> {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/** One worker thread and its single in-flight request. */
export class WorkerHandle<Req, Reply> {
  pending: Pending<Reply> | undefined;
  exited = false;
  readonly exit: Promise<void>;

  constructor(
    readonly worker: Worker,
    readonly index: number,
    /** First of the items (sub-envs) this worker owns; 0 where workers share the work. */
    readonly start: number,
    readonly count: number,
    /** What the worker is, for messages: `worker 1 (sub-envs 4..7)`. */
    readonly label: string,
  ) {
    this.exit = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.unref(); // referenced only while a request is in flight: a forgotten close() does not hang node
  }

  request(req: Req, transfer?: readonly ArrayBuffer[]): Promise<Reply> {
    if (this.pending) return Promise.reject(new Error(`${this.label}: a request is already in flight`));
    return new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.ref();
      this.worker.postMessage(req, transfer as ArrayBuffer[] | undefined);
    });
  }

  settle(): Pending<Reply> | undefined {
    const p = this.pending;
    this.pending = undefined;
    this.worker.unref();
    return p;
  }
}

export class WorkerGroup<Req extends { type: string }, Reply extends { type: string }> {
  failure: Error | undefined;
  /** Set once the workers are set up: failures before that say "during startup". */
  started = false;
  closing = false;

  constructor(
    /** Prefix of failure messages, e.g. `VectorEnv(hopper-v1)`. */
    private readonly owner: string,
    readonly handles: readonly WorkerHandle<Req, Reply>[],
  ) {
    for (const h of handles) {
      h.worker.on('message', (reply: Reply | ErrorReply) => {
        const p = h.settle();
        if (reply.type === 'error') {
          const e = reply as ErrorReply;
          this.fail(h, `${e.name}: ${e.message}`, p, reviveError(e));
        } else p?.resolve(reply as Reply);
      });
      h.worker.on('error', (err) => this.fail(h, `uncaught ${err.name}: ${err.message}`, h.settle()));
      h.worker.on('exit', (code) => {
        h.exited = true;
        if (!this.closing) this.fail(h, `the thread exited (code ${code})`, h.settle());
      });
    }
  }

  /** `cause`: the worker's own error, rebuilt here (a SimulationDivergedError keeps its class and details). */
  private fail(
    h: WorkerHandle<Req, Reply>,
    message: string,
    pending: Pending<Reply> | undefined,
    cause?: Error,
  ): void {
    if (!this.failure) {
      const when = this.started ? '' : ' during startup';
      this.failure = new Error(`${this.owner}: ${h.label} failed${when}: ${message}`, cause && { cause });
      for (const other of this.handles) {
        other.settle()?.reject(this.failure);
        if (!other.exited) void other.worker.terminate();
      }
    }
    pending?.reject(this.failure);
  }

  /** Sends a request (possibly different per worker) to every worker; resolves with the replies. */
  all(req: (h: WorkerHandle<Req, Reply>) => Req): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    return Promise.all(this.handles.map((h) => h.request(req(h))));
  }

  async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(this.handles.map((h) => (h.exited ? h.exit : h.worker.terminate().then(() => h.exit))));
  }

  /** Asks each worker to close (5 s at most), then ends the threads. */
  async close(closeRequest: Req): Promise<void> {
    this.closing = true;
    if (!this.failure) {
      const bye = this.all(() => closeRequest).catch(() => undefined);
      const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
      await Promise.race([bye, timeout]);
    }
    await this.terminate();
  }
}

/**
 * The entry of a worker thread named `name` (`vector-worker`, `rollout-worker`): in the built
 * package `dist/<name>.js`. When this module runs from its TypeScript source (vitest resolves
 * packages to `src/` through the "source" export condition), workers start through
 * `scripts/source-worker.mjs`, which registers a small Node module hook (`scripts/ts-hooks.mjs`) and
 * imports `src/<name>.ts`. That path is for development only and is not published.
 */
export function workerEntry(name: string): { url: URL; workerData?: unknown } {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    return {
      url: new URL('../scripts/source-worker.mjs', self),
      workerData: { entry: new URL(`./${name}.ts`, self).href },
    };
  }
  return { url: new URL(`./${name}.js`, self) };
}

/** Starts `count` threads of worker `name`, labelled by `label(k)`. */
export function startWorkers<Req, Reply>(
  name: string,
  count: number,
  label: (k: number) => { start: number; count: number; label: string },
): WorkerHandle<Req, Reply>[] {
  const entry = workerEntry(name);
  const handles: WorkerHandle<Req, Reply>[] = [];
  for (let k = 0; k < count; k++) {
    const worker = new Worker(entry.url, { workerData: entry.workerData, name: `policy-arena-${name}-${k}` });
    const l = label(k);
    handles.push(new WorkerHandle(worker, k, l.start, l.count, l.label));
  }
  return handles;
}
