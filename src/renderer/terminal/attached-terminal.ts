/**
 * An xterm.js terminal attached to one ptyd session. It starts from ptyd's snapshot, then
 * applies live bytes by sequence number, so nothing is lost or doubled. Output is written
 * once per animation frame, and acknowledged as xterm finishes parsing it: that is the flow
 * control that keeps `yes` from freezing the UI.
 *
 * Replay comes before input. On every (re)attach the snapshot is written at the size it was
 * taken at (the PTY's), and only once xterm has parsed it does the terminal fit its pane and
 * resize the PTY; keys typed meanwhile wait, in order, and are sent after. So typing into a
 * terminal that is still replaying a long screen runs once, against the screen the user sees.
 */
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { openExternalLink } from './links';
import { silenceQueryReplies } from './silence-replies';
import { isMac } from '../keyboard';
import { FLOW_ACK_EVERY, type TerminalServerMessage } from '../../shared/terminal';
import type { TerminalChannel } from './channel';

export interface AttachedTerminalEvents {
  onExit?: (exitCode: number | null, signal: number | null) => void;
  onError?: (message: string) => void;
  /** Ctrl/Cmd-F in the terminal. */
  onSearchRequest?: () => void;
  scrollback?: number;
}

/** Keys typed while a replay runs are kept up to this much; more is dropped, as a wedged link would. */
const MAX_QUEUED_INPUT = 64 * 1024;

export class AttachedTerminal {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly search = new SearchAddon();
  private readonly sub: number;
  /** The output offset the terminal's screen has reached. */
  private seq = -1;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private frame = 0;
  private unackedWritten = 0;
  private disposed = false;
  /** From (re)attach until that attach's snapshot is in xterm: input waits, the PTY is not resized. */
  private replaying = true;
  /** A snapshot is being written at its own size: the pane's size waits until it is in. */
  private writingSnapshot = false;
  private snapshotGen = 0;
  private queuedInput: Uint8Array[] = [];
  private queuedBytes = 0;
  /** The session has exited (or is gone): the screen is what it left, and takes no input. */
  private ended = false;
  /** The attach was refused (no such session, no daemon): input goes nowhere until an attach works. */
  private refused = false;
  private readonly resizeObserver: ResizeObserver;
  private readonly offConnection: () => void;

