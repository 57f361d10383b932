/**
 * The desktop app's main process: thin. It starts the same engine `switchyard serve` runs,
 * opens one locked-down window, and wires the contract over IPC.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { Engine } from '../engine/engine';
import { defaultDataDir } from '../engine/paths';
import { SwitchyardError } from '../shared/errors';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { denyPermission, hardenWebContents } from './harden';
import { wireIpc } from './ipc';
import { adoptLoginShellPath } from './login-path';
import { wireNotifications } from './notifications';
import { APP_ORIGIN, secureWindowOptions } from './window-options';
import pkg from '../../package.json';

const HERE = path.dirname(fileURLToPath(import.meta.url));

registerAppScheme();

async function createWindow(engine: Engine): Promise<void> {
  const win = new BrowserWindow(secureWindowOptions(path.join(HERE, '..', 'preload', 'index.cjs')));
  hardenWebContents(win.webContents);
  const unwire = wireIpc(engine, win);
  win.on('closed', unwire);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

async function main(): Promise<void> {
  // One app per user: a second engine would fight the first over ptyd and the database.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  await app.whenReady();
  await adoptLoginShellPath();
  session.defaultSession.setPermissionRequestHandler(denyPermission);
  serveAppScheme(path.join(HERE, '..', 'renderer'));
  const start = (replacePtyd: boolean): Promise<Engine> =>
    Engine.start({
      dataDir: process.env.SWITCHYARD_DATA_DIR ? path.resolve(process.env.SWITCHYARD_DATA_DIR) : defaultDataDir(),
      version: pkg.version,
      mode: 'desktop',
      replacePtyd,
      // ptyd runs under plain Node semantics, detached, so agents outlive the app.
      ptydLaunch: { command: process.execPath, args: [path.join(HERE, 'ptyd.js')], env: { ELECTRON_RUN_AS_NODE: '1' } },
      // Agents' `switchyard notify`: the same binary, as plain Node.
      cliLaunch: { command: process.execPath, args: [path.join(HERE, 'cli.js')], env: { ELECTRON_RUN_AS_NODE: '1' } },
    });
  let engine: Engine;
  try {
    // `switchyard start --replace-ptyd` answers the question below in advance.
    engine = await start(process.argv.includes('--replace-ptyd'));
  } catch (err) {
    // A terminal daemon of another version still runs agents: the user decides, never us.
    if (!(err instanceof SwitchyardError && err.code === 'ptyd-version')) throw err;
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      title: 'Another Switchyard’s terminal daemon is running',
      message: 'Agents started by another version of Switchyard are still running.',
      detail: err.message,
      buttons: ['Quit and leave them running', 'Stop them and continue'],
      defaultId: 0,
      cancelId: 0,
    });
    if (response !== 1) {
      app.exit(0);
      return;
    }
    engine = await start(true);
  }
  wireNotifications(engine);
  await createWindow(engine);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(engine);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quit once the engine has closed: its store is flushed and its data-folder lock released.
  let closed = false;
  app.on('will-quit', (e) => {
    if (closed) return;
    e.preventDefault();
    void engine.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

main().catch((err: unknown) => {
  console.error('Switchyard failed to start:', err);
  // Say why where the user looks (another engine holding the data folder, most often).
  dialog.showErrorBox('Switchyard could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
