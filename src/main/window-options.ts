/**
 * The desktop window's security settings, as a pure function so it can be unit-tested on
 * machines where the window itself cannot open.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { buildCsp } from '../shared/csp';

export function secureWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Switchyard',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The app's own scheme and origin; the UI is served from here, never from file://. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://switchyard`;

/** The desktop CSP: the bundle only, no remote anything, no eval. */
export const DESKTOP_CSP = buildCsp();
