import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by a process and all its descendants, from /proc. */
export function cpuSecondsOfTree(rootPid: number): number {
  let ticks = 0;
  for (const pid of descendantsAndSelf(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name, which may itself contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return ticks / TICKS_PER_SECOND;
}

function descendantsAndSelf(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const result = [rootPid];
  for (let i = 0; i < result.length; i++) {
    for (const [pid, parent] of parentOf) if (parent === result[i]) result.push(pid);
  }
  return result;
}

/**
 * CPU seconds used so far by every thread of one process, from /proc/<pid>/task/<tid>/schedstat.
 * That is the same on-CPU time as utime + stime, but counted in nanoseconds: a process sharing a
 * CPU with others for a few seconds gets about one CPU-second, and stat's 10 ms ticks would be
 * ~1% of that per thread, as large as the differences a paired round is meant to show.
 */
export function threadsCpuSeconds(pid: number): number {
  let nanoseconds = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return nanoseconds / 1e9;
}
