/**
 * The sandboxed preload: a narrow bridge to the main process. It exposes exactly the
 * DesktopBridge interface; no ipcRenderer, no Node, nothing else reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EngineEvent, RpcResponse } from '../shared/contract';
import { IPC, type DesktopBridge } from '../shared/bridge';

const bridge: DesktopBridge = {
  invoke: (method, input) => ipcRenderer.invoke(IPC.rpc, method, input) as Promise<RpcResponse>,
  onEvent: (listener) => {
    const l = (_e: IpcRendererEvent, event: EngineEvent): void => listener(event);
    ipcRenderer.on(IPC.event, l);
    return () => ipcRenderer.off(IPC.event, l);
  },
  sendTerminal: (header, payload) => ipcRenderer.send(IPC.terminal, header, payload),
  onTerminal: (listener) => {
    const l = (_e: IpcRendererEvent, header: unknown, payload: Uint8Array | null): void => listener(header, payload);
    ipcRenderer.on(IPC.terminal, l);
    return () => ipcRenderer.off(IPC.terminal, l);
  },
  pickFolder: () => ipcRenderer.invoke(IPC.pickFolder) as Promise<string | null>,
  openExternal: (url) => ipcRenderer.invoke(IPC.openExternal, url) as Promise<void>,
  onOpenTask: (listener) => {
    const l = (_e: IpcRendererEvent, taskId: unknown): void => {
      if (typeof taskId === 'string') listener(taskId);
    };
    ipcRenderer.on(IPC.openTask, l);
    return () => ipcRenderer.off(IPC.openTask, l);
  },
};

contextBridge.exposeInMainWorld('switchyard', bridge);
