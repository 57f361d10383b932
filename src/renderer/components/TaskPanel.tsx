/** One task: its state and actions, its terminal, and its changes. */
import { useState } from 'react';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import type { TerminalChannel } from '../terminal/channel';
import type { ThemeName } from '../theme';
import { useToast } from '../toasts';
import { ReviewView } from '../review/ReviewView';
import { MergeFlow } from './MergeFlow';
import { StateBadge } from './StateBadge';
import { TerminalView } from './TerminalView';
import { agentLabel } from './TaskCard';

interface Props {
  api: Api;
  channel: TerminalChannel;
  task: Task;
  theme: ThemeName;
  onTaskChanged(task: Task): void;
  onClose(): void;
}

type Tab = 'terminal' | 'changes';

const STARTABLE = ['queued', 'interrupted', 'failed', 'review', 'cancelled'];
const MERGEABLE = ['review', 'failed', 'cancelled'];

export function TaskPanel({ api, channel, task, theme, onTaskChanged, onClose }: Props) {
  const toast = useToast();
  const [tab, setTab] = useState<Tab>(task.state === 'review' || task.state === 'failed' ? 'changes' : 'terminal');
  const [busy, setBusy] = useState(false);
  const [flow, setFlow] = useState<'merge' | 'cleanup' | null>(null);

  const run = async (what: string, fn: () => Promise<Task>): Promise<void> => {
    setBusy(true);
    try {
      onTaskChanged(await fn());
    } catch (err) {
      toast('error', `${what}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const canStart = STARTABLE.includes(task.state) && !task.cleanedUp;
  const startLabel = task.state === 'queued' ? 'Start' : 'Restart agent';
  const live = task.state === 'running' || task.state === 'verifying';

  return (
    <section className="panel" aria-label={`Task ${task.title}`}>
      <header className="panel-head">
        <div className="panel-title-row">
          <h2 className="panel-title" title={task.title}>
            {task.title}
          </h2>
          <StateBadge state={task.state} exitCode={task.exitCode} />
          <button className="btn btn-icon" onClick={onClose} aria-label="Close task (Esc)" title="Close (Esc)">
            ×
          </button>
        </div>
        <div className="panel-meta">
          <span>{agentLabel(task)}</span>
          {task.branch && (
            <span className="mono" title="Task branch">
              {task.branch}
            </span>
          )}
          <span className="muted">
            onto <span className="mono">{task.baseBranch}</span>
          </span>
          {task.stateReason && <span className="muted reason">— {task.stateReason}</span>}
        </div>
        <div className="panel-actions">
          {canStart && (
            <button className="btn btn-primary" disabled={busy} onClick={() => void run('Could not start', () => api.call('tasks.start', { taskId: task.id }))}>
              {startLabel}
            </button>
          )}
          {live && (
            <button className="btn btn-danger" disabled={busy} onClick={() => void run('Could not stop', () => api.call('tasks.stop', { taskId: task.id }))}>
              Stop agent
            </button>
          )}
          {MERGEABLE.includes(task.state) && !task.cleanedUp && (
            <button className="btn btn-merge" disabled={busy} onClick={() => setFlow('merge')}>
              Merge into {task.baseBranch}
            </button>
          )}
          {['done', 'cancelled', 'failed', 'review'].includes(task.state) && task.branch && !task.cleanedUp && (
            <button className="btn btn-ghost" disabled={busy} onClick={() => setFlow('cleanup')}>
              Remove worktree
            </button>
          )}
        </div>
        {task.prompt && (
          <details className="panel-prompt">
            <summary>Prompt</summary>
            <pre>{task.prompt}</pre>
          </details>
        )}
        <nav className="tabs" role="tablist">
          <button role="tab" aria-selected={tab === 'terminal'} className={tab === 'terminal' ? 'tab active' : 'tab'} onClick={() => setTab('terminal')}>
            Terminal
          </button>
          <button role="tab" aria-selected={tab === 'changes'} className={tab === 'changes' ? 'tab active' : 'tab'} onClick={() => setTab('changes')}>
            Changes
          </button>
        </nav>
      </header>
      <div className="panel-body">
        {tab === 'terminal' &&
          (task.sessionId && !task.cleanedUp ? (
            <TerminalView channel={channel} session={task.sessionId} theme={theme} />
          ) : (
            <div className="empty-state">
              {task.cleanedUp ? 'This task’s worktree was removed; its terminal is gone.' : 'Not started yet. Start it to see the agent’s terminal here.'}
            </div>
          ))}
        {tab === 'changes' &&
          (task.branch && !task.cleanedUp ? (
            <ReviewView api={api} task={task} theme={theme} />
          ) : (
            <div className="empty-state">
              {!task.cleanedUp
                ? 'No changes yet: the task has not started.'
                : task.state === 'done'
                  ? `Merged and cleaned up. The changes are on ${task.baseBranch}.`
                  : 'This task’s worktree and branch were removed.'}
            </div>
          ))}
      </div>
      {flow && (
        <MergeFlow
          api={api}
          task={task}
          mode={flow}
          onDone={(message) => {
            setFlow(null);
            if (message) toast('success', message);
          }}
        />
      )}
    </section>
  );
}
