/**
 * Each task's own block of ports, so parallel dev servers never collide: SWITCHYARD_PORT and the
 * SWITCHYARD_PORT_COUNT ports from there. A block is held while the task has a worktree (it is
 * stored on the task) and is free again once the worktree is cleaned up: allocation only looks
 * at tasks that are not cleaned up, so there is nothing to forget to release.
 */
import net from 'node:net';
import { SwitchyardError } from '../../shared/errors';
import type { Db } from '../store/db';

export interface PortRange {
  /** First and last port, inclusive. */
  from: number;
  to: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { from: 41000, to: 49999 };
/** Blocks start on multiples of this from the range's start. */
export const PORT_BLOCK = 10;

export interface TaskPorts {
  base: number;
  count: number;
}

export function taskPorts(db: Db, taskId: string): TaskPorts | null {
  const r = db.prepare('SELECT port_base, port_count FROM tasks WHERE id = ?').get(taskId) as { port_base: number | null; port_count: number | null } | undefined;
  return r && r.port_base !== null ? { base: r.port_base, count: r.port_count ?? PORT_BLOCK } : null;
}

/**
 * Picks the lowest block no other live task holds (skipping `skip`) and stores it on the task,
 * in one transaction, so two tasks starting at once cannot get the same block.
 */
function reserve(db: Db, taskId: string, count: number, range: PortRange, skip: Set<number>): number {
  return db.transaction(() => {
    const held = db
      .prepare('SELECT port_base, port_count FROM tasks WHERE port_base IS NOT NULL AND cleaned_up = 0 AND id != ?')
      .all(taskId) as { port_base: number; port_count: number }[];
    for (let base = range.from; base + count - 1 <= range.to; base += PORT_BLOCK) {
      if (skip.has(base)) continue;
      if (held.some((h) => base < h.port_base + h.port_count && h.port_base < base + count)) continue;
      db.prepare('UPDATE tasks SET port_base = ?, port_count = ? WHERE id = ?').run(base, count, taskId);
      return base;
    }
    throw new SwitchyardError('bad-state', `no free block of ${count} ports is left in ${range.from}–${range.to}; clean up finished tasks`);
  })() as number;
}

/** Whether nothing listens on any of the ports on 127.0.0.1 right now. */
async function blockFree(base: number, count: number): Promise<boolean> {
  for (let p = base; p < base + count; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port: p, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** The task's block, allocating one (checked free on 127.0.0.1) if it has none. */
export async function ensureTaskPorts(db: Db, taskId: string, count: number, range: PortRange): Promise<TaskPorts> {
  const have = taskPorts(db, taskId);
  if (have) return have;
  const skip = new Set<number>();
  for (;;) {
    const base = reserve(db, taskId, count, range, skip);
    if (await blockFree(base, count)) return { base, count };
    // Something outside Switchyard listens there: keep looking (the next reserve replaces this one).
    skip.add(base);
  }
}

export function portEnv(ports: TaskPorts | null): Record<string, string> {
  return ports ? { SWITCHYARD_PORT: String(ports.base), SWITCHYARD_PORT_COUNT: String(ports.count) } : {};
}
