/** Above the board: which plan, find a task, and show or hide ended (failed, cancelled, blocked) and archived ones. */
import type { ReactNode } from 'react';
import type { Task, TaskState } from '../../shared/task';

export interface BoardFilters {
  text: string;
  /** Failed, cancelled and blocked tasks. */
  showEnded: boolean;
  showArchived: boolean;
}

const ENDED: TaskState[] = ['failed', 'cancelled', 'blocked'];

export function applyFilters(tasks: Task[], f: BoardFilters): Task[] {
  const text = f.text.trim().toLowerCase();
  return tasks.filter(
    (t) =>
      (f.showArchived || !t.archived) &&
      (f.showEnded || !ENDED.includes(t.state)) &&
      (!text || t.title.toLowerCase().includes(text) || (t.branch ?? '').toLowerCase().includes(text)),
  );
}

interface Props {
  filters: BoardFilters;
  onChange(f: BoardFilters): void;
  total: number;
  shown: number;
  /** The plan selector and what goes with it, first in the row. */
  children?: ReactNode;
}

export function BoardToolbar({ filters, onChange, total, shown, children }: Props) {
  return (
    <div className="board-toolbar">
      {children}
      <input
        className="board-search"
        value={filters.text}
        onChange={(e) => onChange({ ...filters, text: e.target.value })}
        placeholder="Filter tasks by title or branch"
        aria-label="Filter tasks"
      />
      <label className="check chip">
        <input type="checkbox" checked={filters.showEnded} onChange={(e) => onChange({ ...filters, showEnded: e.target.checked })} aria-label="Show failed, cancelled and blocked" />
        Failed &amp; cancelled
      </label>
      <label className="check chip">
        <input type="checkbox" checked={filters.showArchived} onChange={(e) => onChange({ ...filters, showArchived: e.target.checked })} aria-label="Show archived" />
        Archived
      </label>
      {shown !== total && (
        <span className="muted board-count">
          {shown} of {total} shown
        </span>
      )}
    </div>
  );
}
