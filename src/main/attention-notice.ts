/**
 * What OS notification (if any) an engine event becomes on desktop. Pure, so it is tested
 * without Electron: only attention events, only when the user has notifications on, and not
 * while the app's window has focus (the card's badge is in front of the user then).
 */
import type { EngineEvent } from '../shared/contract';

export interface Notice {
  title: string;
  body: string;
  taskId: string;
}

const HEADLINES = {
  'needs-input': 'needs your input',
  'your-turn': 'waits for your next message',
  finished: 'finished',
  'delivery-unconfirmed': 'did not take your feedback',
  stuck: 'looks stuck',
  'over-budget': 'is over its time budget',
  'verify-failed': 'failed verify',
} as const;

export function noticeFor(event: EngineEvent, opts: { enabled: boolean; windowFocused: boolean }): Notice | null {
  if (event.type !== 'attention' || !opts.enabled || opts.windowFocused) return null;
  return { title: `${event.title} ${HEADLINES[event.reason]}`, body: event.detail, taskId: event.taskId };
}
