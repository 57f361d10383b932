/**
 * The notify socket agents report through (`switchyard notify`). It lives in the data folder's
 * private run directory (0700) and is itself 0600. It takes one request per connection, only
 * `notify`, and only with the token of the task named: an agent can flag its own task and
 * leave a message there, and nothing else — no start, stop, merge, read or list.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { NOTIFY_LINE_MAX, notifyRequestSchema, type NotifyRequest, type NotifyResponse } from '../../shared/notify-protocol';

export interface NotifyHandler {
  /** Whether `token` is the notify token of `taskId` (false for a task that does not exist). */
  authenticate(taskId: string, token: string): boolean;
  /** Applies an authenticated report and says what it did. */
  handle(req: NotifyRequest): Promise<string>;
}

/** A client that says nothing for this long is dropped. */
const REQUEST_TIMEOUT_MS = 5000;

export function notifySocketPath(dataDir: string): string {
  // Unix socket paths are limited to ~104 bytes: keep it short, beside ptyd's.
  return path.join(dataDir, 'run', 'notify.sock');
}

export class NotifyServer {
  private server: net.Server | null = null;
  /** The socket file we created, so closing never removes a newer engine's socket. */
  private inode: number | null = null;

  constructor(
    readonly socketPath: string,
    private readonly handler: NotifyHandler,
  ) {}

  async listen(): Promise<void> {
    const dir = path.dirname(this.socketPath);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    // The newest engine for a data folder takes the socket over: a stale file from a crash
    // must not stop it, and agents should reach the engine that is running now.
    fs.rmSync(this.socketPath, { force: true });
    const server = net.createServer((socket) => this.accept(socket));
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.socketPath, () => resolve());
      });
    } finally {
      process.umask(oldMask);
    }
    fs.chmodSync(this.socketPath, 0o600);
    this.inode = fs.statSync(this.socketPath).ino;
    server.on('error', () => {});
    this.server = server;
  }

  private accept(socket: net.Socket): void {
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let buffered = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      if (answered) return;
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) {
        if (buffered.length > NOTIFY_LINE_MAX) socket.destroy();
        return;
      }
      answered = true;
      void this.answer(buffered.slice(0, newline)).then((res) => socket.end(`${JSON.stringify(res)}\n`));
    });
  }

  private async answer(line: string): Promise<NotifyResponse> {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return { ok: false, error: 'malformed request' };
    }
    const parsed = notifyRequestSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: 'malformed request: this socket only takes notify requests' };
    const req = parsed.data;
    // One answer for an unknown task and a wrong token: a token learns nothing about other tasks.
    if (!this.handler.authenticate(req.taskId, req.token)) return { ok: false, error: 'refused: the token is not this task’s notify token' };
    try {
      return { ok: true, summary: await this.handler.handle(req) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      if (fs.statSync(this.socketPath).ino === this.inode) fs.rmSync(this.socketPath, { force: true });
    } catch {
      // already gone
    }
  }
}
