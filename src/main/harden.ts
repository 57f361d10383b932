/**
 * The window's web contents may not navigate, redirect, open windows or attach webviews: the
 * UI is one page from app://. Written against a small interface so it is unit-tested without
 * the Electron runtime.
 */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

export function hardenWebContents(contents: HardenableContents): void {
  const refuse = (e: PreventableEvent): void => e.preventDefault();
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', refuse);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Camera, microphone, notifications prompts, geolocation…: the UI asks for none of them. */
export function denyPermission(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}
