/**
 * Stopping an agent means stopping everything it started. Some agents leave daemons behind
 * or ignore SIGHUP (DESIGN.md), so we signal the process group and every descendant.
 * Linux and macOS both have `ps -A -o pid=,ppid=`.
 */
import { execFile } from 'node:child_process';

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

/** SIGTERM the tree (group first), then SIGKILL whatever is still there after `graceMs`. */
export async function killTree(rootPid: number, graceMs = 1500): Promise<void> {
  const pids = [rootPid, ...(await descendantsOf(rootPid))];
  signal(-rootPid, 'SIGHUP');
  signal(-rootPid, 'SIGTERM');
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  signal(-rootPid, 'SIGKILL');
  for (const pid of pids) if (alive(pid)) signal(pid, 'SIGKILL');
}
