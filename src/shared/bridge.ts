/**
 * What the desktop preload exposes to the renderer through contextBridge, and nothing more:
 * the contract's calls, its events, the terminal channel, and the native folder picker.
 */
import type { EngineEvent, RpcResponse } from './contract';

export interface DesktopBridge {
  invoke(method: string, input: unknown): Promise<RpcResponse>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  sendTerminal(header: unknown, payload: Uint8Array | null): void;
  onTerminal(listener: (header: unknown, payload: Uint8Array | null) => void): () => void;
  pickFolder(): Promise<string | null>;
}

export const IPC = {
  rpc: 'sy:rpc',
  event: 'sy:event',
  terminal: 'sy:term',
  pickFolder: 'sy:pick-folder',
} as const;
