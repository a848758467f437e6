/** What both benchmarks measure with: the median of their samples and a process's or thread's CPU. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** The median of the benchmarks' samples: the middle value, or the mean of the two middle ones. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/**
 * utime + stime in seconds from a /proc stat file: `/proc/PID/stat` for a whole process (all its
 * threads), `/proc/PID/task/TID/stat` for one thread. NaN where there is no /proc.
 */
export function procCpuSeconds(statFile: string): number {
  try {
    const stat = fs.readFileSync(statFile, 'utf8');
    // The command name, in parentheses, may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return NaN;
  }
}
