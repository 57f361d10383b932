/**
 * The engine's connection to ptyd. Requests are numbered and answered; terminal messages are
 * relayed to whoever subscribed, under subscription numbers this client allocates. A heartbeat
 * closes the connection when ptyd stops answering, so the engine reconnects.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PTYD_SECRET_FILE } from '../../shared/ptyd-secret';
import type { ThemeName } from '../../shared/terminal-colors';
import { EventEmitter } from 'node:events';
import { StreamFrameReader, encodeStreamFrame } from '../../shared/frames';
import {
  PTYD_PROTOCOL_VERSION,
  type PtydClientHeader,
  type PtydPing,
  type PtydRequest,
  type PtydSignal,
  type PtydServerHeader,
  type ScreenText,
  type Transcript,
  type SessionInfo,
  type SpawnRequest,
} from '../../shared/ptyd-protocol';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal';
import { SwitchyardError } from '../../shared/errors';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS, Heartbeat } from './heartbeat';

export type TerminalListener = (msg: TerminalServerMessage, payload: Uint8Array) => void;

export interface PtydConnectOptions {
  /** How long the connection and handshake may take (default 3 s). */
  timeoutMs?: number;
  /** Ping interval (default 5 s). */
  heartbeatMs?: number;
  /** A period without any frame from ptyd after which it is suspected (default 15 s); see heartbeat.ts. */
  heartbeatTimeoutMs?: number;
}

/**
 * The daemon on the socket speaks another protocol version. `liveSessions` is null when it
 * did not say (a version-1 daemon does not).
 */
export class PtydVersionMismatch extends SwitchyardError {
  constructor(
    readonly daemonVersion: number,
    readonly daemonPid: number,
    readonly liveSessions: number | null,
  ) {
    super('ptyd-version', `the terminal daemon (ptyd, pid ${daemonPid}) speaks protocol ${daemonVersion}, this engine ${PTYD_PROTOCOL_VERSION}`);
  }
}

export interface PtydClientEvents {
  exit: [session: string, exitCode: number | null, signal: number | null];
  /** A program in the session asked its terminal for a notification (OSC 9, OSC 777). */
  notification: [session: string, text: string];
  close: [];
}

export class PtydClient extends EventEmitter<PtydClientEvents> {
  private nextReq = 1;
  private nextSub = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly terminalListeners = new Map<number, TerminalListener>();
  private readonly reader = new StreamFrameReader();
  private closed = false;
  private heartbeat: Heartbeat | null = null;
  ptydPid = 0;

  private constructor(private readonly socket: net.Socket) {
    super();
  }

