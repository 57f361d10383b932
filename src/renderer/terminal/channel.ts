/** Routes terminal frames to the view that subscribed, by subscription number. */
import type { TerminalServerMessage } from '../../shared/terminal';
import type { Transport } from '../api/transport';

export type FrameHandler = (msg: TerminalServerMessage, payload: Uint8Array) => void;

export class TerminalChannel {
  private nextSub = 1;
  private readonly handlers = new Map<number, FrameHandler>();

  constructor(readonly transport: Transport) {
    transport.onTerminal((msg, payload) => this.handlers.get(msg.sub)?.(msg, payload));
  }

  open(handler: FrameHandler): number {
    const sub = this.nextSub++;
    this.handlers.set(sub, handler);
    return sub;
  }

  close(sub: number): void {
    this.handlers.delete(sub);
    this.transport.sendTerminal({ t: 'detach', sub });
  }
}
