/**
 * A ptyd of another protocol version (left by an older Switchyard) is replaced when that loses
 * no agent, or when asked to; otherwise it keeps running and the error says why and what to do.
 * The "older ptyd" is a small real daemon on a real Unix socket, in a process of its own.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectOrStartPtyd, ptydPaths, type PtydPaths } from '../src/engine/ptyd/launcher';
import { StreamFrameReader, encodeStreamFrame } from '../src/shared/frames';
import { PTYD_PROTOCOL_VERSION } from '../src/shared/ptyd-protocol';
import { PTYD_FROM_SOURCE, ROOT, expectError, onCleanup, processAlive, runCleanups, tempDir, waitFor } from './helpers';
import { sessionSpec, startTestPtyd, stopProcess } from './ptyd-daemons';

afterEach(runCleanups);

/**
 * Speaks only the hello of protocol `version`: as a version-1 ptyd does (version and pid), or,
 * given a live-session count, as a later one refusing another protocol. Writes the pid file and
 * exits on SIGTERM, as ptyd does.
 */
const OLDER_PTYD = `
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StreamFrameReader, encodeStreamFrame } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src', 'shared', 'frames.ts')).href)};
const [socketPath, version, live] = process.argv.slice(2);
const server = net.createServer((sock) => {
  const reader = new StreamFrameReader();
  sock.on('error', () => {});
  sock.on('data', (chunk) => {
    for (const frame of reader.push(chunk)) {
      if (frame.header.op !== 'hello') continue;
      const hello = { op: 'hello', version: Number(version), pid: process.pid };
      if (live !== 'unknown') Object.assign(hello, { refused: 'protocol', liveSessions: Number(live) });
      sock.end(encodeStreamFrame(hello));
    }
  });
});
process.on('SIGTERM', () => {
  server.close();
  fs.rmSync(socketPath, { force: true });
  process.exit(0);
});
server.listen(socketPath, () => {
  fs.writeFileSync(path.join(path.dirname(socketPath), 'ptyd.pid'), String(process.pid));
  process.stdout.write('listening\\n');
});
`;

interface OlderPtyd {
  pid: number;
  paths: PtydPaths;
}

/** Starts the fake older daemon where a data folder's ptyd would be. `live`: its live sessions, or 'unknown' (version 1). */
async function startOlderPtyd(live: number | 'unknown', version = 1): Promise<OlderPtyd> {
  const paths = ptydPaths(tempDir('sy-old-ptyd-'));
  fs.mkdirSync(path.dirname(paths.socketPath), { recursive: true, mode: 0o700 });
  const script = path.join(tempDir('sy-old-src-'), 'older-ptyd.mjs');
  fs.writeFileSync(script, OLDER_PTYD);
  const child = spawn(process.execPath, ['--import', 'tsx', script, paths.socketPath, String(version), String(live)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  onCleanup(() => stopProcess(child.pid!));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`the older ptyd exited with ${code}`)));
  });
  return { pid: child.pid!, paths };
}

/** Starts (or connects to) ptyd for these paths as the engine does, stopping what it started after the test. */
async function launch(paths: PtydPaths, replaceOlder?: boolean) {
  const client = await connectOrStartPtyd(paths, PTYD_FROM_SOURCE, { replaceOlder });
  onCleanup(async () => {
    client.close();
    await stopProcess(client.ptydPid);
  });
  return client;
}

describe('a ptyd of another protocol version', () => {
  it('is stopped and replaced when it holds no live session', async () => {
    const older = await startOlderPtyd(0);
    const client = await launch(older.paths);
    expect(processAlive(older.pid)).toBe(false);
    expect(client.ptydPid).not.toBe(older.pid);
    expect((await client.ping()).pid).toBe(client.ptydPid);
  });

  it('is left running, with its agents, when it holds live sessions; the error names it, both versions, the count and the plan', async () => {
    const older = await startOlderPtyd(3);
    const err = await expectError(launch(older.paths), 'ptyd-version');
    expect(err.message).toContain(`pid ${older.pid}`);
    expect(err.message).toContain('protocol 1');
    expect(err.message).toContain(`protocol ${PTYD_PROTOCOL_VERSION}`);
    expect(err.message).toContain('3 live agent sessions, which keep running');
    expect(err.message).toContain('finish or stop them with the Switchyard version that started them');
    expect(err.message).toContain('--replace-ptyd');
    expect(err.message).toContain('interrupted and can be resumed or restarted');
    expect(processAlive(older.pid)).toBe(true);
    expect(await answersHello(older.paths.socketPath)).toMatchObject({ version: 1, pid: older.pid });
  });

  it('is left running when, as version 1 does, it does not say how many sessions it holds', async () => {
    const older = await startOlderPtyd('unknown');
    const err = await expectError(launch(older.paths), 'ptyd-version');
    expect(err.message).toContain('an unknown number of live agent sessions');
    expect(processAlive(older.pid)).toBe(true);
  });

  it('is stopped, sessions and all, and replaced when asked to (--replace-ptyd)', async () => {
    const older = await startOlderPtyd(3);
    const client = await launch(older.paths, true);
    expect(processAlive(older.pid)).toBe(false);
    expect(client.ptydPid).not.toBe(older.pid);
    expect(await client.list()).toEqual([]);
  });

  it('is not signalled when the pid file in the run folder names another process', async () => {
    const older = await startOlderPtyd(0);
    fs.writeFileSync(path.join(path.dirname(older.paths.socketPath), 'ptyd.pid'), '999999999');
    const err = await expectError(launch(older.paths, true), 'ptyd-version');
    expect(err.message).toContain('does not name that process');
    expect(processAlive(older.pid)).toBe(true);
  });
});

describe('a current ptyd greeted with another version', () => {
  it('refuses with "protocol" and says how many live sessions it holds', async () => {
    const { client, paths, work } = await startTestPtyd();
    await client.spawn(sessionSpec(work, ['sleep', '1000']));
    const exitedSpec = sessionSpec(work, ['true']);
    await client.spawn(exitedSpec);
    await waitFor(async () => (await client.list()).some((s) => s.session === exitedSpec.session && !s.alive), 'the short one to exit');
    const secret = fs.readFileSync(path.join(path.dirname(paths.socketPath), 'ptyd.secret'), 'utf8').trim();
    expect(await answersHello(paths.socketPath, PTYD_PROTOCOL_VERSION + 1, secret)).toEqual({
      op: 'hello',
      version: PTYD_PROTOCOL_VERSION,
      pid: client.ptydPid,
      refused: 'protocol',
      liveSessions: 1,
    });
    // Without the secret, it says only that it speaks another version.
    expect(await answersHello(paths.socketPath, PTYD_PROTOCOL_VERSION + 1)).toEqual({ op: 'hello', version: PTYD_PROTOCOL_VERSION, pid: client.ptydPid, refused: 'protocol' });
  });
});

/** Greets the daemon on `socketPath` with `version` (and `secret`) and returns its hello. */
function answersHello(socketPath: string, version = PTYD_PROTOCOL_VERSION, secret?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(socketPath);
    const reader = new StreamFrameReader();
    sock.on('connect', () => sock.write(encodeStreamFrame({ op: 'hello', version, ...(secret ? { secret } : {}) })));
    sock.on('data', (chunk) => {
      const [frame] = reader.push(chunk);
      if (!frame) return;
      sock.destroy();
      resolve(frame.header);
    });
    sock.on('error', reject);
  });
}
