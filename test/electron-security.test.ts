/**
 * The desktop window cannot open on CI machines (no Electron runtime), so its security
 * settings live in pure functions, tested here.
 */
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { denyPermission, hardenWebContents, type PreventableEvent } from '../src/main/harden';
import { isTrustedSender, senderOf } from '../src/main/sender-check';
import { APP_ORIGIN, DESKTOP_CSP, secureWindowOptions } from '../src/main/window-options';

describe('desktop window options', () => {
  it('isolates the renderer: context isolation, sandbox, no node integration, no webviews', () => {
    const prefs = secureWindowOptions('/app/out/preload/index.cjs').webPreferences!;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('serves one CSP, the same builder as browser mode', async () => {
    const { contentSecurityPolicy } = await import('../src/server/request-guard');
    const browser = contentSecurityPolicy(4178);
    // Browser mode differs only by allowing its own WebSocket.
    expect(browser.replace(" ws://127.0.0.1:4178 ws://localhost:4178", '')).toBe(DESKTOP_CSP);
  });

  it('has a strict CSP: no remote code, no eval, no plugins', () => {
    expect(DESKTOP_CSP).toContain("default-src 'self'");
    expect(DESKTOP_CSP).toContain("script-src 'self'");
    expect(DESKTOP_CSP).not.toContain('unsafe-eval');
    expect(DESKTOP_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(DESKTOP_CSP).toContain("object-src 'none'");
    expect(DESKTOP_CSP).not.toMatch(/https?:/);
  });
});

describe('IPC sender check', () => {
  it('trusts only the main frame of the app origin', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html#task`, isMainFrame: true })).toBe(true);
  });

  it('refuses subframes, other origins, file URLs, look-alikes and missing frames', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///app/out/renderer/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://switchyard.evil/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://evil/switchyard', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'not a url', isMainFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('web contents hardening', () => {
  /** Stands in for Electron's WebContents, which needs the Electron runtime. */
  class FakeContents extends EventEmitter {
    openHandler: (() => { action: 'deny' }) | null = null;
    setWindowOpenHandler(h: () => { action: 'deny' }): void {
      this.openHandler = h;
    }
  }

  it('prevents navigation, redirects and webviews, and denies new windows', () => {
    const contents = new FakeContents();
    hardenWebContents(contents as unknown as Parameters<typeof hardenWebContents>[0]);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      const e: PreventableEvent = { preventDefault: () => (prevented = true) };
      contents.emit(event, e);
      expect(prevented, event).toBe(true);
    }
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
  });

  it('denies every permission request', () => {
    let granted: boolean | null = null;
    denyPermission(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('treats only a frame without a parent as the main frame', () => {
    expect(senderOf({ url: 'app://switchyard/index.html', parent: null })).toEqual({ url: 'app://switchyard/index.html', isMainFrame: true });
    expect(senderOf({ url: 'app://switchyard/index.html', parent: {} })?.isMainFrame).toBe(false);
    expect(senderOf(null)).toBeNull();
    expect(isTrustedSender(senderOf({ url: 'app://switchyard/index.html', parent: {} }))).toBe(false);
  });
});
