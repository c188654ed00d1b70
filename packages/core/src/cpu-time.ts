/**
 * CPU time of the calling thread, for the per-iteration `cpuSeconds` metric: Linux's per-thread
 * clock in Node (platform/node.ts), undefined elsewhere and in browsers.
 */
export { threadCpuSeconds } from '#platform';
