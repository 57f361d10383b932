/**
 * IPC sender validation: only the app's own top-level page may call the engine. A message
 * from any other frame or origin (an injected iframe, a navigated-away page) is dropped.
 */
import { APP_ORIGIN } from './window-options';

export interface SenderFrameLike {
  url: string;
  /** True for the top-level frame of the window. */
  isMainFrame: boolean;
}

export function isTrustedSender(frame: SenderFrameLike | null | undefined, appOrigin = APP_ORIGIN): boolean {
  if (!frame || !frame.isMainFrame) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return url.origin === appOrigin || `${url.protocol}//${url.host}` === appOrigin;
}

/** Electron's sender frame, as the check needs it: the top frame is the one with no parent. */
export function senderOf(frame: { url: string; parent: unknown } | null | undefined): SenderFrameLike | null {
  return frame ? { url: frame.url, isMainFrame: frame.parent === null } : null;
}
