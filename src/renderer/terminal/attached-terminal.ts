/**
 * An xterm.js terminal attached to one ptyd session. It starts from ptyd's snapshot, then
 * applies live bytes by sequence number, so nothing is lost or doubled. Output is written
 * once per animation frame, and acknowledged as xterm finishes parsing it: that is the flow
 * control that keeps `yes` from freezing the UI.
 */
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { openExternalLink } from './links';
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
    this.term.open(host);
    this.fitToPane();
    this.term.onData((data) => this.channel.transport.sendTerminal({ t: 'input', session }, new TextEncoder().encode(data)));
    this.term.onBinary((data) => {
      const bytes = Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff);
      this.channel.transport.sendTerminal({ t: 'input', session }, bytes);
    });
    this.sub = channel.open((msg, payload) => this.onFrame(msg, payload));
    // Size the PTY to this pane first, so the snapshot arrives at the size we draw.
    this.sendResize();
    channel.transport.sendTerminal({ t: 'attach', sub: this.sub, session });
    this.resizeObserver = new ResizeObserver(() => {
      if (this.fitToPane()) this.sendResize();
    });
    this.resizeObserver.observe(host);
    // After a lost connection (a restarted server, a sleeping laptop) attach again: the
    // snapshot brings the screen back as ptyd has it, then live bytes resume.
    let lost = false;
    this.offConnection = channel.transport.onConnection((state) => {
      if (state === 'closed') lost = true;
      if (state !== 'open' || !lost) return;
      lost = false;
      this.sendResize();
      channel.transport.sendTerminal({ t: 'attach', sub: this.sub, session });
    });
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
      case 'snapshot':
        this.flushPending();
        this.term.reset();
        this.seq = msg.seq;
        this.writeAndAck(payload, payload.length);
        return;
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
        this.events.onExit?.(msg.exitCode, msg.signal);
        return;
      case 'error':
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

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
