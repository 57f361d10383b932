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
  /** Opens an http(s) link in the user's browser; the main process checks the scheme. */
  openExternal(url: string): Promise<void>;
  /** The main process asks to show a task (a notification was clicked). */
  onOpenTask(listener: (taskId: string) => void): () => void;
}

export const IPC = {
  rpc: 'sy:rpc',
  event: 'sy:event',
  terminal: 'sy:term',
  pickFolder: 'sy:pick-folder',
  openExternal: 'sy:open-external',
  openTask: 'sy:open-task',
} as const;

/** Only web links leave the app: never file:, javascript:, custom schemes or garbage. */
export function isWebUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length > 4096) return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}
