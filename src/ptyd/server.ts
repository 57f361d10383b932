/**
 * ptyd's socket server. It owns every session; engines come and go as clients. Each client
 * must open with a hello of the same protocol version. An exited session is kept (its exit
 * status and mirror) for a retention period, so an engine that was away still learns how it
 * ended; ptyd exits by itself once it has had no client and no session for a while.
 */
import crypto from 'node:crypto';
import { PTYD_SECRET_FILE } from '../shared/ptyd-secret';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import {
  PTYD_PROTOCOL_VERSION,
  type PtydClientHeader,
  type PtydPing,
  type PtydRequest,
  type PtydServerHeader,
  type SessionInfo,
  type SpawnRequest,
  ptydRequestSchema,
} from '../shared/ptyd-protocol';
import { StreamFrameReader, encodeStreamFrame } from '../shared/frames';
import { parseTerminalClientMessage, type TerminalServerMessage } from '../shared/terminal';
import { PtySession, type SendToSubscriber } from './session';
import { SessionLog } from './session-log';
import { killTagged } from './process-tree';
import { TERMINAL_PALETTES, type ThemeName } from '../shared/terminal-colors';

export interface PtydOptions {
  socketPath: string;
  /** Exit after this long with no client, no live session and no exited one still kept. */
  idleExitMs?: number;
  /** How long an exited session stays listed before ptyd disposes it (default: an hour). */
  exitRetentionMs?: number;
  /** Where each session's raw output is appended (`<session>.log`); none if unset. */
  sessionLogDir?: string;
  /** Size at which a session log is rotated (tests make it small). */
  sessionLogRotateBytes?: number;
  log?: (line: string) => void;
}

export const DEFAULT_EXIT_RETENTION_MS = 60 * 60_000;
export const DEFAULT_IDLE_EXIT_MS = 5 * 60_000;

export class PtydServer {
  private readonly sessions = new Map<string, PtySession>();
  private readonly clients = new Set<ClientConnection>();
  private server: net.Server | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Exited sessions waiting out their retention period. */
  private readonly retention = new Map<string, NodeJS.Timeout>();
  /** The theme the user sees: colour queries are answered from its palette. */
  private theme: ThemeName = 'dark';
  private readonly log: (line: string) => void;

  constructor(private readonly options: PtydOptions) {
    this.log = options.log ?? (() => {});
  }

