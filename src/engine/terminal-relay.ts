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
  /** The tail of a session's saved output, or null if none was kept. */
  savedOutput: (session: string) => Uint8Array | null;
  /** The size saved output is drawn at when ptyd cannot say. */
  cols: number;
  rows: number;
}

export class TerminalRelay {
  private readonly subs = new Map<number, { ptydSub: number; client: PtydClient }>();

  constructor(
    private readonly deps: TerminalRelayDeps,
    private readonly sink: TerminalSink,
  ) {}

  handle(msg: TerminalClientMessage, payload: Uint8Array): void {
    switch (msg.t) {
      case 'attach': {
        this.detach(msg.sub);
        const client = this.deps.ptyd();
        if (!this.deps.isKnownSession(msg.session)) {
          this.sink({ t: 'error', sub: msg.sub, message: 'no such terminal' });
          return;
        }
        if (!client) {
          if (!this.replaySaved(msg.sub, msg.session)) this.sink({ t: 'error', sub: msg.sub, message: 'the terminal daemon is not connected' });
          return;
        }
        const uiSub = msg.sub;
        const session = msg.session;
        const ptydSub = client.attach(session, (m, p) => {
          // ptyd does not have it any more: what it printed is still in its log.
          if (m.t === 'error' && this.replaySaved(uiSub, session)) return;
          this.sink({ ...m, sub: uiSub }, p);
        });
        this.subs.set(uiSub, { ptydSub, client });
        return;
      }
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

  /** Shows an ended session from its saved output: a snapshot of the log's tail, then its end. */
  private replaySaved(sub: number, session: string): boolean {
    const saved = this.deps.savedOutput(session);
    if (!saved) return false;
    this.sink({ t: 'snapshot', sub, seq: 0, cols: this.deps.cols, rows: this.deps.rows }, saved);
    this.sink({ t: 'exit', sub, exitCode: null, signal: null });
    return true;
  }

  private detach(uiSub: number): void {
    const s = this.subs.get(uiSub);
    if (!s) return;
    this.subs.delete(uiSub);
    if (!s.client.isClosed) s.client.detach(s.ptydSub);
  }

  close(): void {
    for (const sub of [...this.subs.keys()]) this.detach(sub);
  }
}
