/** How the UI reaches the engine: Electron IPC on desktop, the loopback WebSocket in a browser. */
import type { EngineEvent, RpcResponse } from '../../shared/contract';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly mode: 'desktop' | 'browser';
  call(method: string, input: unknown): Promise<RpcResponse>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  sendTerminal(msg: TerminalClientMessage, payload?: Uint8Array): void;
  onTerminal(listener: (msg: TerminalServerMessage, payload: Uint8Array) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Desktop only: the native folder picker. */
  pickFolder?: () => Promise<string | null>;
}

/** A tiny typed listener set, so each transport does not write its own. */
export class Listeners<T extends unknown[]> {
  private readonly set = new Set<(...args: T) => void>();
  add(fn: (...args: T) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(...args: T): void {
    for (const fn of this.set) fn(...args);
  }
}
