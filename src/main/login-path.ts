/**
 * A desktop app started from the Dock or a launcher does not get the PATH of the user's login
 * shell, so agents installed with npm, pip or Homebrew look "not installed". Ask the login shell
 * once, at startup. The command is a constant, never built from input.
 */
import { execFile } from 'node:child_process';

const MARKER = '__SWITCHYARD_PATH__';

export function loginShellPath(shell = process.env.SHELL || '/bin/sh', timeoutMs = 4000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(shell, ['-ilc', `printf '${MARKER}%s' "$PATH"`], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      const at = stdout?.lastIndexOf(MARKER) ?? -1;
      if (err || at < 0) return resolve(null);
      const value = stdout.slice(at + MARKER.length).trim();
      resolve(value || null);
    });
  });
}

export async function adoptLoginShellPath(): Promise<void> {
  if (process.platform === 'win32') return;
  const p = await loginShellPath();
  if (p) process.env.PATH = p;
}