  /** Connects and completes the versioned handshake; a number is the handshake timeout, as before. */
  static connect(socketPath: string, options: PtydConnectOptions | number = {}): Promise<PtydClient> {
    const opts = typeof options === 'number' ? { timeoutMs: options } : options;
    const timeoutMs = opts.timeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath);
      const client = new PtydClient(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('ptyd handshake timed out'));
      }, timeoutMs);
      socket.on('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      });
      socket.once('connect', () => client.write({ op: 'hello', version: PTYD_PROTOCOL_VERSION, secret: readSecret(socketPath) }));
      client.onHello = (hello) => {
        clearTimeout(timer);
        if (hello.version !== PTYD_PROTOCOL_VERSION) {
          socket.destroy();
          reject(new PtydVersionMismatch(hello.version, hello.pid, hello.liveSessions ?? null));
          return;
        }
        if (hello.refused) {
          socket.destroy();
          reject(new SwitchyardError('ptyd-unavailable', `the terminal daemon refused this engine: ${hello.refused}`));
          return;
        }
        client.ptydPid = hello.pid;
        socket.removeAllListeners('error');
        socket.on('error', () => socket.destroy());
        client.startHeartbeat(opts);
        resolve(client);
      };
      socket.on('data', (chunk) => client.onData(chunk));
      socket.on('close', () => client.onClose());
    });
  }

  private onHello: ((hello: Extract<PtydServerHeader, { op: 'hello' }>) => void) | null = null;

  private startHeartbeat(opts: PtydConnectOptions): void {
    this.heartbeat = new Heartbeat({
      intervalMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      timeoutMs: opts.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
      ping: () => void this.ping().catch(() => {}),
      // Closing is what the engine watches for: it then connects to (or starts) a ptyd again.
      onDead: () => this.socket.destroy(),
    });
  }

  private write(header: PtydClientHeader, payload?: Uint8Array): void {
    if (this.closed) return;
    this.socket.write(encodeStreamFrame(header, payload));
  }

  private onData(chunk: Buffer): void {
    this.heartbeat?.alive();
    let frames;
    try {
      frames = this.reader.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const f of frames) this.onFrame(f.header as PtydServerHeader, f.payload);
  }

  private onFrame(h: PtydServerHeader, payload: Uint8Array): void {
    switch (h.op) {
      case 'hello':
        this.onHello?.(h);
        this.onHello = null;
        return;
      case 'res': {
        const p = this.pending.get(h.req);
        if (!p) return;
        this.pending.delete(h.req);
        if (h.ok) p.resolve(h.value);
        else p.reject(new Error(`ptyd: ${h.error}`));
        return;
      }
      case 'exit':
        this.emit('exit', h.session, h.exitCode, h.signal);
        return;
      case 'notification':
        this.emit('notification', h.session, h.text);
        return;
      case 'term':
        this.terminalListeners.get(h.msg.sub)?.(h.msg, payload);
        return;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.heartbeat?.stop();
    for (const p of this.pending.values()) p.reject(new SwitchyardError('ptyd-unavailable', 'the connection to ptyd closed'));
    this.pending.clear();
    this.emit('close');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private request<T>(body: PtydRequest): Promise<T> {
    if (this.closed) return Promise.reject(new SwitchyardError('ptyd-unavailable', 'ptyd is not connected'));
    const req = this.nextReq++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(req, { resolve: resolve as (v: unknown) => void, reject });
      this.write({ op: 'req', req, body });
    });
  }

  /** Opens a session (the protocol's `open`). */
  spawn(spec: SpawnRequest): Promise<SessionInfo> {
    return this.request({ op: 'open', spec });
  }
  kill(session: string): Promise<void> {
    return this.request({ op: 'kill', session });
  }
  /** Sends a signal to the session's foreground process group; nothing once it has exited. */
  signal(session: string, signal: PtydSignal): Promise<void> {
    return this.request({ op: 'signal', session, signal });
  }
  dispose(session: string): Promise<void> {
    return this.request({ op: 'dispose', session });
  }
  list(): Promise<SessionInfo[]> {
    return this.request({ op: 'list' });
  }
  screen(session: string): Promise<{ seq: number; cols: number; rows: number; data: string }> {
    return this.request({ op: 'screen', session });
  }
  /** The visible screen as plain text; an older ptyd without this op rejects it. */
  text(session: string): Promise<ScreenText> {
    return this.request({ op: 'text', session });
  }
  /** The whole output as text lines, wrapped rows joined (at most the last `maxLines`). */
  transcript(session: string, maxLines = 100_000): Promise<Transcript> {
    return this.request({ op: 'transcript', session, maxLines });
  }
  ping(): Promise<PtydPing> {
    return this.request({ op: 'ping' });
  }
  /**
   * Kills every process still tagged with one of `sessions` that this ptyd does not hold: what
   * a ptyd that died left running. Answers how many processes it found.
   */
  reap(sessions: string[]): Promise<{ killed: number }> {
    return this.request({ op: 'reap', sessions });
  }
  shutdown(): Promise<void> {
    return this.request({ op: 'shutdown' });
  }
  /** The theme the user sees: ptyd answers programs' colour queries from its palette. */
  setTheme(theme: ThemeName): Promise<void> {
    return this.request({ op: 'theme', theme });
  }

  /** Subscribes to a session's output; returns the subscription number to ack and detach with. */
  attach(session: string, listener: TerminalListener): number {
    const sub = this.nextSub++;
    this.terminalListeners.set(sub, listener);
    this.terminal({ t: 'attach', sub, session });
    return sub;
  }

  detach(sub: number): void {
    this.terminalListeners.delete(sub);
    this.terminal({ t: 'detach', sub });
  }

  terminal(msg: TerminalClientMessage, payload?: Uint8Array): void {
    this.write({ op: 'term', msg }, payload);
  }

  close(): void {
    this.socket.end();
  }
}

/** The daemon's secret, from the 0600 file beside its socket ('' if there is none yet). */
function readSecret(socketPath: string): string {
  try {
    return fs.readFileSync(path.join(path.dirname(socketPath), PTYD_SECRET_FILE), 'utf8').trim();
  } catch {
    return '';
  }
}
