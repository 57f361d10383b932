/**
 * Typing text into a running agent and checking that it took it. Peers have left prompts typed
 * into agents with Enter never registered, so "typed" is not "delivered": after Enter, the
 * agent must visibly react (output beyond the terminal's own echo of Enter) and the text must
 * no longer wait on the prompt row.
 */
import type { ScreenText } from '../../shared/ptyd-protocol';
import type { PtydClient } from '../ptyd/client';
import { plainTypedText, typedKeys } from '../agents/typed-text';
import { inputRows, stripBorders } from './needs-input';

export interface DeliveryOptions {
  /** How long the agent has to show it took the input. */
  confirmMs?: number;
  pollMs?: number;
  /** The echo of the typed text counts as settled once output stops for this long. */
  settleMs?: number;
  /** Press Enter once more after this long if the text still waits and nothing happened. */
  retryEnterAfterMs?: number;
}

/** A cooked-mode terminal echoes Enter as "\r\n": output that proves nothing about the agent. */
const ENTER_ECHO_BYTES = 2;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The keys for feedback: a bracketed paste where the program asked for those (typed-text.ts). */
export const inputKeys = typedKeys;

/** The end of the text's last line: what stays visible on a prompt row until Enter is taken. */
function visibleTail(text: string): string {
  const lines = text.split(/\r\n?|\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return (lines[lines.length - 1] ?? '').slice(-40);
}

/**
 * Whether the typed text still waits, unsubmitted: on the cursor's row, or in an input box
 * near the bottom (TUIs draw their own cursor and may park the terminal's elsewhere).
 */
export function sitsUnsubmitted(screen: Pick<ScreenText, 'lines' | 'cursorRow'>, text: string): boolean {
  const tail = visibleTail(text);
  if (!tail) return false;
  const cursorLine = stripBorders(screen.lines[screen.cursorRow] ?? '');
  if (cursorLine.endsWith(tail)) return true;
  return inputRows(screen.lines, screen.cursorRow).some((row) => row.endsWith(tail));
}

/** Whether, after Enter at output offset `enterSeq`, the screen shows the text taken. */
export function looksTaken(screen: Pick<ScreenText, 'lines' | 'cursorRow' | 'seq'>, enterSeq: number, text: string): boolean {
  return screen.seq - enterSeq > ENTER_ECHO_BYTES && !sitsUnsubmitted(screen, text);
}

/**
 * Types `text` into `session`, submits it, and watches the screen. Returns true when the agent
 * was seen to take it. Enter goes separately, after the echo settles: some TUIs take a burst
 * ending in "\r" as a paste and never submit it.
 */
export async function typeAndConfirm(ptyd: () => PtydClient | null, session: string, rawText: string, opts: DeliveryOptions = {}): Promise<boolean> {
  // What reaches the screen is the text without its controls: watch for that.
  const text = plainTypedText(rawText);
  const { confirmMs = 5000, pollMs = 100, settleMs = 200, retryEnterAfterMs = 1500 } = opts;
  const screen = async (): Promise<ScreenText | null> => (await ptyd()?.text(session).catch(() => null)) ?? null;
  const type = (keys: string): void => ptyd()?.terminal({ t: 'input', session }, new TextEncoder().encode(keys));

  const before = await screen();
  if (before && !before.alive) return false;
  // Without a screen to read (a ptyd from before the text op), type all the same: unconfirmed.
  type(inputKeys(text, before?.bracketedPaste ?? false));

  // Let the echo (or the TUI's redraw) of the text finish, so it is not taken for a reaction.
  let settled = before?.seq ?? 0;
  let stillSince = Date.now();
  const settleDeadline = Date.now() + 1500;
  while (Date.now() < settleDeadline) {
    await sleep(50);
    const s = await screen();
    if (!s) continue;
    if (s.seq !== settled) {
      settled = s.seq;
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= settleMs) break;
  }

  let enterSeq = (await screen())?.seq ?? settled;
  let enterAt = Date.now();
  type('\r');
  let retried = false;
  const deadline = Date.now() + confirmMs;
  while (Date.now() < deadline) {
    await sleep(pollMs);
    const s = await screen();
    if (!s) continue;
    if (looksTaken(s, enterSeq, text)) return true;
    if (!s.alive) return false;
    // Enter was lost (nothing at all happened and the text still waits): press it once more.
    if (!retried && s.seq === enterSeq && Date.now() - enterAt >= retryEnterAfterMs && sitsUnsubmitted(s, text)) {
      retried = true;
      enterSeq = s.seq;
      enterAt = Date.now();
      type('\r');
    }
  }
  return false;
}
