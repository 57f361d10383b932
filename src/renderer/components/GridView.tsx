/**
 * Terminals side by side: the chosen running tasks in 1, 2, 4, 6 or 9 panes. Each pane has a
 * title bar with the task, its state and quick actions, and can be focused full size.
 * Terminals that are not shown are disposed; showing them again replays ptyd's screen.
 */
import { WaitingFlag } from './WaitingFlag';
import { useEffect, useMemo, useState } from 'react';
import type { Task } from '../../shared/task';
import type { TerminalChannel } from '../terminal/channel';
import type { ThemeName } from '../theme';
import { canFeedback, canStop, type TaskActions } from '../task-actions';
import { StateBadge } from './StateBadge';
import { GateEscalated, GateMark } from './GateMark';
import { INTERRUPTED_NOTE, TerminalView } from './TerminalView';

export const GRID_SIZES = [1, 2, 4, 6, 9] as const;
export type GridSize = (typeof GRID_SIZES)[number];

const LAYOUT: Record<GridSize, { cols: number; rows: number }> = {
  1: { cols: 1, rows: 1 },
  2: { cols: 2, rows: 1 },
  4: { cols: 2, rows: 2 },
  6: { cols: 3, rows: 2 },
  9: { cols: 3, rows: 3 },
};

interface Props {
  tasks: Task[];
  channel: TerminalChannel;
  theme: ThemeName;
  scrollback: number;
  actions: TaskActions;
  onOpenTask(id: string): void;
}

export function GridView({ tasks, channel, theme, scrollback, actions, onOpenTask }: Props) {
  // Running agents first, then the ones that just finished (their last screen is worth a look).
  const live = useMemo(() => {
    const rank = (t: Task): number => (['running', 'verifying', 'interrupted'].includes(t.state) ? 0 : 1);
    return tasks
      .filter((t) => t.sessionId && !t.cleanedUp && ['running', 'verifying', 'interrupted', 'review', 'failed'].includes(t.state))
      .sort((a, b) => rank(a) - rank(b) || b.stateChangedAt - a.stateChangedAt);
  }, [tasks]);
  // Until the user picks a layout, the grid grows with the work.
  const [chosenSize, setSize] = useState<GridSize | null>(null);
  const size: GridSize = chosenSize ?? GRID_SIZES.find((n) => n >= Math.min(live.length, 9)) ?? 9;
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [focused, setFocused] = useState<string | null>(null);

  // By default the grid shows the live tasks above; the user may pick others.
  const shown = (chosen ?? live.map((t) => t.id)).map((id) => tasks.find((t) => t.id === id)).filter((t): t is Task => Boolean(t)).slice(0, size);
  useEffect(() => {
    if (focused && !shown.some((t) => t.id === focused)) setFocused(null);
  }, [focused, shown]);

  const layout = focused ? { cols: 1, rows: 1 } : LAYOUT[size];
  const panes = focused ? shown.filter((t) => t.id === focused) : shown;

  return (
    <section className="grid-view" aria-label="Terminal grid">
      <div className="grid-toolbar">
        <span className="muted">Panes</span>
        {GRID_SIZES.map((n) => (
          <button key={n} className={`btn btn-small${n === size ? ' btn-toggled' : ''}`} aria-pressed={n === size} onClick={() => setSize(n)} title={`${n} pane${n === 1 ? '' : 's'}`}>
            {n}
          </button>
        ))}
        <span className="grid-toolbar-sep" />
        {live.length > size && <span className="muted">{live.length - size} more not shown</span>}
        <TaskPicker tasks={tasks.filter((t) => t.sessionId && !t.cleanedUp)} chosen={chosen ?? live.map((t) => t.id)} onChange={setChosen} />
      </div>
      {panes.length === 0 ? (
        <div className="empty-state">No running tasks to watch. Start a task, or pick tasks to show with “Choose tasks”.</div>
      ) : (
        <div className="grid-panes" style={{ gridTemplateColumns: `repeat(${layout.cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${layout.rows}, minmax(0, 1fr))` }}>
          {panes.map((t) => (
            <div className={`grid-pane${t.flags.needsInput || t.flags.yourTurn ? ' grid-pane-input' : ''}`} key={t.id} data-task-id={t.id}>
              <div className="grid-pane-head">
                <button className="grid-pane-title" onClick={() => onOpenTask(t.id)} title="Open the task">
                  {t.title}
                </button>
                <WaitingFlag task={t} compact />
                {t.flags.stuck && <span className="flag flag-stuck">stuck</span>}
                {t.flags.overBudget && <span className="flag flag-budget">over budget</span>}
                {t.gate.escalated ? <GateEscalated task={t} /> : <GateMark task={t} />}
                <StateBadge state={t.state} exitCode={t.exitCode} />
                <span className="grid-pane-actions">
                  {canFeedback(t) && (
                    <button className="btn btn-small btn-ghost" onClick={() => actions.flow('feedback', t)} title="Send feedback">
                      Feedback
                    </button>
                  )}
                  {canStop(t) && (
                    <button className="btn btn-small btn-ghost" onClick={() => void actions.stop(t)} title="Stop the agent">
                      Stop
                    </button>
                  )}
                  <button
                    className="btn btn-small btn-ghost"
                    onClick={() => setFocused(focused === t.id ? null : t.id)}
                    aria-label={focused === t.id ? 'Restore the grid' : 'Focus this pane'}
                    title={focused === t.id ? 'Restore' : 'Focus full size'}
                  >
                    {focused === t.id ? '⤡' : '⤢'}
                  </button>
                </span>
              </div>
              <TerminalView
                channel={channel}
                session={t.sessionId!}
                theme={theme}
                scrollback={scrollback}
                autoFocus={false}
                live={t.state !== 'interrupted'}
                endedNote={t.state === 'interrupted' ? INTERRUPTED_NOTE : undefined}
              />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function TaskPicker({ tasks, chosen, onChange }: { tasks: Task[]; chosen: string[]; onChange(ids: string[]): void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="picker">
      <button className="btn btn-small" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        Choose tasks ({chosen.length})
      </button>
      {open && (
        <div className="picker-menu" role="listbox" aria-label="Tasks to show">
          {tasks.length === 0 && <p className="muted pad">No task has a terminal yet.</p>}
          {tasks.map((t) => (
            <label key={t.id} className="check picker-row">
              <input
                type="checkbox"
                checked={chosen.includes(t.id)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, t.id] : chosen.filter((id) => id !== t.id))}
              />
              {t.title}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
