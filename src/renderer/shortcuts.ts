/** Every keyboard shortcut, for the help overlay. The handlers live in App.tsx and keyboard.ts. */
export interface Shortcut {
  id: string;
  keys: string;
  label: string;
}

export const SHORTCUTS: Shortcut[] = [
  { id: 'palette', keys: 'Ctrl K', label: 'Command palette (Ctrl Shift K inside a terminal; ⌘K on macOS)' },
  { id: 'find', keys: 'Ctrl Shift F', label: 'Find in the terminal (⌘F on macOS)' },
  { id: 'copy', keys: 'Ctrl Shift C / Ctrl Shift V', label: 'Copy and paste in the terminal (⌘C, ⌘V on macOS)' },
  { id: 'link', keys: 'Ctrl click', label: 'Open a link printed in the terminal (⌘ click on macOS)' },
  { id: 'new-task', keys: 'N', label: 'New task' },
  { id: 'open-repo', keys: 'O', label: 'Open a repository' },
  { id: 'next-task', keys: 'J / ↓', label: 'Next task' },
  { id: 'prev-task', keys: 'K / ↑', label: 'Previous task' },
  { id: 'open-task', keys: 'Enter', label: 'Open the selected task' },
  { id: 'focus-terminal', keys: 'T', label: 'Focus the terminal' },
  { id: 'open-diff', keys: 'D', label: 'Open the diff' },
  { id: 'details', keys: 'I', label: 'Task details' },
  { id: 'start', keys: 'S', label: 'Start the task (queued → running)' },
  { id: 'feedback', keys: 'F', label: 'Send feedback (review → running)' },
  { id: 'merge', keys: 'M', label: 'Merge' },
  { id: 'editor', keys: 'E', label: 'Open in editor' },
  { id: 'grid', keys: 'G', label: 'Board / terminal grid' },
  { id: 'close', keys: 'Esc', label: 'Close the task, dialog or palette' },
  { id: 'help', keys: '?', label: 'This list' },
];
