/**
 * CPU time of the calling thread, for the per-iteration `cpuSeconds` metric. Node 20 has no
 * per-thread CPU clock (`process.threadCpuUsage` arrived in Node 23.9) and `process.cpuUsage()`
 * counts every thread of the process, which is wrong when several trials share one process. On
 * Linux, `/proc/thread-self/stat` is the calling thread's own record (a synchronous read runs on
 * the calling thread), with user and system time in clock ticks (fields 14 and 15).
 */
import { readFileSync } from 'node:fs';

/** Ticks per second of /proc's CPU times: USER_HZ, 100 on every mainstream Linux build. */
const USER_HZ = 100;
let available: boolean | undefined;

/** CPU seconds (user + system) used so far by the calling thread, or undefined off Linux. */
export function threadCpuSeconds(): number | undefined {
  if (available === false) return undefined;
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    available = Number.isFinite(ticks);
    return available ? ticks / USER_HZ : undefined;
  } catch {
    available = false;
    return undefined;
  }
}