  async listen(): Promise<void> {
    const dir = path.dirname(this.options.socketPath);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    // A live daemon already owns this socket: never take it over, or its agents would be
    // cut off from every engine. Only a stale socket (nobody answering) is removed.
    if (await socketAnswers(this.options.socketPath)) {
      throw new Error(`another ptyd is already listening on ${this.options.socketPath}`);
    }
    try {
      fs.unlinkSync(this.options.socketPath);
    } catch {
      // no stale socket
    }
    // The secret exists before anyone can connect.
    this.secret = loadOrCreateSecret(dir);
    if (this.options.sessionLogDir) {
      fs.mkdirSync(this.options.sessionLogDir, { recursive: true, mode: 0o700 });
      fs.chmodSync(this.options.sessionLogDir, 0o700);
    }
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.socketPath, () => resolve());
      });
    } finally {
      process.umask(oldMask);
    }
    fs.chmodSync(this.options.socketPath, 0o600);
    this.armIdleTimer();
  }

  /** The handshake secret every client must present (ptyd.secret, 0600). */
  secret = '';

  private accept(socket: net.Socket): void {
    const client = new ClientConnection(socket, this);
    this.clients.add(client);
    this.armIdleTimer();
    socket.on('close', () => {
      this.clients.delete(client);
      for (const s of this.sessions.values()) s.unsubscribeAll(client.sendTerminal);
      this.armIdleTimer();
    });
  }

  private armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const idleMs = this.options.idleExitMs;
    if (!idleMs) return;
    // Exited sessions are held only during their retention, so "no session" covers both.
    const idle = this.clients.size === 0 && this.sessions.size === 0;
    if (!idle) return;
    this.idleTimer = setTimeout(() => {
      this.log('idle: no clients and no sessions; exiting');
      void this.shutdown();
    }, idleMs);
    this.idleTimer.unref();
  }

  async handle(req: PtydRequest): Promise<unknown> {
    switch (req.op) {
      case 'open':
        return this.open(req.spec);
      case 'kill':
        await this.session(req.session).kill();
        return null;
      case 'signal':
        await this.session(req.session).signal(req.signal);
        return null;
      case 'dispose':
        await this.dispose(req.session);
        return null;
      case 'list':
        return [...this.sessions.values()].map((s) => s.info());
      case 'screen':
        return this.session(req.session).screen();
      case 'text':
        return this.session(req.session).text();
      case 'transcript':
        return this.session(req.session).transcript(req.maxLines);
      case 'ping':
        return { pid: process.pid, sessions: this.sessions.size, live: this.liveSessions } satisfies PtydPing;
      case 'reap': {
        // Only what no session of ours owns: the leftovers of a ptyd that died.
        const orphans = [...new Set(req.sessions)].filter((id) => !this.sessions.has(id));
        const killed = await killTagged(orphans);
        if (killed > 0) this.log(`reaped ${killed} process(es) of ${orphans.length} session(s) no ptyd holds`);
        return { killed };
      }
      case 'shutdown':
        setImmediate(() => void this.shutdown());
        return null;
      case 'theme':
        this.theme = req.theme;
        return null;
    }
  }

  private open(spec: SpawnRequest): SessionInfo {
    if (this.sessions.has(spec.session)) throw new Error(`session ${spec.session} already exists`);
    const dir = this.options.sessionLogDir;
    const log = dir
      ? new SessionLog({
          dir,
          session: spec.session,
          rotateBytes: this.options.sessionLogRotateBytes,
          onError: (err) => this.log(`session ${spec.session}: output log stopped: ${err.message}`),
        })
      : null;
    let session: PtySession;
    try {
      session = new PtySession(spec, log, {
        palette: () => TERMINAL_PALETTES[this.theme],
        onNotification: (text) => this.broadcast({ op: 'notification', session: spec.session, text }),
      });
    } catch (err) {
      log?.end();
      throw err;
    }
    this.sessions.set(session.id, session);
    session.onExit((info) => {
      this.log(`session ${info.session} exited code=${info.exitCode} signal=${info.signal}`);
      this.broadcast({ op: 'exit', session: info.session, exitCode: info.exitCode, signal: info.signal });
      this.retain(session);
    });
    this.log(`session ${session.id} spawned pid=${session.pid} file=${spec.file}`);
    this.armIdleTimer();
    return session.info();
  }

  /** Keeps an exited session listed for the retention period, then lets it go. */
  private retain(session: PtySession): void {
    const timer = setTimeout(() => {
      this.log(`session ${session.id} released after its retention period`);
      this.forget(session);
    }, this.options.exitRetentionMs ?? DEFAULT_EXIT_RETENTION_MS);
    this.retention.set(session.id, timer);
  }

  /** Stops and forgets a session; for one no longer held, still sweeps what it left running. */
  private async dispose(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) {
      await killTagged([id]);
      return;
    }
    await s.kill();
    this.forget(s);
  }

  private forget(session: PtySession): void {
    if (this.sessions.get(session.id) !== session) return;
    clearTimeout(this.retention.get(session.id));
    this.retention.delete(session.id);
    session.dispose();
    this.sessions.delete(session.id);
    this.armIdleTimer();
  }

  session(id: string): PtySession {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`no session ${id}`);
    return s;
  }

  findSession(id: string): PtySession | undefined {
    return this.sessions.get(id);
  }

  get liveSessions(): number {
    return [...this.sessions.values()].filter((s) => s.alive).length;
  }

  private broadcast(header: PtydServerHeader): void {
    for (const c of this.clients) c.send(header);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.kill()));
    for (const c of this.clients) c.close();
    this.server?.close();
    try {
      fs.unlinkSync(this.options.socketPath);
    } catch {
      // already gone
    }
    process.exit(0);
  }
}

