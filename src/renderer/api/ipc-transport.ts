/** Desktop mode: the contract over the preload bridge (Electron IPC). */
import type { DesktopBridge } from '../../shared/bridge';
import type { EngineEvent, RpcResponse } from '../../shared/contract';
import type { TerminalClientMessage, TerminalServerMessage } from '../../shared/terminal';
import type { ConnectionState, Transport } from './transport';

export class IpcTransport implements Transport {
  readonly mode = 'desktop' as const;
  constructor(private readonly bridge: DesktopBridge) {}

  call(method: string, input: unknown): Promise<RpcResponse> {
    return this.bridge.invoke(method, input);
  }
  onEvent(l: (e: EngineEvent) => void): () => void {
    return this.bridge.onEvent(l);
  }
  sendTerminal(msg: TerminalClientMessage, payload?: Uint8Array): void {
    this.bridge.sendTerminal(msg, payload ?? null);
  }
  onTerminal(l: (m: TerminalServerMessage, p: Uint8Array) => void): () => void {
    return this.bridge.onTerminal((h, p) => l(h as TerminalServerMessage, p ?? new Uint8Array(0)));
  }
  onConnection(l: (s: ConnectionState) => void): () => void {
    l('open');
    return () => {};
  }
  pickFolder = (): Promise<string | null> => this.bridge.pickFolder();
}
