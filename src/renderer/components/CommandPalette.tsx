/** Ctrl/Cmd-K: every action and every task, by typing a few letters. */
import { Command } from 'cmdk';
import { useEffect } from 'react';

export interface PaletteItem {
  id: string;
  label: string;
  group: string;
  hint?: string;
  run(): void;
}

export function CommandPalette({ items, onClose }: { items: PaletteItem[]; onClose(): void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  const groups = [...new Set(items.map((i) => i.group))];
  return (
    <div className="dialog-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <Command className="palette" label="Command palette" loop>
        <Command.Input autoFocus placeholder="Type a command or a task…" aria-label="Command" />
        <Command.List>
          <Command.Empty>Nothing matches.</Command.Empty>
          {groups.map((g) => (
            <Command.Group key={g} heading={g}>
              {items
                .filter((i) => i.group === g)
                .map((i) => (
                  <Command.Item
                    key={i.id}
                    value={`${i.label} ${i.id}`}
                    onSelect={() => {
                      onClose();
                      i.run();
                    }}
                  >
                    <span>{i.label}</span>
                    {i.hint && <kbd>{i.hint}</kbd>}
                  </Command.Item>
                ))}
            </Command.Group>
          ))}
        </Command.List>
      </Command>
    </div>
  );
}