class ClientConnection {
  private readonly reader = new StreamFrameReader();
  private greeted = false;
  /** This client's subscriptions, by its own subscription number. */
  private readonly subs = new Map<number, { session: PtySession; unsubscribe: () => void }>();
  readonly sendTerminal: SendToSubscriber;

  constructor(
    private readonly socket: net.Socket,
    private readonly server: PtydServer,
  ) {
    this.sendTerminal = (msg: TerminalServerMessage, payload?: Uint8Array) => this.send({ op: 'term', msg }, payload);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
  }

  send(header: PtydServerHeader, payload?: Uint8Array): void {
    if (this.socket.destroyed) return;
    this.socket.write(encodeStreamFrame(header, payload));
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    let frames;
    try {
      frames = this.reader.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.onFrame(frame.header as PtydClientHeader, frame.payload);
  }

  private onFrame(header: PtydClientHeader, payload: Uint8Array): void {
    if (!this.greeted) {
      // The socket's mode keeps other users out; the secret keeps out whatever reaches the socket without reading the run folder.
      const authentic = header.op === 'hello' && secretsEqual(header.secret, this.server.secret);
      if (header.op !== 'hello' || header.version !== PTYD_PROTOCOL_VERSION) {
        // Enough for an engine of another version to decide whether this daemon can be replaced
        // without losing agents; how many there are is told only to one that has the secret.
        this.send({ op: 'hello', version: PTYD_PROTOCOL_VERSION, pid: process.pid, refused: 'protocol', ...(authentic ? { liveSessions: this.server.liveSessions } : {}) });
        this.socket.end();
        return;
      }
      if (!authentic) {
        this.send({ op: 'hello', version: PTYD_PROTOCOL_VERSION, pid: process.pid, refused: 'a wrong or missing secret (ptyd.secret)' });
        this.socket.end();
        return;
      }
      this.greeted = true;
      this.send({ op: 'hello', version: PTYD_PROTOCOL_VERSION, pid: process.pid });
      return;
    }
    if (header.op === 'req') {
      const body = ptydRequestSchema.safeParse(header.body);
      if (!body.success) {
        this.send({ op: 'res', req: header.req, ok: false, error: 'malformed request' });
        return;
      }
      this.server.handle(body.data).then(
        (value) => this.send({ op: 'res', req: header.req, ok: true, value: value ?? null }),
        (err: unknown) =>
          this.send({ op: 'res', req: header.req, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
      return;
    }
    if (header.op === 'term') this.onTerminal(header.msg, payload);
  }

  private onTerminal(raw: unknown, payload: Uint8Array): void {
    const msg = parseTerminalClientMessage(raw);
    if (!msg) return;
    switch (msg.t) {
      case 'attach': {
        const session = this.server.findSession(msg.session);
        if (!session) {
          this.sendTerminal({ t: 'error', sub: msg.sub, message: `no session ${msg.session}` });
          return;
        }
        this.subs.get(msg.sub)?.unsubscribe();
        this.subs.set(msg.sub, { session, unsubscribe: session.subscribe(msg.sub, this.sendTerminal) });
        return;
      }
      case 'detach':
        this.subs.get(msg.sub)?.unsubscribe();
        this.subs.delete(msg.sub);
        return;
      case 'ack':
        this.subs.get(msg.sub)?.session.ack(msg.sub, msg.bytes, this.sendTerminal);
        return;
      case 'input':
        this.server.findSession(msg.session)?.write(payload);
        return;
      case 'resize':
        this.server.findSession(msg.session)?.resize(msg.cols, msg.rows);
        return;
    }
  }
}

/** Whether something accepts connections on a Unix socket path. */
function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.createConnection(socketPath);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** The run folder's secret, made (0600, written whole) when missing or unreadable. */
function loadOrCreateSecret(dir: string): string {
  const file = path.join(dir, PTYD_SECRET_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(existing)) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // none yet
  }
  const secret = crypto.randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return secret;
}

function secretsEqual(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || expected === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
