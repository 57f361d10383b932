/**
 * "Needs input" without hooks: does an agent's screen show that it waits for the user?
 * Pure, so it can be tested on recorded screens (test/fixtures/screens, recorded from the real
 * CLIs by scripts/record-agent-screens.ts). Two things must hold: the agent has been quiet for
 * the quiet period, and its screen ends in a prompt (a shell or REPL prompt, a question, a
 * yes/no choice, "Press Enter", a dialog's key hints, or a TUI's input box or option menu), with
 * no working indicator under it.
 */

export interface ScreenState {
  /** The visible rows, top to bottom. */
  lines: string[];
  /** Milliseconds since the agent last printed anything. */
  quietMs: number;
  /** The cursor's row in `lines`, when known. A bare `:` prompt only counts with the cursor on it. */
  cursorRow?: number;
}

/**
 * Box-drawing borders TUIs draw around input boxes and dialogs, with the dashed rules and the
 * half blocks some draw them with (Claude Code's ╌╌╌ around a command, Gemini CLI's ▄▄▄ / ▀▀▀
 * input box, OpenCode's ┃ … ╹▀▀▀).
 */
const BORDER = /^[\s│┃|╭╮╰╯┌┐└┘├┤─━═╔╗╚╝║╌╹▀▄]+|[\s│┃|╭╮╰╯┌┐└┘├┤─━═╔╗╚╝║╌╹▀▄]+$/g;

/** A row with its box borders and surrounding blanks removed ("" for a rule or an empty row). */
export function stripBorders(line: string): string {
  return line.replace(BORDER, '');
}

/**
 * Shown by agents while they work (Claude Code and Codex: "esc to interrupt"; OpenCode: "esc
 * interrupt"; Gemini CLI: "(esc to cancel, 5s)"), in their status rows under the input box:
 * never waiting, however quiet. A bare "esc to cancel" is not one of them: dialogs say it too.
 */
const WORKING = [/\besc(?: to)? interrupt/i, /ctrl\+c to interrupt/i, /\(esc to cancel,\s*\d+s\)/i];

/** How many rows (that say anything) from the bottom a working indicator is looked for in. */
const WORKING_ROWS = 6;

/** A choice the user must make. */
const CHOICE = [
  /[[(]\s*y(es)?\s*\/\s*n(o)?\s*[\])]/i, // [y/N] (Y/n) (yes/no)
  /\(Y\)es\s*\/\s*\(N\)o/i, // aider: (Y)es/(N)o/(D)on't ask again
  /\?\s*\(y\)$/i, // npx: Ok to proceed? (y)
  /press (enter|return|any key)/i,
  /hit (enter|return)/i,
];

/**
 * The key hints a dialog draws under its choices, naming Enter and what it does: "Enter to
 * confirm · Esc to cancel" (Claude Code), "enter continue · esc back", "enter/esc confirm" and
 * "Press enter to confirm or esc to cancel" (Codex), "(Use Enter to select)" and "(Press Enter to
 * submit, Esc to cancel…)" (Gemini CLI), "⇆ select  enter confirm" (OpenCode). They stand only
 * while the dialog waits, maybe above a few rows of notes.
 */
const DIALOG_HINT = /\b(?:enter|return)(?:\/esc)?\s+(?:to\s+)?(?:confirm|select|submit|continue)\b/i;

/** Buttons of a permission prompt drawn in one row (OpenCode: "Allow once   Allow always   Reject"). */
const BUTTONS = /\bAllow once\b.*\b(?:Reject|Deny)\b/i;

/** A TUI input box or option menu: a prompt marker at the start of a row (after its border). */
const INPUT_MARKER = /^(?:[>❯›▌»]|>>>)(?:\s|$)/;

/** A numbered option in a menu ("❯ 1. Yes", "  2. No", "● 1. Allow once"). */
const MENU_OPTION = /^(?:[❯›>▶●]\s*)?\d+[.)]\s+\S/;
/** The selected one: its number behind a selector. */
const SELECTED_OPTION = /^[❯›>▶●]\s*\d+[.)]\s/;

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
  if (rows.slice(0, WORKING_ROWS).some((r) => WORKING.some((re) => re.test(r.raw)))) return false;
  // Only on the last row: an answered "[y/N] y" above the agent's next output is history.
  if (CHOICE.some((re) => re.test(last.text))) return true;
  // A dialog: its key hints or its buttons near the bottom (agents draw neither while they work).
  if (rows.slice(0, 6).some((r) => DIALOG_HINT.test(r.text) || BUTTONS.test(r.text))) return true;
  // A TUI's input box near the bottom, above at most a couple of status rows.
  if (rows.slice(0, 3).some((r) => isInputRow(r, lines, cursorRow))) return true;
  if (hasOptionMenu(rows)) return true;
  if (cursorInEmptyBox(lines, cursorRow)) return true;
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
  if (/^\s*[─━═▄-]{5,}\s*$/.test(lines[r.index - 1] ?? '')) return true;
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

/**
 * An option menu at the bottom, as permission and trust dialogs draw them: two or more numbered
 * options, with one marked as selected ("❯ 1. Yes", "› 1. Trust and continue", "● 1. Allow once")
 * or right under a question ("Do you want to proceed?"). Under the options there may be a few
 * rows: an option's wrapped tail, a note, the dialog's hints.
 */
function hasOptionMenu(rows: Row[]): boolean {
  const near = rows.slice(0, 10);
  const options = near.filter((r) => MENU_OPTION.test(r.text));
  if (options.length < 2 || near.indexOf(options[0]!) > 4) return false;
  if (options.some((r) => SELECTED_OPTION.test(r.text))) return true;
  const top = near.indexOf(options[options.length - 1]!);
  return /\?$/.test(near[top + 1]?.text ?? '');
}

/**
 * An empty input box holding the cursor, with at most a few rows (the box's own, a status bar)
 * under it: OpenCode's `┃ ` row over its agent and model line. A bordered row with nothing typed.
 */
function cursorInEmptyBox(lines: string[], cursorRow: number | undefined): boolean {
  if (cursorRow === undefined) return false;
  const line = lines[cursorRow] ?? '';
  if (!/^\s*[│┃║]/.test(line) || stripBorders(line) !== '') return false;
  return lines.slice(cursorRow + 1).filter((l) => stripBorders(l) !== '').length <= 3;
}
