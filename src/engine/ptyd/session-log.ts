/**
 * Reads what ptyd saved of a session's output (`<session>.log`, and `.log.1` before it once
 * rotated), so a terminal can show it again after ptyd is gone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SESSION_ID_PATTERN, sessionLogFiles } from '../../shared/ptyd-protocol';
import { SwitchyardError } from '../../shared/errors';

/** The log files of `session`, oldest first; the id becomes a file name, so it must be a plain one. */
function logFiles(dir: string, session: string): string[] {
  if (!SESSION_ID_PATTERN.test(session)) throw new SwitchyardError('invalid-input', `not a session id: ${JSON.stringify(session)}`);
  const names = sessionLogFiles(session);
  return [path.join(dir, names.previous), path.join(dir, names.current)];
}

/** The last `maxBytes` of the session's saved output (`.log.1` then `.log`), or null if none was saved. */
export function readSessionLogTail(dir: string, session: string, maxBytes: number): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let wanted = Math.max(0, Math.floor(maxBytes));
  let newer: number | null = null;
  // Newest first, each file read only as far back as still needed.
  for (const file of logFiles(dir, session).reverse()) {
    const tail = readTail(file, wanted);
    if (!tail) continue;
    // ptyd rotated between the two reads: this "older" file is the one just read.
    if (tail.ino === newer) break;
    newer = tail.ino;
    parts.unshift(tail.bytes);
    wanted -= tail.bytes.length;
  }
  return newer === null ? null : Buffer.concat(parts);
}

export function removeSessionLog(dir: string, session: string): void {
  for (const file of logFiles(dir, session)) fs.rmSync(file, { force: true });
}

/** The last `maxBytes` of a file, and which file it was; null if it does not exist. */
function readTail(file: string, maxBytes: number): { bytes: Uint8Array; ino: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const { size, ino } = fs.fstatSync(fd);
    const length = Math.min(size, maxBytes);
    const bytes = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(fd, bytes, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read), ino };
  } finally {
    fs.closeSync(fd);
  }
}
