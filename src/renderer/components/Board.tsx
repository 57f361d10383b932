/** The kanban: Queued, Running, Review, Done. */
import { useEffect, useState } from 'react';
import { COLUMNS, COLUMN_TITLES, columnOf, type Column, type Task } from '../../shared/task';
import { TaskCard } from './TaskCard';

interface Props {
  tasks: Task[];
  selectedId: string | null;
  onSelect(id: string): void;
  onNewTask(): void;
}

const EMPTY_HINT: Record<Column, string> = {
  queued: 'Tasks you create but do not start wait here.',
  running: 'Agents at work show here, each in its own worktree.',
  review: 'Finished work waits here for your review and merge.',
  done: 'Merged and cancelled tasks end up here.',
};

export function Board({ tasks, selectedId, onSelect, onNewTask }: Props) {
  // Re-render every 30 s so "time in state" stays true.
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);

  const byColumn = new Map<Column, Task[]>(COLUMNS.map((c) => [c, []]));
  for (const t of tasks) byColumn.get(columnOf(t.state))!.push(t);
  for (const list of byColumn.values()) list.sort((a, b) => b.stateChangedAt - a.stateChangedAt);

  return (
    <section className="board" aria-label="Task board">
      {tasks.length === 0 && (
        <div className="board-empty">
          <p>No tasks yet.</p>
          <button className="btn btn-primary" onClick={onNewTask}>
            Create the first task <kbd>N</kbd>
          </button>
        </div>
      )}
      {COLUMNS.map((col) => {
        const list = byColumn.get(col)!;
        return (
          <div className={`column column-${col}`} key={col} data-column={col} data-count={list.length}>
            <div className="column-head">
              <span className="column-title">{COLUMN_TITLES[col]}</span>
              <span className="column-count">{list.length}</span>
            </div>
            <div className="column-body">
              {list.length === 0 && tasks.length > 0 && <p className="column-empty">{EMPTY_HINT[col]}</p>}
              {list.map((t) => (
                <TaskCard key={t.id} task={t} selected={t.id === selectedId} onSelect={() => onSelect(t.id)} />
              ))}
            </div>
          </div>
        );
      })}
    </section>
  );
}
