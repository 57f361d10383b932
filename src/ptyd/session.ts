/**
 * One PTY session: the process, a headless xterm mirror of its screen, and the subscribers
 * watching it. The PTY is always read and always fed into the mirror, so an agent never
 * waits on a window. Subscribers get bytes only after the mirror has parsed them, so the
 * sequence number of a snapshot and of the live bytes after it always line up.
 */
import * as pty from 'node-pty';
import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { PtydSignal, ScreenText, SessionInfo, SpawnRequest } from '../shared/ptyd-protocol';
import type { TerminalServerMessage } from '../shared/terminal';
import { FLOW_HIGH_WATERMARK, FLOW_LOW_WATERMARK, MIRROR_SCROLLBACK } from '../shared/terminal';
import { SESSION_TAG, foregroundGroup, isSameProcess, killTree, startTimeOf } from './process-tree';
import type { SessionLog } from './session-log';
import { holdTerminalOpen } from './terminal-hold';
import { answerQueries } from './terminal-queries';
import { TERMINAL_PALETTES, type TerminalPalette } from '../shared/terminal-colors';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/**
 * A subscriber that fell behind is caught up with a snapshot, at most this often, and with
 * this much scrollback: under a flood (`yes`) the UI then redraws a few times a second at a
 * bounded cost, instead of serializing the whole scrollback after every ack.
 */
const CATCH_UP_INTERVAL_MS = 100;
const CATCH_UP_SCROLLBACK = 1000;

/** Pause reading the PTY while the mirror has this much unparsed output queued. */
const MIRROR_PAUSE_AT = 4 * 1024 * 1024;
const MIRROR_RESUME_AT = 512 * 1024;

/** What a session asks of ptyd about its terminal. */
export interface SessionTerminal {
  palette(): TerminalPalette;
  onNotification(text: string): void;
}

export type SendToSubscriber = (msg: TerminalServerMessage, payload?: Uint8Array) => void;

interface Subscriber {
  send: SendToSubscriber;
  sub: number;
  unacked: number;
  /** Fell past the high watermark: live bytes are skipped until it catches up with a snapshot. */
  behind: boolean;
  /** Has had its first snapshot; bytes before it are already in that snapshot. */
  ready: boolean;
  lastSnapshotAt: number;
  catchUp: NodeJS.Timeout | null;
}

export class PtySession {
  readonly id: string;
  readonly cwd: string;
  readonly startedAt = Date.now();
  /** Lines of scrollback the mirror keeps; snapshots and transcripts are bounded by it. */
  readonly scrollback: number;
  private readonly proc: pty.IPty;
  private readonly mirror: InstanceType<typeof Terminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;
  private parsedSeq = 0;
  /** For supervision: when output last arrived, and how much input was written. */
  private lastOutputAt = Date.now();
  private inputBytes = 0;
  private queued = 0;
  private paused = false;
  private exit: { exitCode: number | null; signal: number | null } | null = null;
  private exitedAt: number | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private readonly onExitListeners: ((info: SessionInfo) => void)[] = [];
  /** When the agent's process started, so a reused pid is never signalled as the agent. */
  private readonly agentStartTime: string | null;
  /** Closes ptyd's own descriptor of the terminal side, held so the agent's last output is kept. */
  private readonly releaseTerminal: (() => void) | null;

