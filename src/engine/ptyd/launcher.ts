/**
 * Finds the running ptyd for a data directory, or starts one, detached, so that it survives
 * the engine. The socket lives in a 0700 directory; ptyd itself makes the socket 0600.
 *
 * A running ptyd of another protocol version (left by an older or newer Switchyard) is
 * replaced when that loses nothing — it holds no live session — or when the user asked for it
 * (`replaceOlder`); otherwise its agents keep running and the error says what to do.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PtydClient, PtydVersionMismatch, type PtydConnectOptions } from './client';
import { SwitchyardError } from '../../shared/errors';
import { PTYD_PID_FILE, PTYD_PROTOCOL_VERSION } from '../../shared/ptyd-protocol';

/** How to run ptyd: the built `ptyd.js` under Node, or the TypeScript source through tsx. */
export interface PtydLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface PtydPaths {
  socketPath: string;
  logPath: string;
  /** Where ptyd keeps each session's raw output (`<session>.log`), so it outlives ptyd. */
  sessionLogDir: string;
}

export interface ConnectOrStartOptions {
  /** Stop a ptyd of another protocol version even if agents still run in it (`--replace-ptyd`). */
  replaceOlder?: boolean;
  /** Passed to every connection (heartbeat intervals; tests make them small). */
  connect?: PtydConnectOptions;
}

/** How long a replaced daemon has to go after SIGTERM (its shutdown stops its sessions) before SIGKILL. */
const STOP_GRACE_MS = 10_000;

export function ptydPaths(dataDir: string): PtydPaths {
  // Unix socket paths are limited to ~104 bytes; keep it short and inside a private directory.
  return {
    socketPath: path.join(dataDir, 'run', 'ptyd.sock'),
    logPath: path.join(dataDir, 'logs', 'ptyd.log'),
    sessionLogDir: path.join(dataDir, 'logs', 'sessions'),
  };
}

export async function connectOrStartPtyd(paths: PtydPaths, launch: PtydLaunch, opts: ConnectOrStartOptions = {}): Promise<PtydClient> {
  try {
    return await PtydClient.connect(paths.socketPath, opts.connect);
  } catch (err) {
    if (err instanceof PtydVersionMismatch) await replaceMismatched(paths, err, opts.replaceOlder === true);
    // otherwise not running (or a stale socket): start one
  }
  return startPtyd(paths, launch, opts.connect);
}

/** Stops a daemon of another version when that is allowed; else explains, and leaves it running. */
async function replaceMismatched(paths: PtydPaths, daemon: PtydVersionMismatch, replaceOlder: boolean): Promise<void> {
  if (daemon.liveSessions !== 0 && !replaceOlder) throw versionError(daemon);
  // Signal only the process the run folder names, never a pid a socket merely claimed.
  const pidFile = path.join(path.dirname(paths.socketPath), PTYD_PID_FILE);
  let recorded = NaN;
  try {
    recorded = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    // no pid file
  }
  if (recorded !== daemon.daemonPid) {
    throw new SwitchyardError(
      'ptyd-version',
      `${daemonLine(daemon)}, and ${pidFile} does not name that process, so Switchyard will not stop it. Stop it yourself (or with the Switchyard version that started it), then start again.`,
    );
  }
  // Once the process is gone nothing answers on its socket, and the new ptyd clears the stale one.
  const gone = () => !signal(daemon.daemonPid, 0);
  signal(daemon.daemonPid, 'SIGTERM');
  if (await until(gone, STOP_GRACE_MS)) return;
  signal(daemon.daemonPid, 'SIGKILL');
  if (!(await until(gone, STOP_GRACE_MS))) {
    throw new SwitchyardError('ptyd-version', `${daemonLine(daemon)}, and it did not stop when asked to; stop it yourself, then start again.`);
  }
}

function daemonLine(d: PtydVersionMismatch): string {
  return `The running terminal daemon (ptyd, pid ${d.daemonPid}) speaks protocol ${d.daemonVersion}; this Switchyard speaks protocol ${PTYD_PROTOCOL_VERSION}`;
}

function versionError(d: PtydVersionMismatch): SwitchyardError {
  const count = d.liveSessions === null ? 'an unknown number of live agent sessions' : d.liveSessions === 1 ? '1 live agent session' : `${d.liveSessions} live agent sessions`;
  return new SwitchyardError(
    'ptyd-version',
    `${daemonLine(d)}. It holds ${count}, which keep running. ` +
      'Either finish or stop them with the Switchyard version that started them, then start this one again; ' +
      'or start with --replace-ptyd to stop them (their tasks then show as interrupted and can be resumed or restarted).',
  );
}

async function startPtyd(paths: PtydPaths, launch: PtydLaunch, connect: PtydConnectOptions | undefined): Promise<PtydClient> {
  fs.mkdirSync(path.dirname(paths.logPath), { recursive: true });
  const runDir = path.dirname(paths.socketPath);
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(runDir, 0o700);
  const args = [...launch.args, '--socket', paths.socketPath, '--log', paths.logPath, '--session-logs', paths.sessionLogDir];
  const child = spawn(launch.command, args, { detached: true, stdio: 'ignore', env: { ...process.env, ...launch.env } });
  child.unref();
  let exited: number | null = null;
  let spawnError: Error | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  // A launcher that cannot run at all (a missing node) is an error to report, not a crash.
  child.once('error', (err) => {
    spawnError = err;
  });
  const deadline = Date.now() + 15_000;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (exited !== null || spawnError) break;
    try {
      return await PtydClient.connect(paths.socketPath, connect);
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new SwitchyardError(
    'ptyd-unavailable',
    `could not start the terminal daemon (ptyd): ${spawnError ? (spawnError as Error).message : exited !== null ? `it exited with code ${exited}` : String(lastError)}; see ${paths.logPath}`,
  );
}

/** Sends `sig` (0: only looks); false when there is no such process. */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}
