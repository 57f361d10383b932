/**
 * The contract over Electron IPC. Every message is checked twice: its sender must be the
 * app's own top-level page, and its input must pass the contract's schema.
 */
import { dialog, ipcMain, shell, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { IPC, isWebUrl } from '../shared/bridge';
import type { EngineEvent } from '../shared/contract';
import { dispatch } from '../shared/dispatch';
import { parseTerminalClientMessage } from '../shared/terminal';
import type { Engine } from '../engine/engine';
import { isTrustedSender, senderOf } from './sender-check';

export function wireIpc(engine: Engine, win: BrowserWindow): () => void {
  const handlers = engine.handlers();
  let nextId = 1;
  /** The message comes from this window's own top-level page, at the app origin. */
  const trusted = (e: IpcMainEvent | IpcMainInvokeEvent): boolean =>
    e.sender === win.webContents && isTrustedSender(senderOf(e.senderFrame as WebFrameMain | null));

  ipcMain.handle(IPC.rpc, (e: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    if (!trusted(e)) throw new Error('untrusted sender');
    return dispatch(handlers, nextId++, method, input);
  });

  ipcMain.handle(IPC.pickFolder, async (e: IpcMainInvokeEvent) => {
    if (!trusted(e)) throw new Error('untrusted sender');
    const r = await dialog.showOpenDialog(win, { title: 'Open a git repository', properties: ['openDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });

  ipcMain.handle(IPC.openExternal, async (e: IpcMainInvokeEvent, url: unknown) => {
    if (!trusted(e)) throw new Error('untrusted sender');
    // Terminal output is untrusted: only web links, checked here again, reach the OS.
    if (!isWebUrl(url)) throw new Error('only http and https links can be opened');
    await shell.openExternal(url);
  });

  const relay = engine.openTerminalChannel((msg, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC.terminal, msg, payload ?? null);
  });
  const onTerminal = (e: IpcMainEvent, header: unknown, payload: unknown): void => {
    if (!trusted(e)) return;
    const msg = parseTerminalClientMessage(header);
    const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(0);
    if (msg) relay.handle(msg, bytes);
  };
  ipcMain.on(IPC.terminal, onTerminal);

  const onEvent = (event: EngineEvent): void => {
    if (!win.isDestroyed()) win.webContents.send(IPC.event, event);
  };
  engine.on('event', onEvent);

  return () => {
    ipcMain.removeHandler(IPC.rpc);
    ipcMain.removeHandler(IPC.pickFolder);
    ipcMain.removeHandler(IPC.openExternal);
    ipcMain.off(IPC.terminal, onTerminal);
    engine.off('event', onEvent);
    relay.close();
  };
}
