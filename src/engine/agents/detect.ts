/**
 * Detection: is a profile's executable on this machine, and which version is it? A missing
 * agent is an answer (installed: false), never an error. Version commands run without a
 * shell, with a time limit, in their own process group so a hung one is killed whole.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LOGIN_SHELL, TASK_COMMAND, type AgentProfile } from '../../shared/agents';
import { loginShell } from './login-shell';
import { findOnPath, isExecutableFile } from './resolve-executable';

export const VERSION_TIMEOUT_MS = 3000;
const MAX_OUTPUT = 64 * 1024;

export interface Detection {
  installed: boolean;
  path: string | null;
  version: string | null;
}

/** Where a profile's executable is, or null; never throws. */
export function locateExecutable(executable: string, env: NodeJS.ProcessEnv): string | null {
  if (executable === LOGIN_SHELL) return loginShell(env);
  if (path.isAbsolute(executable)) return isExecutableFile(executable) ? executable : null;
  if (executable.includes('/')) return null;
  return findOnPath(executable, env.PATH ?? '');
}

/** The first thing that looks like a version number in what the command printed. */
export function parseVersion(output: string): string | null {
  // eslint-disable-next-line no-control-regex -- colour codes are exactly what we strip
  const plain = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const m = /(?:^|[^\w.])v?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)/.exec(plain);
  return m ? m[1]! : null;
}

/** Runs `file versionArgs…` and returns what it printed, or null if it failed to run or hung. */
export function runVersionCommand(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = VERSION_TIMEOUT_MS): Promise<string | null> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const finish = (v: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    let child: ReturnType<typeof spawn>;
    try {
      // detached: its own process group, so a timeout also kills what it started.
      child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
    } catch {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish(null);
    }, timeoutMs);
    const collect = (chunk: Buffer): void => {
      if (out.length < MAX_OUTPUT) out += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', () => finish(null));
    child.on('close', () => finish(out));
  });
}

/** Detects one profile: found on PATH (or at its absolute path), and its version if it says. */
export async function detectProfile(profile: AgentProfile, env: NodeJS.ProcessEnv, timeoutMs = VERSION_TIMEOUT_MS): Promise<Detection> {
  // A custom agent is a command line per task: nothing to look for until a task names one.
  if (profile.executable === TASK_COMMAND) return { installed: true, path: null, version: null };
  const found = locateExecutable(profile.executable, { ...env, ...profile.env });
  if (!found) return { installed: false, path: null, version: null };
  if (profile.versionArgs.length === 0) return { installed: true, path: found, version: null };
  const output = await runVersionCommand(found, profile.versionArgs, { ...env, ...profile.env }, timeoutMs);
  return { installed: true, path: found, version: output === null ? null : parseVersion(output) };
}
