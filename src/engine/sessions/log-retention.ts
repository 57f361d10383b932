/**
 * Saved session output (ptyd's `<session>.log` files) is kept while a task can still show it:
 * the current session of a task whose worktree exists, and any open terminal. Older logs go
 * after a week, so the folder does not grow with every run ever made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { removeSessionLog } from '../ptyd/session-log';

export const SESSION_LOG_RETENTION_MS = 7 * 24 * 3600_000;

export function pruneSessionLogs(dir: string, keep: ReadonlySet<string>, now = Date.now(), retentionMs = SESSION_LOG_RETENTION_MS): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^([A-Za-z0-9_-]{1,64})\.log$/.exec(name);
    if (!m || keep.has(m[1]!)) continue;
    let mtime: number;
    try {
      mtime = fs.statSync(path.join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    if (now - mtime < retentionMs) continue;
    removeSessionLog(dir, m[1]!);
    removed.push(m[1]!);
  }
  return removed;
}
