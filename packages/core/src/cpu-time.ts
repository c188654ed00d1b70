/**
 * CPU time of the calling thread, for the per-iteration `cpuSeconds` metric: Linux's per-thread
 * clock in Node (platform/node.ts), undefined elsewhere and in browsers.
 */
import { threadCpuSeconds as platformCpuSeconds } from '#platform';

/** CPU seconds (user + system) used so far by the calling thread, or undefined where unknown. */
export function threadCpuSeconds(): number | undefined {
  return platformCpuSeconds();
}
