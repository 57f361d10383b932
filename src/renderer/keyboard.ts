/** Single-key shortcuts must not fire while the user types in a field or a terminal. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('.xterm, .monaco-editor')) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Cmd-K on macOS; Ctrl-K elsewhere, but Ctrl+Shift+K inside a terminal (Ctrl-K is the shell's). */
export function isPaletteKey(e: KeyboardEvent): boolean {
  if (e.key.toLowerCase() !== 'k' || e.altKey) return false;
  if (isMac) return e.metaKey && !e.ctrlKey && !e.shiftKey;
  if (!e.ctrlKey || e.metaKey) return false;
  const inTerminal = e.target instanceof HTMLElement && e.target.closest('.xterm') !== null;
  return inTerminal ? e.shiftKey : !e.shiftKey;
}

/** How to write a shortcut on this platform. */
export function modKey(): string {
  return isMac ? '⌘' : 'Ctrl';
}
