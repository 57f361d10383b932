/**
 * What an agent's hook hands `switchyard hook`: a JSON payload on stdin (Claude Code, Gemini
 * CLI, the OpenCode plugin) or as the last argument (Codex's notify). Only two things are taken
 * from it: the agent's own session id, for resuming exactly that conversation, and a line for
 * the card. Field names differ by agent; unknown payloads are ignored, never an error.
 */
import { NOTIFY_MESSAGE_MAX, agentSessionIdSchema } from '../shared/notify-protocol';

export interface HookPayload {
  agentSession: string | null;
  message: string | null;
}

const SESSION_FIELDS = ['session_id', 'sessionId', 'sessionID', 'thread-id', 'thread_id', 'threadId'];
const MESSAGE_FIELDS = ['message', 'last-assistant-message', 'last_assistant_message', 'lastAssistantMessage', 'prompt_response'];

export function parseHookPayload(text: string | null): HookPayload {
  const none: HookPayload = { agentSession: null, message: null };
  if (!text || !text.trim().startsWith('{')) return none;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return none;
  }
  if (typeof v !== 'object' || v === null) return none;
  const o = v as Record<string, unknown>;
  const first = (fields: string[]): string | null => {
    for (const f of fields) {
      const x = o[f];
      if (typeof x === 'string' && x.trim()) return x.trim();
    }
    return null;
  };
  const session = first(SESSION_FIELDS);
  const message = first(MESSAGE_FIELDS);
  return {
    agentSession: session && agentSessionIdSchema.safeParse(session).success ? session : null,
    message: message ? oneLine(message) : null,
  };
}

/** The message as a card shows it: its first lines, cut to the notify limit. */
function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > NOTIFY_MESSAGE_MAX ? `${t.slice(0, NOTIFY_MESSAGE_MAX - 1)}…` : t;
}
