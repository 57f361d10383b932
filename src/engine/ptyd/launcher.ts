/**
 * Finds the running ptyd for a data directory, or starts one, detached, so that it survives
 * the engine. The socket lives in a 0700 directory; ptyd itself makes the socket 0600.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PtydClient } from './client';
import { SwitchyardError } from '../../shared/errors';

/** How to run ptyd: the built `ptyd.js` under Node, or the TypeScript source through tsx. */
export interface PtydLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface PtydPaths {
  socketPath: string;
  logPath: string;
}

export function ptydPaths(dataDir: string): PtydPaths {
  // Unix socket paths are limited to ~104 bytes; keep it short and inside a private directory.
  return { socketPath: path.join(dataDir, 'run', 'ptyd.sock'), logPath: path.join(dataDir, 'logs', 'ptyd.log') };
}

export async function connectOrStartPtyd(paths: PtydPaths, launch: PtydLaunch): Promise<PtydClient> {
  try {
    return await PtydClient.connect(paths.socketPath);
  } catch {
    // not running (or stale socket): start one
  }
  fs.mkdirSync(path.dirname(paths.logPath), { recursive: true });
  const runDir = path.dirname(paths.socketPath);
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(runDir, 0o700);
  const child = spawn(launch.command, [...launch.args, '--socket', paths.socketPath, '--log', paths.logPath], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...launch.env },
  });
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
      return await PtydClient.connect(paths.socketPath);
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
