/** ptyd's socket is private to the user, and it talks only to peers of its own protocol version. */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeStreamFrame, StreamFrameReader } from '../src/shared/frames';
import { PTYD_PROTOCOL_VERSION } from '../src/shared/ptyd-protocol';
import { ptydPaths } from '../src/engine/ptyd/launcher';
import { runCleanups, startEngine } from './helpers';
import { PtydClient } from '../src/engine/ptyd/client';

afterEach(runCleanups);

describe('ptyd socket', () => {
  it('lives in a 0700 directory as a 0600 socket', async () => {
    const engine = await startEngine();
    const { socketPath } = ptydPaths(engine.dataDir);
    expect(fs.statSync(path.dirname(socketPath)).mode & 0o777).toBe(0o700);
    const st = fs.statSync(socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('drops a client that greets with another protocol version, and answers its own', async () => {
    const engine = await startEngine();
    const { socketPath } = ptydPaths(engine.dataDir);
    const secret = fs.readFileSync(path.join(path.dirname(socketPath), 'ptyd.secret'), 'utf8').trim();
    const talk = (version: number) =>
      new Promise<{ hello: unknown; closed: boolean }>((resolve) => {
        const sock = net.createConnection(socketPath);
        const reader = new StreamFrameReader();
        let hello: unknown = null;
        sock.on('connect', () => sock.write(encodeStreamFrame({ op: 'hello', version, secret })));
        sock.on('data', (chunk) => {
          for (const f of reader.push(chunk)) hello = f.header;
          // A matching peer stays connected: hang up ourselves once greeted.
          if (version === PTYD_PROTOCOL_VERSION) setTimeout(() => resolve({ hello, closed: sock.destroyed }), 200);
        });
        sock.on('close', () => resolve({ hello, closed: true }));
      });
    const wrong = await talk(PTYD_PROTOCOL_VERSION + 1);
    expect(wrong.hello).toMatchObject({ op: 'hello', version: PTYD_PROTOCOL_VERSION });
    expect(wrong.closed).toBe(true);
    const right = await talk(PTYD_PROTOCOL_VERSION);
    expect(right.hello).toMatchObject({ op: 'hello', version: PTYD_PROTOCOL_VERSION });
    expect(right.closed).toBe(false);
  });
});

describe('the ptyd handshake secret', () => {
  it('refuses a client without the secret from the 0600 file, and lets the engine in', async () => {
    const engine = await startEngine();
    const { socketPath } = ptydPaths(engine.dataDir);
    const secretFile = path.join(path.dirname(socketPath), 'ptyd.secret');
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    // A client that can reach the socket but has no secret gets a clear refusal.
    const moved = `${secretFile}.away`;
    fs.renameSync(secretFile, moved);
    try {
      await expect(PtydClient.connect(socketPath)).rejects.toThrow('the terminal daemon refused this engine: a wrong or missing secret (ptyd.secret)');
    } finally {
      fs.renameSync(moved, secretFile);
    }
    const ok = await PtydClient.connect(socketPath);
    expect(Array.isArray(await ok.list())).toBe(true);
    ok.close();
  });
});
