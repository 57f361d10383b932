/**
 * The CLI's line to a running engine: the loopback WebSocket of `switchyard serve`, found
 * through `<data dir>/run/server.json` and opened with the token from the 0600 token file.
 * When no server runs, one is started headless in the background (it keeps running plans
 * after this command exits), and the CLI waits for it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { Method, Output, RpcResponse } from '../shared/contract';
import { SERVER_TOKEN_FILE, TOKEN_PARAM, WS_PATH, type ServerTextMessage } from '../shared/wire';
import { siblingLaunch } from '../engine/launches';
import { readServerFile, type ServerFile } from '../engine/server-file';
import { engineLockHolder } from '../engine/engine-lock';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = 60_000;

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, (res: RpcResponse) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as ServerTextMessage;
      if (msg.kind !== 'rpc') return;
      this.pending.get(msg.id)?.(msg);
      this.pending.delete(msg.id);
    });
    ws.on('close', () => {
      for (const resolve of this.pending.values()) resolve({ id: 0, ok: false, error: { code: 'internal', message: 'the connection to the engine closed' } });
      this.pending.clear();
    });
  }

  /** Connects to the engine of `dataDir`, starting a headless one if none runs. */
  static async connect(dataDir: string, log: (line: string) => void): Promise<EngineClient> {
    let server = readServerFile(dataDir);
    if (!server) {
      const holder = engineLockHolder(dataDir);
      if (holder !== null) {
        throw new Error(
          `the Switchyard engine using ${dataDir} (pid ${holder}) does not take commands (it is the desktop app, or still starting); run switchyard serve (or --headless) for scripts, or try again in a moment`,
        );
      }
      log(`No Switchyard engine runs for ${dataDir}; starting one in the background (switchyard serve --headless).`);
      server = await startHeadless(dataDir);
    }
    const token = fs.readFileSync(path.join(dataDir, SERVER_TOKEN_FILE), 'utf8').trim();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}?${TOKEN_PARAM}=${token}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (err) => reject(new Error(`cannot reach the engine on 127.0.0.1:${server.port}: ${err.message}`)));
    });
    return new EngineClient(ws);
  }

  call<M extends Method>(method: M, input: unknown): Promise<Output<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (res) => (res.ok ? resolve(res.output as Output<M>) : reject(Object.assign(new Error(res.error.message), { code: res.error.code }))));
      this.ws.send(JSON.stringify({ kind: 'rpc', id, method, input }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Starts `serve --headless` in the background and waits for its server file. Two commands
 * racing here both spawn one; the engine lock lets one win, and both then use the winner.
 */
async function startHeadless(dataDir: string): Promise<ServerFile> {
  const launch = siblingLaunch(HERE, 'serve');
  const logFile = path.join(dataDir, 'headless.log');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const out = fs.openSync(logFile, 'a', 0o600);
  const child = spawn(launch.command, [...launch.args, '--headless', '--port', '0', '--data-dir', dataDir], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const server = readServerFile(dataDir);
    if (server) return server;
    const lostRace = child.exitCode !== null && engineLockHolder(dataDir) === null;
    if (lostRace || Date.now() > deadline) throw new Error(`the headless engine did not start; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
