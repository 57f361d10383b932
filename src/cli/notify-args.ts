/** `switchyard notify …` arguments: what to report, and the message made readable. */
import { NOTIFY_MESSAGE_MAX, type NotifyKind } from '../shared/notify-protocol';

export interface NotifyArgs {
  kind: NotifyKind;
  message: string | null;
}

export function parseNotifyArgs(args: string[]): NotifyArgs | null {
  const [first, ...rest] = args;
  if (first === undefined) return null;
  const text = (words: string[]): string | null => {
    const joined = words.join(' ').trim();
    return joined ? readableMessage(joined) : null;
  };
  if (first === 'needs-input') return { kind: 'needs-input', message: text(rest) };
  if (first === 'done') return { kind: 'done', message: text(rest) };
  const message = text(args);
  return message ? { kind: 'message', message } : null;
}

/**
 * Codex's notify hook appends a JSON payload as the last argument; keep its last assistant
 * message rather than the raw JSON. Anything else is kept as it is, cut to the limit.
 */
function readableMessage(text: string): string {
  let out = text;
  if (text.startsWith('{')) {
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      const last = v['last-assistant-message'];
      if (typeof last === 'string') out = last;
      else if (typeof v.message === 'string') out = v.message;
    } catch {
      // not JSON after all: keep the text
    }
  }
  return out.length > NOTIFY_MESSAGE_MAX ? `${out.slice(0, NOTIFY_MESSAGE_MAX - 1)}…` : out;
}
