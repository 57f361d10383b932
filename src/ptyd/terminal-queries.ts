/**
 * ptyd answers the queries programs send their terminal, from the session's mirror, whether or
 * not a window watches: agents ask at startup for the device attributes, the cursor position
 * and the background colour, and wait or guess when nobody answers (Gemini CLI then draws for a
 * dark background on a light theme). Windows never answer (the UI silences its own replies),
 * so each query gets exactly one answer.
 *
 * xterm's own parser answers DA1/DA2, DSR/CPR, DECRQM and DECRQSS through `onData`; colour
 * queries (OSC 4/10/11/12) are answered here from the current theme's palette. OSC 9 and
 * OSC 777 "notify" (desktop notifications a program asks its terminal for) are passed on.
 */
import type xtermHeadless from '@xterm/headless';
import { paletteColor, hexToRgb, xtermRgb, type TerminalPalette } from '../shared/terminal-colors';

type Mirror = InstanceType<typeof xtermHeadless.Terminal>;

export interface QueryAnswers {
  /** Writes an answer to the program. */
  reply(data: string): void;
  /** The palette of the theme the user sees now. */
  palette(): TerminalPalette;
  /** A notification the program asked for (OSC 9, OSC 777;notify). */
  onNotification(text: string): void;
}

const ST = '\x1b\\';
/** OSC 10, 11 and 12: the default foreground, background and cursor colours. */
const DYNAMIC: Record<number, keyof TerminalPalette> = { 10: 'foreground', 11: 'background', 12: 'cursor' };
const NOTIFICATION_MAX = 2000;

export function answerQueries(mirror: Mirror, to: QueryAnswers): void {
  mirror.onData((data) => to.reply(data));
  for (const ident of [10, 11, 12]) {
    // "10;?;?" asks for 10 and then 11: each `?` asks for the next colour in turn.
    mirror.parser.registerOscHandler(ident, (data) => {
      const parts = data.split(';');
      if (!parts.includes('?')) return false; // setting a colour: xterm's own handler
      parts.forEach((p, i) => {
        const name = DYNAMIC[ident + i];
        if (p === '?' && name) to.reply(`\x1b]${ident + i};${xtermRgb(hexToRgb(to.palette()[name]))}${ST}`);
      });
      return true;
    });
  }
  mirror.parser.registerOscHandler(4, (data) => {
    const parts = data.split(';');
    let asked = false;
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const index = Number(parts[i]);
      if (parts[i + 1] !== '?' || !Number.isInteger(index) || index < 0 || index > 255) continue;
      asked = true;
      to.reply(`\x1b]4;${index};${xtermRgb(paletteColor(to.palette(), index))}${ST}`);
    }
    return asked;
  });
  mirror.parser.registerOscHandler(9, (data) => {
    // "9;4;…" is ConEmu's progress report, not a notification.
    if (/^4;/.test(data)) return true;
    notify(to, data);
    return true;
  });
  mirror.parser.registerOscHandler(777, (data) => {
    const [kind, title = '', body = ''] = data.split(';');
    if (kind === 'notify') notify(to, [title, body].filter((s) => s.trim()).join(': '));
    return true;
  });
}

function notify(to: QueryAnswers, text: string): void {
  const t = text.trim();
  if (t) to.onNotification(t.length > NOTIFICATION_MAX ? `${t.slice(0, NOTIFICATION_MAX - 1)}…` : t);
}