  /**
   * `log`: where every output byte is also appended, in order (none without --session-logs).
   * `terminal`: the palette colour queries are answered with, and where notifications go.
   */
  constructor(
    spec: SpawnRequest,
    private readonly log: SessionLog | null = null,
    terminal: SessionTerminal = { palette: () => TERMINAL_PALETTES.dark, onNotification: () => {} },
  ) {
    this.id = spec.session;
    this.cwd = spec.cwd;
    this.scrollback = spec.scrollback ?? MIRROR_SCROLLBACK;
    this.mirror = new Terminal({
      cols: spec.cols,
      rows: spec.rows,
      scrollback: this.scrollback,
      allowProposedApi: true,
    });
    this.serializer = new SerializeAddon();
    this.mirror.loadAddon(this.serializer);
    this.proc = pty.spawn(spec.file, spec.args, {
      name: 'xterm-256color',
      cols: spec.cols,
      rows: spec.rows,
      cwd: spec.cwd,
      // Every process the agent starts inherits this tag, so a stop finds even double-forked daemons.
      env: { ...spec.env, [SESSION_TAG]: spec.session },
      encoding: null,
    });
    this.agentStartTime = startTimeOf(this.proc.pid);
    answerQueries(this.mirror, {
      // An answer is the terminal's, not the user's: it does not count as input.
      reply: (data) => {
        if (!this.exit) this.proc.write(data);
      },
      palette: terminal.palette,
      onNotification: (text) => terminal.onNotification(text),
    });
    this.releaseTerminal = holdTerminalOpen(this.proc);
    this.proc.onData((data) => this.onOutput(toBytes(data)));
    this.proc.onExit(({ exitCode, signal }) => {
      // node-pty has read the PTY to its end (or for 200 ms); a moment more, then the mirror
      // parses what it holds before the exit is reported.
      setTimeout(() => {
        this.releaseTerminal?.();
        this.mirror.write('', () => {
          this.exit = { exitCode: signal ? null : exitCode, signal: signal || null };
          this.exitedAt = Date.now();
          this.log?.end();
          for (const s of this.subscribers) s.send({ t: 'exit', sub: s.sub, ...this.exit });
          for (const l of this.onExitListeners) l(this.info());
        });
      }, 30);
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  info(): SessionInfo {
    return {
      session: this.id,
      pid: this.proc.pid,
      cwd: this.cwd,
      alive: this.exit === null,
      exitCode: this.exit?.exitCode ?? null,
      signal: this.exit?.signal ?? null,
      startedAt: this.startedAt,
      exitedAt: this.exitedAt,
      seq: this.parsedSeq,
      scrollback: this.scrollback,
    };
  }

  onExit(listener: (info: SessionInfo) => void): void {
    this.onExitListeners.push(listener);
  }

  private onOutput(chunk: Uint8Array): void {
    this.lastOutputAt = Date.now();
    this.log?.write(chunk);
    this.queued += chunk.length;
    if (!this.paused && this.queued > MIRROR_PAUSE_AT) {
      this.paused = true;
      this.proc.pause();
    }
    this.mirror.write(chunk, () => {
      const seq = this.parsedSeq;
      this.parsedSeq += chunk.length;
      this.queued -= chunk.length;
      if (this.paused && this.queued < MIRROR_RESUME_AT) {
        this.paused = false;
        this.proc.resume();
      }
      for (const s of this.subscribers) this.deliver(s, chunk, seq);
    });
  }

  private deliver(s: Subscriber, chunk: Uint8Array, seq: number): void {
    if (s.behind || !s.ready) return;
    if (s.unacked + chunk.length > FLOW_HIGH_WATERMARK && s.unacked > 0) {
      s.behind = true;
      return;
    }
    s.unacked += chunk.length;
    s.send({ t: 'data', sub: s.sub, seq }, chunk);
  }

  /** Serialized screen and scrollback, as of `parsedSeq`. */
  screen(scrollback = this.scrollback): { seq: number; cols: number; rows: number; data: string } {
    return {
      seq: this.parsedSeq,
      cols: this.mirror.cols,
      rows: this.mirror.rows,
      data: this.serializer.serialize({ scrollback }),
    };
  }

  /** The visible rows as plain text, with the cursor and the timing supervision needs. */
  text(): ScreenText {
    const buf = this.mirror.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < this.mirror.rows; row++) lines.push(buf.getLine(buf.baseY + row)?.translateToString(true) ?? '');
    return {
      seq: this.parsedSeq,
      inputBytes: this.inputBytes,
      quietMs: Math.max(0, Date.now() - this.lastOutputAt),
      lines,
      cursorRow: buf.cursorY,
      cursorCol: buf.cursorX,
      bracketedPaste: this.mirror.modes.bracketedPasteMode,
      alive: this.exit === null,
    };
  }

  /**
   * The whole buffer (scrollback and screen) as plain text, one entry per logical line: rows the
   * terminal wrapped are joined again, so a long line (a JSON answer) reads as it was printed.
   * At most the last `maxLines` lines; trailing blank rows dropped.
   */
  transcript(maxLines: number): Promise<{ lines: string[]; truncated: boolean; alive: boolean }> {
    return new Promise((resolve) => {
      // Behind the mirror's pending writes, so everything read so far is in it.
      this.mirror.write('', () => {
        const buf = this.mirror.buffer.active;
        const lines: string[] = [];
        for (let i = 0; i < buf.length; i++) {
          const line = buf.getLine(i);
          if (!line) continue;
          const text = line.translateToString(true);
          if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
          else lines.push(text);
        }
        while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
        // A full buffer has (most likely) dropped its oldest lines.
        const full = buf.length >= this.mirror.rows + this.scrollback;
        const truncated = lines.length > maxLines;
        resolve({ lines: truncated ? lines.slice(-maxLines) : lines, truncated: truncated || full, alive: this.exit === null });
      });
    });
  }

  private sendSnapshot(s: Subscriber, scrollback = this.scrollback): void {
    s.lastSnapshotAt = Date.now();
    const snap = this.screen(scrollback);
    const bytes = new TextEncoder().encode(snap.data);
    s.unacked += bytes.length;
    s.send({ t: 'snapshot', sub: s.sub, seq: snap.seq, cols: snap.cols, rows: snap.rows }, bytes);
  }

  subscribe(sub: number, send: SendToSubscriber): () => void {
    const s: Subscriber = { send, sub, unacked: 0, behind: false, ready: false, lastSnapshotAt: 0, catchUp: null };
    this.subscribers.add(s);
    // Queue the snapshot behind the mirror's pending writes, so it is taken at a chunk boundary.
    this.mirror.write('', () => {
      if (!this.subscribers.has(s)) return;
      s.ready = true;
      this.sendSnapshot(s);
      if (this.exit) send({ t: 'exit', sub, ...this.exit });
    });
    return () => {
      if (s.catchUp) clearTimeout(s.catchUp);
      this.subscribers.delete(s);
    };
  }

  ack(sub: number, bytes: number, owner: SendToSubscriber): void {
    for (const s of this.subscribers) {
      if (s.sub !== sub || s.send !== owner) continue;
      s.unacked = Math.max(0, s.unacked - bytes);
      if (s.behind && s.unacked <= FLOW_LOW_WATERMARK && !s.catchUp) {
        const wait = Math.max(0, s.lastSnapshotAt + CATCH_UP_INTERVAL_MS - Date.now());
        s.catchUp = setTimeout(() => {
          s.catchUp = null;
          if (!this.subscribers.has(s)) return;
          s.behind = false;
          this.sendSnapshot(s, Math.min(CATCH_UP_SCROLLBACK, this.scrollback));
        }, wait);
      }
    }
  }

  unsubscribeAll(owner: SendToSubscriber): void {
    for (const s of [...this.subscribers]) {
      if (s.send !== owner) continue;
      if (s.catchUp) clearTimeout(s.catchUp);
      this.subscribers.delete(s);
    }
  }

  write(data: Uint8Array): void {
    if (this.exit) return;
    this.inputBytes += data.byteLength;
    this.proc.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  resize(cols: number, rows: number): void {
    if (this.exit) return;
    if (cols === this.mirror.cols && rows === this.mirror.rows) return;
    this.proc.resize(cols, rows);
    this.mirror.resize(cols, rows);
  }

  /**
   * Sends `sig` where Ctrl-C would go: the terminal's foreground process group (a job the
   * agent's shell runs), else the agent's own group. Nothing once the agent has exited.
   */
  async signal(sig: PtydSignal): Promise<void> {
    if (this.exit || !isSameProcess(this.proc.pid, this.agentStartTime)) return;
    const group = (await foregroundGroup(this.proc.pid)) ?? this.proc.pid;
    try {
      process.kill(-group, sig);
    } catch {
      // The group is gone (or was never made): node-pty signals the agent itself.
      if (!this.exit) this.proc.kill(sig);
    }
  }

  /** Stops the agent and everything it started; after an exit, whatever it left behind. */
  async kill(): Promise<void> {
    // node-pty reports an exit up to 200 ms after it reaped the agent: by then its pid may name
    // another process, so the pid is used only while it is still the agent's.
    const alive = !this.exit && isSameProcess(this.proc.pid, this.agentStartTime);
    await killTree(alive ? this.proc.pid : null, this.id);
  }

  dispose(): void {
    this.releaseTerminal?.();
    this.log?.end();
    for (const s of this.subscribers) if (s.catchUp) clearTimeout(s.catchUp);
    this.subscribers.clear();
    this.mirror.dispose();
  }
}

function toBytes(data: string | Buffer): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}
