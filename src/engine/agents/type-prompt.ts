/**
 * Types a prompt into an agent's TUI once it is ready for it: after it has drawn something and
 * then gone quiet for a moment (a TUI that is still starting would drop or garble the keys).
 * Enter goes separately, after a pause, because some TUIs take a burst ending in "\r" as a
 * paste and never submit it.
 */
import type { PtydClient } from '../ptyd/client';
import { typedKeys } from './typed-text';

export interface TypePromptOptions {
  /** How long the screen must stay still before typing. */
  quietMs?: number;
  /** Type anyway after this long, even if the agent never went quiet. */
  timeoutMs?: number;
  pollMs?: number;
  /** Pause between the text and Enter. */
  enterDelayMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The keys for a prompt: multi-line goes as one bracketed paste (a TUI takes it, whatever mode it announced). */
export function promptKeys(text: string): string {
  return typedKeys(text, true);
}

/** Returns whether the prompt was typed (false if the session ended first). */
export async function typePromptWhenReady(ptyd: () => PtydClient | null, session: string, text: string, opts: TypePromptOptions = {}): Promise<boolean> {
  const { quietMs = 700, timeoutMs = 15_000, pollMs = 100, enterDelayMs = 150 } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastSeq = -1;
  let stillSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(pollMs);
    const client = ptyd();
    if (!client) continue; // reconnecting to ptyd: try again
    const all = await client.list().catch(() => null);
    if (!all) continue;
    const info = all.find((s) => s.session === session);
    if (!info || !info.alive) return false;
    if (info.seq !== lastSeq) {
      lastSeq = info.seq;
      stillSince = Date.now();
    } else if (info.seq > 0 && Date.now() - stillSince >= quietMs) {
      break;
    }
  }
  const keys = new TextEncoder();
  const client = ptyd();
  if (!client) return false;
  client.terminal({ t: 'input', session }, keys.encode(promptKeys(text)));
  await sleep(enterDelayMs);
  ptyd()?.terminal({ t: 'input', session }, keys.encode('\r'));
  return true;
}
