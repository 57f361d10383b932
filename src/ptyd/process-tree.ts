/**
 * Stopping an agent means stopping everything it started. Some agents leave daemons behind
 * or ignore SIGHUP (DESIGN.md), so we signal the process group and every descendant. A daemon
 * that double-forks is re-parented to PID 1 and escapes the tree, so every session's processes
 * also carry an environment tag, found in /proc/<pid>/environ on Linux and `ps -E` on macOS.
 * This is the one platform-specific module for process trees.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';

/** The environment variable every process of a ptyd session inherits. */
export const SESSION_TAG = 'SWITCHYARD_SESSION';

/** Processes (other than this one) whose environment carries `SWITCHYARD_SESSION=<session>`. */
export function taggedProcesses(session: string, platform = process.platform): Promise<number[]> {
  return processesTaggedWithAny([session], platform);
}

/** Processes (other than this one) tagged with any of `sessions`, found in one look at the process table. */
export async function processesTaggedWithAny(sessions: readonly string[], platform = process.platform): Promise<number[]> {
  if (sessions.length === 0) return [];
  const needles = new Set(sessions.map((s) => `${SESSION_TAG}=${s}`));
  if (platform === 'linux') {
    const pids: number[] = [];
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
      try {
        if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').some((v) => needles.has(v))) pids.push(Number(name));
      } catch {
        // gone, or not ours to read
      }
    }
    return pids;
  }
  // macOS and other BSDs: `ps -E` appends each process's environment to its command.
  const out = await new Promise<string>((resolve) => {
    execFile('ps', ['-A', '-E', '-ww', '-o', 'pid=,command='], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => resolve(err ? '' : stdout));
  });
  return out
    .split('\n')
    .filter((line) => line.split(' ').some((word) => needles.has(word)))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

/**
 * When `pid` started (ticks since boot, from /proc/<pid>/stat), to tell a process from a later
 * one that reused its pid; null when it is gone or cannot be told (not Linux).
 */
export function startTimeOf(pid: number, platform = process.platform): string | null {
  if (platform !== 'linux') return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces, so count from its ')'. starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether `pid` is still the process that started at `startTime` (any live pid, where that cannot be told). */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  if (startTime !== null) return startTimeOf(pid) === startTime;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The foreground process group of the terminal `pid` controls (what Ctrl-C reaches), or null
 * when it cannot be told: from /proc/<pid>/stat on Linux, `ps -o tpgid=` elsewhere.
 */
export async function foregroundGroup(pid: number, platform = process.platform): Promise<number | null> {
  let tpgid: number;
  if (platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp session tty_nr tpgid ...": comm may hold spaces, so count from its ')'.
      tpgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[5]);
    } catch {
      return null;
    }
  } else {
    const out = await new Promise<string>((resolve) => {
      execFile('ps', ['-o', 'tpgid=', '-p', String(pid)], (err, stdout) => resolve(err ? '' : stdout));
    });
    tpgid = Number(out.trim());
  }
  return Number.isInteger(tpgid) && tpgid > 0 ? tpgid : null;
}

export async function descendantsOf(rootPid: number): Promise<number[]> {
  const table = await new Promise<string>((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid='], { maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
      resolve(err ? '' : stdout);
    });
  });
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined || Number.isNaN(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM the tree (group first) and every process tagged with the session, then SIGKILL
 * whatever is still there after `graceMs` — looking for tagged processes again, since some may
 * have been started during the grace period. `rootPid` is null when the agent itself has exited
 * and only what it left behind remains.
 */
export async function killTree(rootPid: number | null, session: string | null, graceMs = 1500): Promise<void> {
  await terminate(
    async () => {
      const tree = rootPid !== null ? [rootPid, ...(await descendantsOf(rootPid))] : [];
      const tagged = session ? await taggedProcesses(session) : [];
      return [...tree, ...tagged];
    },
    rootPid,
    graceMs,
  );
}

/**
 * Kills, in the same two steps, every process tagged with one of `sessions`: what a ptyd that
 * died left running. Returns how many processes it found.
 */
export function killTagged(sessions: readonly string[], graceMs = 1500): Promise<number> {
  return terminate(() => processesTaggedWithAny(sessions), null, graceMs);
}

/** TERM (and HUP the group), wait up to `graceMs`, look again and KILL what is left; returns how many were found. */
async function terminate(find: () => Promise<number[]>, group: number | null, graceMs: number): Promise<number> {
  const pids = new Set(await find());
  if (group !== null) {
    signal(-group, 'SIGHUP');
    signal(-group, 'SIGTERM');
  }
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && [...pids].some(alive)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (group !== null) signal(-group, 'SIGKILL');
  for (const pid of await find()) pids.add(pid);
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
  return pids.size;
}
