/**
 * The kanban: Queued, Running, Review, Done. Columns are virtualised, so hundreds of tasks stay
 * smooth. Cards can be dragged where that means something (queued → running starts a task,
 * review → running sends it back with feedback); the same moves have keys (S and F).
 */
import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { COLUMNS, COLUMN_TITLES, columnOf, type Column, type Project, type Task } from '../../shared/task';
import { TaskCard } from './TaskCard';

export type BoardMove = 'start' | 'feedback';

/** What dropping a task on a column means, or null where a drop means nothing. */
export function moveFor(task: Task, target: Column): BoardMove | null {
  if (target !== 'running') return null;
  if (task.state === 'queued' || task.state === 'interrupted') return 'start';
  if (task.state === 'review' || task.state === 'failed') return 'feedback';
  return null;
}

interface Props {
  tasks: Task[];
  projects: Map<string, Project> | null;
  /** Plan names by id, for cards of plan tasks; null when the board shows a single plan (cards then say only "#key"). */
  planNames: Map<string, string> | null;
  selectedId: string | null;
  openId: string | null;
  onSelect(id: string): void;
  onOpen(id: string): void;
  onMove(task: Task, move: BoardMove): void;
  onNewTask(): void;
  hasProject: boolean;
  /** Tasks exist, but the filters hide them all. */
  filteredOut: boolean;
}

const EMPTY_HINT: Record<Column, string> = {
  queued: 'Tasks you create without starting wait here. Press N for a new one.',
  running: 'Agents at work show here, each in its own worktree. Drag a queued task here to start it.',
  review: 'Finished work waits here for your review and merge.',
  done: 'Merged and cancelled tasks end up here.',
};

/**
 * A column's order, in place: newest first; in Queued, a plan's waiting tasks stay together in
 * plan order (placed by the newest of them), so the queue reads as the plan does.
 */
export function sortColumn(col: Column, tasks: Task[]): Task[] {
  if (col !== 'queued') return tasks.sort((a, b) => b.stateChangedAt - a.stateChangedAt);
  const newest = new Map<string, number>();
  for (const t of tasks) if (t.plan) newest.set(t.plan.planId, Math.max(newest.get(t.plan.planId) ?? 0, t.stateChangedAt));
  const at = (t: Task): number => (t.plan ? newest.get(t.plan.planId)! : t.stateChangedAt);
  return tasks.sort((a, b) => at(b) - at(a) || (a.plan?.planId ?? a.id).localeCompare(b.plan?.planId ?? b.id) || (a.plan?.order ?? 0) - (b.plan?.order ?? 0));
}

export function Board(p: Props) {
  // Re-render every 30 s so "time in state" stays true.
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);
  const [dragging, setDragging] = useState<Task | null>(null);

  const byColumn = new Map<Column, Task[]>(COLUMNS.map((c) => [c, []]));
  for (const t of p.tasks) byColumn.get(columnOf(t.state))!.push(t);
  for (const [col, list] of byColumn) sortColumn(col, list);

  return (
    <section className="board" aria-label="Task board">
      {p.tasks.length === 0 && p.filteredOut && (
        <div className="board-empty">
          <p>No task matches the filters above.</p>
        </div>
      )}
      {p.tasks.length === 0 && !p.filteredOut && (
        <div className="board-empty">
          <p>{p.hasProject ? 'No tasks here yet.' : 'No tasks in any project yet. Pick a project to create one.'}</p>
          {p.hasProject && (
            <button className="btn btn-primary" onClick={p.onNewTask}>
              Create a task <kbd>N</kbd>
            </button>
          )}
        </div>
      )}
      {COLUMNS.map((col) => (
        <BoardColumn
          {...p}
          key={col}
          column={col}
          tasks={byColumn.get(col)!}
          anyTasks={p.tasks.length > 0}
          dragging={dragging}
          setDragging={setDragging}
        />
      ))}
    </section>
  );
}

interface ColumnProps extends Props {
  column: Column;
  anyTasks: boolean;
  dragging: Task | null;
  setDragging(t: Task | null): void;
}

function BoardColumn(p: ColumnProps) {
  const { column: col, tasks } = p;
  const scroller = useRef<HTMLDivElement>(null);
  const [over, setOver] = useState(false);
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 104,
    overscan: 6,
    getItemKey: (i) => tasks[i]!.id,
  });
  const droppable = p.dragging !== null && moveFor(p.dragging, col) !== null;

  // Keep the selected card in view when the selection moves (not on every update, which would
  // yank a column the user is scrolling).
  const lastSelected = useRef<string | null>(null);
  useEffect(() => {
    if (p.selectedId === lastSelected.current) return;
    lastSelected.current = p.selectedId;
    const i = tasks.findIndex((t) => t.id === p.selectedId);
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
  }, [p.selectedId, tasks, virtualizer]);

  return (
    <div
      className={`column column-${col}${droppable ? ' column-droppable' : ''}${over && droppable ? ' column-over' : ''}`}
      data-column={col}
      data-count={tasks.length}
      onDragOver={(e) => {
        if (!droppable) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const move = p.dragging && moveFor(p.dragging, col);
        if (p.dragging && move) p.onMove(p.dragging, move);
        p.setDragging(null);
      }}
    >
      <div className="column-head">
        <span className="column-title">{COLUMN_TITLES[col]}</span>
        <span className="column-count">{tasks.length}</span>
      </div>
      <div className="column-body" ref={scroller}>
        {tasks.length === 0 && p.anyTasks && <p className="column-empty">{EMPTY_HINT[col]}</p>}
        <div className="column-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const t = tasks[item.index]!;
            return (
              <div key={item.key} className="card-slot" data-index={item.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
                <TaskCard
                  task={t}
                  project={p.projects?.get(t.projectId) ?? null}
                  planName={t.plan ? (p.planNames?.get(t.plan.planId) ?? null) : null}
                  selected={t.id === p.selectedId}
                  open={t.id === p.openId}
                  onSelect={() => p.onSelect(t.id)}
                  onOpen={() => p.onOpen(t.id)}
                  onDragStart={() => p.setDragging(t)}
                  onDragEnd={() => p.setDragging(null)}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
