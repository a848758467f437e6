/**
 * The running service's pid file beside its database file, `<database>.pid`: the process id (and,
 * on Linux, the process's start time), written when the service opens the file and removed when it
 * closes. A command that would replace the file (the demo builder) asks whether a live service
 * holds it. A pid file left behind by a killed service names a dead process, or a process id
 * reused by another program since (its start time differs), and is ignored.
 */
import fs from 'node:fs';

export interface PidFile {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), where there is /proc. */
  startTicks: number | null;
  startedAt: string;
}

export const pidFilePath = (databasePath: string): string => `${databasePath}.pid`;

/** Field 22 of /proc/<pid>/stat, after the command name (which may itself hold spaces or parentheses). */
function startTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isSafeInteger(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPidFile(file: string): PidFile | null {
  try {
    const held = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PidFile>;
    if (!Number.isSafeInteger(held.pid) || (held.pid as number) <= 0) return null;
    return { pid: held.pid as number, startTicks: typeof held.startTicks === 'number' ? held.startTicks : null, startedAt: String(held.startedAt ?? '') };
  } catch {
    return null;
  }
}

/** The live service that holds the database file, or null (no pid file, an unreadable one, or a stale one). */
export function runningService(databasePath: string): PidFile | null {
  const held = readPidFile(pidFilePath(databasePath));
  if (!held || held.pid === process.pid || !isAlive(held.pid)) return null;
  if (held.startTicks !== null) {
    const ticks = startTicks(held.pid);
    if (ticks !== null && ticks !== held.startTicks) return null;
  }
  return held;
}

/**
 * Writes the pid file: the database is held by this process. The returned function removes it
 * (only if it is still this process's), and so does the process's exit.
 */
export function writePidFile(databasePath: string): () => void {
  const file = pidFilePath(databasePath);
  const own: PidFile = { pid: process.pid, startTicks: startTicks(process.pid), startedAt: new Date().toISOString() };
  fs.writeFileSync(file, `${JSON.stringify(own)}\n`);
  const release = () => {
    process.removeListener('exit', release);
    if (readPidFile(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  process.once('exit', release);
  return release;
}
