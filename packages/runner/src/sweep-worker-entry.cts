/**
 * The file piscina loads in each sweep worker. piscina loads a task file with require() first, and
 * on Node ≥ 20.19 require() of the ES module sweep-worker.js instantiates its module graph
 * synchronously. A worker terminated during that instantiation (pool.destroy() when a sweep fails
 * or is interrupted while its workers still start) aborts the whole process on Node 20.20
 * ("FATAL ERROR: v8::Module::IsGraphAsync must be used on an instantiated module", a native crash
 * that also hides the sweep's own error message). This CommonJS file makes require() cheap and
 * hands piscina the handler through import(), whose asynchronous instantiation a termination
 * stops cleanly. piscina takes the export as the module's default and awaits it.
 */
export = import('./sweep-worker.js').then((m) => m.default);
