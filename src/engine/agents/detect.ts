/**
 * Detection: is a profile's executable on this machine, and which version is it? A missing
 * agent is an answer (installed: false), never an error. Version commands run without a
 * shell, with a time limit, in their own process group so a hung one is killed whole.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LOGIN_SHELL, type VersionProbe } from '../../shared/agents';
import { loginShell } from './login-shell';
import { findOnPath, isExecutableFile } from './resolve-executable';

/**
 * Long enough for a Node-based CLI on two busy cores: `gemini --version` alone takes 3.5–6 s
 * there. Probes run in the background (version-probes.ts), so nobody waits this long.
 */
export const VERSION_TIMEOUT_MS = 20_000;
const MAX_OUTPUT = 64 * 1024;

export interface Detection {
  installed: boolean;
  path: string | null;
  version: string | null;
  /** How asking for the version went (see VersionProbe). */
  probe: VersionProbe;
  /** One line for the user when the probe did not give a version: what happened. */
  probeNote: string | null;
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

export type VersionCommandResult = { kind: 'exited'; output: string; code: number | null } | { kind: 'timed-out' } | { kind: 'failed'; reason: string };

/** Runs `file versionArgs…` and returns what it printed, or why it printed nothing useful. */
export function runVersionCommand(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = VERSION_TIMEOUT_MS): Promise<VersionCommandResult> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const finish = (v: VersionCommandResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    let child: ReturnType<typeof spawn>;
    try {
      // detached: its own process group, so a timeout also kills what it started.
      child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, windowsHide: true });
    } catch (err) {
      resolve({ kind: 'failed', reason: (err as Error).message });
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
      finish({ kind: 'timed-out' });
    }, timeoutMs);
    const collect = (chunk: Buffer): void => {
      if (out.length < MAX_OUTPUT) out += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (err) => finish({ kind: 'failed', reason: err.message }));
    child.on('close', (code) => finish({ kind: 'exited', output: out, code }));
  });
}

/** Asks an installed executable for its version: never throws. */
export async function probeVersion(file: string, versionArgs: string[], env: NodeJS.ProcessEnv, timeoutMs = VERSION_TIMEOUT_MS): Promise<Pick<Detection, 'version' | 'probe' | 'probeNote'>> {
  if (versionArgs.length === 0) return { version: null, probe: 'ok', probeNote: null };
  const command = [path.basename(file), ...versionArgs].join(' ');
  const r = await runVersionCommand(file, versionArgs, env, timeoutMs);
  if (r.kind === 'timed-out') return { version: null, probe: 'timed-out', probeNote: `\`${command}\` did not answer within ${timeoutMs >= 1000 ? `${(timeoutMs / 1000).toFixed(timeoutMs % 1000 ? 1 : 0)} s` : `${timeoutMs} ms`}` };
  if (r.kind === 'failed') return { version: null, probe: 'failed', probeNote: `\`${command}\` could not run: ${r.reason}` };
  const version = parseVersion(r.output);
  if (version) return { version, probe: 'ok', probeNote: null };
  const said = r.output.trim().split('\n')[0]?.slice(0, 120);
  return { version: null, probe: 'failed', probeNote: `\`${command}\` printed no version${r.code ? ` (exit code ${r.code})` : ''}${said ? `: ${said}` : ''}` };
}

export const NOT_INSTALLED: Detection = { installed: false, path: null, version: null, probe: 'ok', probeNote: null };
