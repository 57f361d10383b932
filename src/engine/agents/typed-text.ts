/**
 * Text typed into an agent's terminal (a prompt, feedback) is text, never keystrokes: it must
 * not be able to end a bracketed paste early, press Enter or Escape, or send any other control.
 * A prompt comes from plan files and issue trackers, so it is untrusted input.
 */

/** The bracketed-paste markers, in their 7-bit and 8-bit (C1 CSI) forms. */
// eslint-disable-next-line no-control-regex -- these control sequences are what we remove
const PASTE_MARKERS = /(?:\x1b\[|\x9b)20[01]~/g;
/** C0 controls but tab and newline, DEL, and the C1 controls. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** The text with line ends made "\n", and the paste markers and controls (but tab and newline) removed. */
export function plainTypedText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(PASTE_MARKERS, '').replace(CONTROLS, '');
}

/**
 * The keys that type `text`. Multi-line text goes as one bracketed paste when `bracketed`
 * (so its newlines do not submit it early); its own content can never close that paste.
 */
export function typedKeys(text: string, bracketed: boolean): string {
  const t = plainTypedText(text);
  return t.includes('\n') && bracketed ? `\x1b[200~${t}\x1b[201~` : t;
}
