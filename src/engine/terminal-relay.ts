/**
 * Relays one UI connection's terminal channel to ptyd. The UI names its own subscription
 * numbers; each maps to a ptyd subscription, and acks pass straight through, so flow control
 * runs end to end between ptyd and the terminal that draws the bytes. Only sessions that
 * belong to a task of this engine can be attached to, typed into, or resized. A session ptyd
 * no longer has (it died, or dropped the session) is shown from its saved output log, ended.
 */
import type { TerminalClientMessage, TerminalServerMessage } from '../shared/terminal';
import type { PtydClient } from './ptyd/client';

export type TerminalSink = (msg: TerminalServerMessage, payload?: Uint8Array) => void;

export interface TerminalRelayDeps {
  ptyd: () => PtydClient | null;
  isKnownSession: (session: string) => boolean;
  /** Whether the store believes the session's process still runs (then it is never shown as ended). */
  isLive: (session: string) => boolean;
  /** The tail of a session's saved output, or null if none was kept. */
  savedOutput: (session: string) => Uint8Array | null;
  /** The size saved output is drawn at when ptyd cannot say. */
  cols: number;
  rows: number;
}

/** How long an attach waits for ptyd to be connected again: 30 tries, a second apart. */
const RECONNECT_ATTEMPTS = 30;
const RECONNECT_RETRY_MS = 1000;

export class TerminalRelay {
  private readonly subs = new Map<number, { ptydSub: number; client: PtydClient; session: string }>();
  /** Connections whose end this relay listens for, with the listener to remove. */
  private readonly watched = new Map<PtydClient, () => void>();
  /** Attaches waiting for the daemon to be connected again. */
  private readonly waiting = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly deps: TerminalRelayDeps,
    private readonly sink: TerminalSink,
  ) {}

  handle(msg: TerminalClientMessage, payload: Uint8Array): void {
    switch (msg.t) {
      case 'attach':
        this.detach(msg.sub);
        if (!this.deps.isKnownSession(msg.session)) {
          this.sink({ t: 'error', sub: msg.sub, message: 'no such terminal' });
          return;
        }
        this.attach(msg.sub, msg.session, 0);
        return;
      case 'detach':
        this.detach(msg.sub);
        return;
      case 'ack': {
        const s = this.subs.get(msg.sub);
        s?.client.terminal({ t: 'ack', sub: s.ptydSub, bytes: msg.bytes });
        return;
      }
      case 'input':
      case 'resize':
        if (!this.deps.isKnownSession(msg.session)) return;
        this.deps.ptyd()?.terminal(msg, payload);
        return;
    }
  }

  private attach(uiSub: number, session: string, attempt: number): void {
    this.waiting.delete(uiSub);
    const client = this.deps.ptyd();
    if (!client) {
      // A session that may still run is not shown as ended: the daemon is reconnecting, and
      // the attach is tried again for a while before the terminal is told.
      if (this.deps.isLive(session) && attempt < RECONNECT_ATTEMPTS) {
        const timer = setTimeout(() => this.attach(uiSub, session, attempt + 1), RECONNECT_RETRY_MS);
        timer.unref();
        this.waiting.set(uiSub, timer);
        return;
      }
      if (!this.replaySaved(uiSub, session)) this.sink({ t: 'error', sub: uiSub, message: 'the terminal daemon is not connected' });
      return;
    }
    this.watch(client);
    const ptydSub = client.attach(session, (m, p) => {
      // ptyd does not have it any more: what it printed is still in its log.
      if (m.t === 'error' && this.replaySaved(uiSub, session)) return;
      this.sink({ ...m, sub: uiSub }, p);
    });
    this.subs.set(uiSub, { ptydSub, client, session });
  }

  /**
   * When the connection to ptyd ends, every terminal on it attaches again once there is a new
   * one: a fresh snapshot if its session lives on, its saved output if it died with ptyd.
   */
  private watch(client: PtydClient): void {
    if (this.watched.has(client)) return;
    const onClose = (): void => {
      this.watched.delete(client);
      for (const [uiSub, s] of [...this.subs]) {
        if (s.client !== client) continue;
        this.subs.delete(uiSub);
        this.attach(uiSub, s.session, 0);
      }
    };
    client.once('close', onClose);
    this.watched.set(client, () => client.off('close', onClose));
  }

  /** Shows an ended session from its saved output: a snapshot of the log's tail, then its end. */
  private replaySaved(sub: number, session: string): boolean {
    const saved = this.deps.savedOutput(session);
    if (!saved) return false;
    this.sink({ t: 'snapshot', sub, seq: 0, cols: this.deps.cols, rows: this.deps.rows }, saved);
    this.sink({ t: 'exit', sub, exitCode: null, signal: null });
    return true;
  }

  private detach(uiSub: number): void {
    clearTimeout(this.waiting.get(uiSub));
    this.waiting.delete(uiSub);
    const s = this.subs.get(uiSub);
    if (!s) return;
    this.subs.delete(uiSub);
    if (!s.client.isClosed) s.client.detach(s.ptydSub);
  }

  close(): void {
    for (const sub of [...this.subs.keys(), ...this.waiting.keys()]) this.detach(sub);
    for (const unwatch of this.watched.values()) unwatch();
    this.watched.clear();
  }
}
