/**
 * Links printed in a terminal are untrusted text: only http and https links are opened, in a
 * new browser tab with no access back to this page, or on desktop through the main process,
 * which checks the scheme again.
 */
import { isWebUrl } from '../../shared/bridge';

export function openExternalLink(uri: string): void {
  if (!isWebUrl(uri)) return;
  if (window.switchyard?.openExternal) {
    void window.switchyard.openExternal(uri);
    return;
  }
  window.open(uri, '_blank', 'noopener,noreferrer');
}
