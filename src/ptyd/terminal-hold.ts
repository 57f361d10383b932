/**
 * Keeps an agent's last output. On Linux, once the last descriptor of a PTY's terminal side
 * closes (the agent exits), reads of the other side fail with EIO and whatever output was still
 * queued there is thrown away, so an agent that prints its summary and exits at once can lose
 * it (microsoft/node-pty#72). ptyd holds one descriptor of the terminal side itself, so reads
 * go on after the exit: node-pty keeps reading for 200 ms after the agent is gone, then closes
 * the PTY and reports the exit. (Output a session paused for its mirror has not read by then is
 * still lost; ptyd pauses only while its parser is 4 MB behind.)
 */
import fs from 'node:fs';
import type { IPty } from 'node-pty';

/** Opens the terminal side of `proc`'s PTY (never as ptyd's controlling terminal); returns the release, or null if it cannot. */
export function holdTerminalOpen(proc: IPty, platform = process.platform): (() => void) | null {
  if (platform !== 'linux') return null;
  // node-pty's UnixTerminal names its terminal side, though its typings do not say so.
  const name = (proc as IPty & { ptsName?: unknown }).ptsName;
  if (typeof name !== 'string' || !name.startsWith('/dev/')) return null;
  let fd: number | null;
  try {
    fd = fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  } catch {
    return null;
  }
  return () => {
    if (fd === null) return;
    fs.closeSync(fd);
    fd = null;
  };
}
