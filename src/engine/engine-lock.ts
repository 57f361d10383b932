/**
 * One engine per data folder: two would each schedule the same plans, run two merge trains and
 * fight over the notify socket. The lock is a file holding the owner's pid, made with O_EXCL; a
 * lock whose process is gone (a crash) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SwitchyardError } from '../shared/errors';

export function engineLockPath(dataDir: string): string {
  return path.join(dataDir, 'run', 'engine.lock');
}

/** The pid holding the lock, if it is alive. */
export function engineLockHolder(dataDir: string): number | null {
  try {
    const pid = Number(JSON.parse(fs.readFileSync(engineLockPath(dataDir), 'utf8')).pid);
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export function acquireEngineLock(dataDir: string): () => void {
  const file = engineLockPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, at: Date.now() }), { flag: 'wx', mode: 0o600 });
      return () => {
        if (engineLockHolder(dataDir) === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = engineLockHolder(dataDir);
      if (holder !== null) {
        throw new SwitchyardError(
          'bad-state',
          `another Switchyard engine (pid ${holder}) is already using ${dataDir} (lock: ${file}); close it first, or use another data folder (--data-dir). From scripts, talk to it with switchyard plan …/task … when it is switchyard serve.`,
        );
      }
      // Left by an engine that is gone. Renamed aside first, so of two processes taking it over
      // at once only one moves it; the other finds it gone and races fairly for a new one.
      try {
        fs.renameSync(file, `${file}.stale-${process.pid}`);
        fs.rmSync(`${file}.stale-${process.pid}`, { force: true });
      } catch {
        // the other one moved it
      }
    }
  }
  throw new SwitchyardError('bad-state', `could not take the engine lock in ${dataDir}`);
}
