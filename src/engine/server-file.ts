/**
 * `<data dir>/run/server.json`: where a running `switchyard serve` listens, so the CLI can
 * reach it. The token is not in it; the CLI reads the 0600 token file like the server does.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ServerFile {
  pid: number;
  port: number;
  headless: boolean;
}

export function serverFilePath(dataDir: string): string {
  return path.join(dataDir, 'run', 'server.json');
}

export function writeServerFile(dataDir: string, info: ServerFile): void {
  const file = serverFilePath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Removes the file if it is still this process's. */
export function removeServerFile(dataDir: string, pid: number): void {
  const file = serverFilePath(dataDir);
  const current = readServerFile(dataDir);
  if (current?.pid === pid) fs.rmSync(file, { force: true });
}

/** The file, if there is one and its process is alive. */
export function readServerFile(dataDir: string): ServerFile | null {
  try {
    const info = JSON.parse(fs.readFileSync(serverFilePath(dataDir), 'utf8')) as ServerFile;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}
