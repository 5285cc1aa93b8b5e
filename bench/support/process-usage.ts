import { readFileSync } from 'node:fs';

/** CPU time (user + system) a process has used, in ms; 0 where /proc cannot tell. */
export function processCpuMs(pid: number | undefined): number {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime and stime in clock ticks (100 per second).
  const fields = readProc(pid, 'stat').split(') ')[1]?.split(' ') ?? [];
  return fields.length > 13 ? (Number(fields[11]) + Number(fields[12])) * 10 : 0;
}

/** Peak resident set size of a process in bytes (Linux VmHWM), 0 where unknown. */
export function processPeakRssBytes(pid: number | undefined): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readProc(pid, 'status'));
  return match ? Number(match[1]) * 1024 : 0;
}

function readProc(pid: number | undefined, file: string): string {
  try {
    return pid === undefined ? '' : readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}
