/**
 * Relays one UI connection's terminal channel to ptyd. The UI names its own subscription
 * numbers; each maps to a ptyd subscription, and acks pass straight through, so flow control
 * runs end to end between ptyd and the terminal that draws the bytes. Only sessions that
 * belong to a task of this engine can be attached to, typed into, or resized.
 */
import type { TerminalClientMessage, TerminalServerMessage } from '../shared/terminal';
import type { PtydClient } from './ptyd/client';

export type TerminalSink = (msg: TerminalServerMessage, payload?: Uint8Array) => void;

export interface TerminalRelayDeps {
  ptyd: () => PtydClient | null;
  isKnownSession: (session: string) => boolean;
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
        if (!client || !this.deps.isKnownSession(msg.session)) {
          this.sink({ t: 'error', sub: msg.sub, message: client ? 'no such terminal' : 'the terminal daemon is not connected' });
          return;
        }
        const uiSub = msg.sub;
        const ptydSub = client.attach(msg.session, (m, p) => this.sink({ ...m, sub: uiSub }, p));
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