  constructor(
    private readonly channel: TerminalChannel,
    private readonly session: string,
    private readonly host: HTMLElement,
    theme: ITheme,
    private readonly events: AttachedTerminalEvents = {},
  ) {
    this.term = new Terminal({
      theme,
      fontFamily: "'JetBrains Mono', 'Fira Code', 'DejaVu Sans Mono', Menlo, monospace",
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: events.scrollback ?? 5000,
      cursorBlink: true,
      allowProposedApi: true,
      convertEol: false,
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    // Wide characters and emoji measured as the agents' own terminals measure them.
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    // A link opens on Ctrl/Cmd-click only: a plain click is for the terminal itself.
    this.term.loadAddon(
      new WebLinksAddon((e, uri) => {
        if (isMac ? e.metaKey : e.ctrlKey) openExternalLink(uri);
      }),
    );
    this.term.attachCustomKeyEventHandler((e) => this.onKey(e));
    // ptyd answers the agent's terminal queries; this window must not answer them again.
    silenceQueryReplies(this.term);
    this.term.open(host);
    // The pane's size until the snapshot comes; nothing is sent to the PTY before the replay.
    this.fitToPane();
    this.term.onData((data) => this.input(new TextEncoder().encode(data)));
    this.term.onBinary((data) => this.input(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    this.sub = channel.open((msg, payload) => this.onFrame(msg, payload));
    this.attach();
    this.resizeObserver = new ResizeObserver(() => this.onPaneResized());
    this.resizeObserver.observe(host);
    // After a lost connection (a restarted server, a sleeping laptop) attach again: the
    // snapshot brings the screen back as ptyd has it, then live bytes resume. What is typed
    // while the link is down waits for that replay.
    let lost = false;
    this.offConnection = channel.transport.onConnection((state) => {
      if (state === 'closed') {
        lost = true;
        this.replaying = true;
      }
      if (state !== 'open' || !lost) return;
      lost = false;
      this.attach();
    });
  }

  /** Attaches (again): the snapshot replays first, then input and the pane's size follow. */
  private attach(): void {
    this.replaying = true;
    // For tests and styles: the screen is still being replayed.
    this.host.dataset.replaying = 'true';
    this.refused = false;
    this.channel.transport.sendTerminal({ t: 'attach', sub: this.sub, session: this.session });
  }

  /** Attaches again, e.g. when the session is known to have ended: its owner then serves the screen it left. */
  reattach(): void {
    if (!this.disposed) this.attach();
  }

  private input(bytes: Uint8Array): void {
    if (this.ended || this.refused || this.disposed) return;
    if (!this.replaying) {
      this.channel.transport.sendTerminal({ t: 'input', session: this.session }, bytes);
      return;
    }
    if (this.queuedBytes + bytes.length > MAX_QUEUED_INPUT) return;
    this.queuedInput.push(bytes);
    this.queuedBytes += bytes.length;
  }

  private onPaneResized(): void {
    // A snapshot being written keeps its own size; the pane's follows once it is in.
    if (this.writingSnapshot) return;
    // Before the replay the terminal only looks the pane's size; the PTY learns it after.
    if (this.fitToPane() && !this.replaying && !this.ended) this.sendResize();
  }

  /** The (re)attach's snapshot is in xterm: fit the pane, resize the PTY if that differs, then send what was typed. */
  private replayed(cols: number, rows: number): void {
    this.fitToPane();
    const wasReplaying = this.replaying;
    this.replaying = false;
    delete this.host.dataset.replaying;
    if (this.ended) return;
    if (this.term.cols !== cols || this.term.rows !== rows) this.sendResize();
    if (!wasReplaying || this.queuedInput.length === 0) return;
    const typed = concat(this.queuedInput, this.queuedBytes);
    this.queuedInput = [];
    this.queuedBytes = 0;
    this.channel.transport.sendTerminal({ t: 'input', session: this.session }, typed);
  }

  /**
   * Copy, paste and search keys: Ctrl+Shift+C/V/F (Cmd+C/V/F on macOS). Plain Ctrl+C and Ctrl+F
   * still go to the agent (interrupt, forward-char).
   */
  private onKey(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown') return true;
    const mod = isMac ? e.metaKey : e.ctrlKey && e.shiftKey;
    const key = e.key.toLowerCase();
    if (mod && key === 'c' && this.term.hasSelection()) {
      void navigator.clipboard?.writeText(this.term.getSelection());
      return false;
    }
    if (mod && key === 'v') {
      void navigator.clipboard?.readText().then((text) => text && this.term.paste(text));
      return false;
    }
    if (mod && key === 'f') {
      this.events.onSearchRequest?.();
      return false;
    }
    return true;
  }

  find(query: string, direction: 'next' | 'previous', incremental = false): boolean {
    if (!query) return false;
    const opts = { incremental, decorations: { matchOverviewRuler: '#e6b450', activeMatchColorOverviewRuler: '#6ea8ff' } };
    return direction === 'next' ? this.search.findNext(query, opts) : this.search.findPrevious(query, opts);
  }

  clearSearch(): void {
    this.search.clearDecorations();
  }

  setScrollback(lines: number): void {
    this.term.options.scrollback = lines;
  }

  private fitToPane(): boolean {
    const before = `${this.term.cols}x${this.term.rows}`;
    try {
      this.fit.fit();
    } catch {
      // not laid out yet
    }
    return `${this.term.cols}x${this.term.rows}` !== before;
  }

  private sendResize(): void {
    this.channel.transport.sendTerminal({ t: 'resize', session: this.session, cols: this.term.cols, rows: this.term.rows });
  }

  private onFrame(msg: TerminalServerMessage, payload: Uint8Array): void {
    if (this.disposed) return;
    switch (msg.t) {
      case 'snapshot': {
        // For tests: how many screens this terminal has been sent (a replay after a restart is one more).
        this.host.dataset.snapshots = String(Number(this.host.dataset.snapshots ?? 0) + 1);
        // Bytes already queued in xterm are parsed first; the reset and the snapshot's size
        // take effect in the same queue, so nothing older lands on the new screen.
        this.flushPending();
        this.seq = msg.seq;
        const gen = ++this.snapshotGen;
        this.writingSnapshot = true;
        this.term.write(EMPTY, () => {
          if (this.disposed || gen !== this.snapshotGen) return;
          this.term.reset();
          if (this.term.cols !== msg.cols || this.term.rows !== msg.rows) this.term.resize(msg.cols, msg.rows);
          if (this.ended) this.term.write(HIDE_CURSOR);
        });
        this.term.write(payload, () => {
          this.ack(payload.length);
          if (this.disposed || gen !== this.snapshotGen) return;
          this.writingSnapshot = false;
          this.replayed(msg.cols, msg.rows);
        });
        return;
      }
      case 'data': {
        const end = msg.seq + payload.length;
        if (this.seq < 0 || end <= this.seq) {
          // Before the first snapshot, or already part of it: count it as read.
          this.ack(payload.length);
          return;
        }
        const skip = Math.max(0, this.seq - msg.seq);
        if (skip > 0) this.ack(skip);
        const fresh = payload.subarray(skip);
        this.seq = end;
        this.pending.push(fresh);
        this.pendingBytes += fresh.length;
        if (!this.frame) this.frame = requestAnimationFrame(() => this.flushPending());
        return;
      }
      case 'exit':
        // What it printed stays on screen; nothing typed goes anywhere any more.
        this.ended = true;
        this.queuedInput = [];
        this.queuedBytes = 0;
        this.term.options.disableStdin = true;
        this.term.options.cursorBlink = false;
        this.term.write(HIDE_CURSOR);
        this.events.onExit?.(msg.exitCode, msg.signal);
        return;
      case 'error':
        this.refused = true;
        this.queuedInput = [];
        this.queuedBytes = 0;
        this.events.onError?.(msg.message);
        return;
    }
  }

  private flushPending(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.pending.length === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.writeAndAck(bytes, bytes.length);
  }

  private writeAndAck(bytes: Uint8Array, count: number): void {
    this.term.write(bytes, () => this.ack(count));
  }

  private ack(bytes: number): void {
    this.unackedWritten += bytes;
    if (this.unackedWritten >= FLOW_ACK_EVERY || this.pendingBytes === 0) {
      this.channel.transport.sendTerminal({ t: 'ack', sub: this.sub, bytes: this.unackedWritten });
      this.unackedWritten = 0;
    }
  }

  focus(): void {
    this.term.focus();
  }

  setTheme(theme: ITheme): void {
    this.term.options.theme = theme;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.offConnection();
    this.channel.close(this.sub);
    this.term.dispose();
  }
}

const EMPTY = new Uint8Array(0);
/** DECTCEM off: an ended session has no cursor to type at. */
const HIDE_CURSOR = '\x1b[?25l';

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
