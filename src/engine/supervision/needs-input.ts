/**
 * "Needs input" without hooks: does an agent's screen show that it waits for the user?
 * Pure, so it can be tested on recorded screens. Two things must hold: the agent has been quiet
 * for the quiet period, and its screen ends in a prompt (a shell or REPL prompt, a question, a
 * yes/no choice, "Press Enter", or a TUI's input box or option menu).
 */

export interface ScreenState {
  /** The visible rows, top to bottom. */
  lines: string[];
  /** Milliseconds since the agent last printed anything. */
  quietMs: number;
  /** The cursor's row in `lines`, when known. A bare `:` prompt only counts with the cursor on it. */
  cursorRow?: number;
}

/** Box-drawing borders TUIs draw around input boxes and dialogs. */
const BORDER = /^[\s│┃|╭╮╰╯┌┐└┘├┤─━═╔╗╚╝║]+|[\s│┃|╭╮╰╯┌┐└┘├┤─━═╔╗╚╝║]+$/g;

/** A row with its box borders and surrounding blanks removed ("" for a rule or an empty row). */
export function stripBorders(line: string): string {
  return line.replace(BORDER, '');
}

/**
 * Shown by agents while they work (Claude Code and Codex: "esc to interrupt"; Gemini CLI:
 * "(esc to cancel, 5s)"): never waiting, however quiet. A bare "esc to cancel" is not one of
 * them: approval dialogs say it too.
 */
const WORKING = [/esc to interrupt/i, /ctrl\+c to interrupt/i, /\(esc to cancel,\s*\d+s\)/i];

/** A choice the user must make. */
const CHOICE = [
  /[[(]\s*y(es)?\s*\/\s*n(o)?\s*[\])]/i, // [y/N] (Y/n) (yes/no)
  /\(Y\)es\s*\/\s*\(N\)o/i, // aider: (Y)es/(N)o/(D)on't ask again
  /\?\s*\(y\)$/i, // npx: Ok to proceed? (y)
  /press (enter|return|any key)/i,
  /hit (enter|return)/i,
];

/** A TUI input box or option menu: a prompt marker at the start of a row (after its border). */
const INPUT_MARKER = /^(?:[>❯›▌»]|>>>)(?:\s|$)/;

/** A numbered option in a menu ("❯ 1. Yes", "  2. No"). */
const MENU_OPTION = /^(?:[❯›>▶]\s*)?\d+[.)]\s+\S/;

/** The last row ends like a prompt: `$ `, `# `, `% `, `> `, `❯`, `›`, `?`, `:`. */
function endsLikePrompt(line: string, cursorOnIt: boolean): boolean {
  const t = line.trimEnd();
  if (t.length === 0) return false;
  if (/\?$/.test(t)) return true;
  // `45%` is a progress figure, not zsh's `%` prompt.
  if (/\d\s*%$/.test(t)) return false;
  if (/[$#%❯›»]$/.test(t)) return true;
  if (/>$/.test(t)) {
    // Output that merely ends in `>`: an HTML/XML tag, an arrow, a progress bar's head.
    if (/<\/?[A-Za-z][^<>]*>$/.test(t) || /[-=~]>$/.test(t)) return false;
    return true;
  }
  // "Enter a name:" waits on its own row; "Here is the plan:" is followed by more output.
  if (/:$/.test(t)) return cursorOnIt && !/^\s*\d+:$/.test(t);
  return false;
}

/** Whether the screen, quiet for `quietMs`, shows an agent waiting for input. */
export function waitsForInput(screen: ScreenState, quietThresholdMs: number): boolean {
  if (screen.quietMs < quietThresholdMs) return false;
  return screenEndsInPrompt(screen.lines, screen.cursorRow);
}

/** The screen part of the heuristic, without the quiet period. */
export function screenEndsInPrompt(lines: string[], cursorRow?: number): boolean {
  const rows = bottomRows(lines, 12);
  const last = rows[0];
  if (!last) return false;
  const bottom = rows.slice(0, 4);
  if (bottom.some((r) => WORKING.some((re) => re.test(r.raw)))) return false;
  // Only on the last row: an answered "[y/N] y" above the agent's next output is history.
  if (CHOICE.some((re) => re.test(last.text))) return true;
  // A TUI's input box near the bottom, above at most a couple of status rows.
  if (rows.slice(0, 3).some((r) => isInputRow(r, lines, cursorRow))) return true;
  if (hasQuestionWithMenu(rows)) return true;
  const cursorOnIt = cursorRow === undefined || cursorRow === last.index;
  return endsLikePrompt(last.raw.replace(/[\s│┃║]+$/, ''), cursorOnIt);
}

interface Row {
  index: number;
  raw: string;
  /** Without box borders and surrounding blanks. */
  text: string;
}

/** The last `n` rows that say anything, bottom up. */
function bottomRows(lines: string[], n: number): Row[] {
  const rows: Row[] = [];
  for (let i = lines.length - 1; i >= 0 && rows.length < n; i--) {
    const text = stripBorders(lines[i] ?? '');
    if (text.length > 0) rows.push({ index: i, raw: lines[i]!, text });
  }
  return rows;
}

/**
 * A row that starts with a prompt marker is an input row when it is drawn as one: inside a box
 * (`│ > `), right under a rule (`────` then `> `), holding the cursor (Codex's `› `), or alone.
 * Output that merely starts with a marker (vitest's `❯ test/a.test.ts`, a quoted `> note`)
 * has none of these.
 */
function isInputRow(r: Row, lines: string[], cursorRow: number | undefined): boolean {
  if (!INPUT_MARKER.test(r.text)) return false;
  if (/^[>❯›▌»]+$/.test(r.text.trim())) return true;
  if (/^\s*[│┃║|]/.test(r.raw)) return true;
  if (/^\s*[─━═-]{5,}\s*$/.test(lines[r.index - 1] ?? '')) return true;
  // `❯` also marks the running file in test reporters; as a prompt it stands alone.
  return cursorRow === r.index && !r.text.startsWith('❯');
}

/**
 * The input rows near the bottom of the screen (a TUI's input box, a REPL's prompt row), as
 * text without borders: where typed text waits until it is submitted.
 */
export function inputRows(lines: string[], cursorRow?: number): string[] {
  return bottomRows(lines, 3)
    .filter((r) => isInputRow(r, lines, cursorRow))
    .map((r) => r.text);
}

/** "Do you want to proceed?" followed by numbered options, as permission dialogs draw them. */
function hasQuestionWithMenu(rows: { text: string }[]): boolean {
  let options = 0;
  for (const r of rows.slice(0, 8)) {
    if (MENU_OPTION.test(r.text)) {
      options++;
      continue;
    }
    return options >= 2 && /\?$/.test(r.text);
  }
  return false;
}
