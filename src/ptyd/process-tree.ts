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
export async function taggedProcesses(session: string, platform = process.platform): Promise<number[]> {
  const needle = `${SESSION_TAG}=${session}`;
  if (platform === 'linux') {
    const pids: number[] = [];
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
      try {
        if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(needle)) pids.push(Number(name));
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
    .filter((line) => line.includes(` ${needle} `) || line.endsWith(` ${needle}`))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
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
  const found = async (): Promise<number[]> => {
    const tree = rootPid !== null ? [rootPid, ...(await descendantsOf(rootPid))] : [];
    const tagged = session ? await taggedProcesses(session) : [];
    return [...new Set([...tree, ...tagged])];
  };
  const pids = await found();
  if (rootPid !== null) {
    signal(-rootPid, 'SIGHUP');
    signal(-rootPid, 'SIGTERM');
  }
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (rootPid !== null) signal(-rootPid, 'SIGKILL');
  for (const pid of new Set([...pids, ...(await found())])) if (alive(pid)) signal(pid, 'SIGKILL');
}
