/** Finds an executable the way execvp would, so a missing agent is a clear error, not a dead PTY. */
import fs from 'node:fs';
import path from 'node:path';
import { SwitchyardError } from '../../shared/errors';

export function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function resolveExecutable(name: string, cwd: string, envPath = process.env.PATH ?? ''): string {
  if (name.includes('/')) {
    const abs = path.resolve(cwd, name);
    if (isExecutableFile(abs)) return abs;
    throw new SwitchyardError('agent-not-found', `the agent command "${name}" does not exist or is not executable (looked for ${abs})`);
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new SwitchyardError('agent-not-found', `the agent command "${name}" was not found on PATH. Install it, or give its full path.`);
}

/** The first executable called `name` on PATH, or null: for detection, where missing is an answer. */
export function findOnPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
