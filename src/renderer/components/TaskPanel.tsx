/** One task: its state and actions, its terminals (the agent's and shells), changes and details. */
import { WaitingFlag } from './WaitingFlag';
import { useEffect, useState } from 'react';
import type { Task, TerminalInfo } from '../../shared/task';
import type { Plan } from '../../shared/plan';
import type { Api } from '../api/client';
import type { TerminalChannel } from '../terminal/channel';
import type { ThemeName } from '../theme';
import { ReviewView, type OpenAt } from '../review/ReviewView';
import { canFeedback, canMerge, canRetry, canStart, canMarkReady, canStop, hasWorktree, type TaskActions } from '../task-actions';
import { StateBadge } from './StateBadge';
import { INTERRUPTED_NOTE, TerminalView } from './TerminalView';
import { TaskDetails } from './TaskDetails';
import { TaskChecks } from './TaskChecks';
import { GateEscalated, GateMark } from './GateMark';
import { AttemptsCompare } from './AttemptsCompare';
import { agentLabel } from './TaskCard';
import { useAgentList } from './AgentSelect';
import { InterruptedBanner } from './InterruptedBanner';

/** 'agent', 'changes', 'checks', 'details', 'attempts', or a terminal's session id. */
export type PanelTab = string;

const FIXED_TABS = ['agent', 'changes', 'checks', 'details', 'attempts'];

/** How a terminal tab of each kind is marked, so a verify or reviewer run is told apart from a shell. */
const TERMINAL_KIND: Record<TerminalInfo['kind'], { icon: string; label: string }> = {
  shell: { icon: '$', label: 'Shell' },
  setup: { icon: '⚙', label: 'Setup' },
  verify: { icon: '\u25B6\uFE0E', label: 'Verify' },
  review: { icon: '◎', label: 'Reviewer' },
};

interface Props {
  api: Api;
  channel: TerminalChannel;
  task: Task;
  theme: ThemeName;
  scrollback: number;
  tab: PanelTab;
  onTab(tab: PanelTab): void;
  actions: TaskActions;
  onClose(): void;
  /** Bumped to ask the visible terminal for focus (the T shortcut). */
  focusToken: number;
  /** The task's plan, if it has one. */
  plan?: Plan | null;
  onOpenPlan?: (planId: string) => void;
}

export function TaskPanel({ api, channel, task, theme, scrollback, tab, onTab, actions, onClose, focusToken, plan, onOpenPlan }: Props) {
  const [shells, setShells] = useState<TerminalInfo[]>([]);
  useEffect(() => {
    let live = true;
    void api.call('tasks.terminals', { taskId: task.id }).then((t) => live && setShells(t), () => {});
    const off = api.transport.onEvent((e) => {
      if (e.type === 'terminal' && e.taskId === task.id) void api.call('tasks.terminals', { taskId: task.id }).then((t) => live && setShells(t), () => {});
    });
    return () => {
      live = false;
      off();
    };
  }, [api, task.id]);

  // A shell tab that closed falls back to the agent's terminal.
  useEffect(() => {
    if (!FIXED_TABS.includes(tab) && !shells.some((s) => s.sessionId === tab) && shells.length > 0) onTab('agent');
  }, [shells, tab, onTab]);

  // A reviewer's comment picked in the Checks tab, for the Changes tab to open.
  const [openAt, setOpenAt] = useState<OpenAt | null>(null);
  useEffect(() => {
    if (tab !== 'changes') setOpenAt(null);
  }, [tab]);

  const shell = shells.find((s) => s.sessionId === tab) ?? null;
  const agentTab = tab === 'agent' || (!shell && !FIXED_TABS.includes(tab));

  return (
    <section className="panel" aria-label={`Task ${task.title}`}>
      <header className="panel-head">
        <div className="panel-title-row">
          <h2 className="panel-title" title={task.title}>
            {task.title}
          </h2>
          <WaitingFlag task={task} onDismiss={() => void actions.dismissFlag(task, task.flags.needsInput ? 'needsInput' : 'yourTurn')} />
          {task.flags.stuck && (
            <span className="flag flag-stuck" data-testid="flag-stuck">
              stuck
              <button className="flag-dismiss" aria-label="Dismiss stuck" title="Dismiss" onClick={() => void actions.dismissFlag(task, 'stuck')}>
                ×
              </button>
            </span>
          )}
          {task.flags.overBudget && (
            <span className="flag flag-budget" data-testid="flag-over-budget">
              over budget
              <button className="flag-dismiss" aria-label="Dismiss over budget" title="Dismiss" onClick={() => void actions.dismissFlag(task, 'overBudget')}>
                ×
              </button>
            </span>
          )}
          {task.gate.escalated ? <GateEscalated task={task} /> : <GateMark task={task} />}
          <StateBadge state={task.state} exitCode={task.exitCode} />
          <button className="btn btn-icon" onClick={onClose} aria-label="Close task (Esc)" title="Close (Esc)">
            ×
          </button>
        </div>
        <div className="panel-meta">
          {task.plan && (
            <button className="link-button panel-plan" onClick={() => onOpenPlan?.(task.plan!.planId)} title="Open the plan" data-testid="panel-plan">
              {plan ? `${plan.name} ` : 'plan '}#{task.plan.key}
            </button>
          )}
          <span>{agentLabel(task)}</span>
          {task.branch && (
            <span className="mono" title="Task branch">
              {task.branch}
            </span>
          )}
          <span className="muted">
            onto <span className="mono">{task.baseBranch}</span>
          </span>
          {task.diffStat && task.diffStat.files > 0 && (
            <span className="counts">
              <span className="add">+{task.diffStat.additions}</span>
              <span className="del">−{task.diffStat.deletions}</span>
            </span>
          )}
          {/* An interrupted task's reason is in its banner below. */}
          {task.stateReason && task.state !== 'interrupted' && <span className="muted reason">— {task.stateReason}</span>}
        </div>
        {task.state === 'interrupted' && <InterruptedBanner api={api} task={task} actions={actions} />}
        {task.flags.conflicts.length > 0 && (
          <div className="panel-warning" role="alert">
            <span>
              Merging conflicts in {task.flags.conflicts.join(', ')}. Open <strong>Merge</strong> for the three versions of each file, a rebase onto the base, or to send the conflicts to the agent.
            </span>
          </div>
        )}
        {task.flags.worktreeMissing && (
          <div className="panel-warning" role="alert">
            <span>This task’s worktree was deleted outside Switchyard. Its committed work is still on its branch.</span>
          </div>
        )}
        {task.flags.deliveryUnconfirmed && (
          <div className="panel-warning" role="alert">
            <span>Your last feedback was typed into the agent, but it was not seen to take it. Look at the terminal; press Enter there if the text is still waiting.</span>
            <button className="btn btn-small btn-ghost" onClick={() => void actions.dismissFlag(task, 'deliveryUnconfirmed')}>
              Dismiss
            </button>
          </div>
        )}
        <div className="panel-actions">
          {/* An interrupted task's Resume and Restart are in its banner. */}
          {canStart(task) && task.state !== 'interrupted' && (
            <button className="btn btn-primary" onClick={() => void actions.start(task)} title="S">
              {task.state === 'queued' ? 'Start' : 'Restart agent'}
            </button>
          )}
          {canStart(task) && task.state !== 'queued' && <RestartWith api={api} task={task} actions={actions} />}
          {canRetry(task) && (
            <button className="btn" onClick={() => actions.flow('retry', task)} title="Start again in this worktree, or fresh from the base">
              Retry…
            </button>
          )}
          {task.state === 'queued' && (
            <button className="btn" onClick={() => actions.flow('edit', task)} title="Title, prompt, base branch and checks">
              Edit
            </button>
          )}
          {canFeedback(task) && (
            <button className="btn" onClick={() => actions.flow('feedback', task)} title="F">
              Feedback
            </button>
          )}
          {canMarkReady(task) && (
            <button
              className={`btn${task.flags.yourTurn ? ' btn-primary' : ''}`}
              onClick={() => void actions.ready(task)}
              title="The work is done: run the verify gate, stop the agent, and move the task to Review"
            >
              Ready for review
            </button>
          )}
          {canStop(task) && (
            <button className="btn btn-danger" onClick={() => void actions.stop(task)}>
              Stop agent
            </button>
          )}
          {canMerge(task) && (
            <button className="btn btn-merge" onClick={() => actions.flow('merge', task)} title={task.plan ? 'Through the plan’s merge train: a candidate first, then the plan’s verify (M)' : 'M'}>
              Merge into {task.baseBranch}
            </button>
          )}
          {hasWorktree(task) && (
            <button className="btn" onClick={() => void actions.openInEditor(task)} title="E">
              Open in editor
            </button>
          )}
          <span className="panel-actions-spacer" />
          {task.branch && !task.cleanedUp && task.state !== 'queued' && (
            <>
              <button className="btn btn-ghost" onClick={() => void actions.push(task)} title="Push the task's branch to the base's remote">
                Push
              </button>
              <button className="btn btn-ghost" onClick={() => void actions.createPullRequest(task)} title="Push, then open a pull request with gh">
                Pull request
              </button>
            </>
          )}
          {!canStop(task) && (
            <button className="btn btn-ghost" onClick={() => void actions.archive(task, !task.archived)}>
              {task.archived ? 'Unarchive' : 'Archive'}
            </button>
          )}
          {!(task.state === 'done' && task.cleanedUp) && task.state !== 'cancelled' && (
            <button className="btn btn-ghost btn-danger-text" onClick={() => actions.flow('discard', task)}>
              Discard
            </button>
          )}
          {task.state === 'cancelled' && hasWorktree(task) && (
            <button className="btn btn-ghost" onClick={() => actions.flow('cleanup', task)}>
              Remove worktree
            </button>
          )}
        </div>
        <nav className="tabs" role="tablist">
          <Tab id="agent" label="Agent" active={agentTab} onTab={onTab} />
          {shells.map((s) => (
            <span key={s.sessionId} className={`tab-with-close${tab === s.sessionId ? ' active' : ''}`}>
              <Tab id={s.sessionId} label={s.title} icon={TERMINAL_KIND[s.kind]} kind={s.kind} active={tab === s.sessionId} onTab={onTab} />
              <button className="tab-close" aria-label={`Close ${s.title}`} onClick={() => void api.call('tasks.closeShell', { taskId: task.id, session: s.sessionId })}>
                ×
              </button>
            </span>
          ))}
          {hasWorktree(task) && (
            <button className="tab tab-add" onClick={() => void actions.openShell(task).then((s) => s && onTab(s))} title="Open a shell in the worktree" aria-label="New shell">
              + Shell
            </button>
          )}
          <span className="tabs-spacer" />
          <Tab id="changes" label="Changes" active={tab === 'changes'} onTab={onTab} />
          <Tab id="checks" label="Checks" active={tab === 'checks'} onTab={onTab} />
          {task.attemptGroup && <Tab id="attempts" label="Attempts" active={tab === 'attempts'} onTab={onTab} />}
          <Tab id="details" label="Details" active={tab === 'details'} onTab={onTab} />
        </nav>
      </header>
      <div className="panel-body">
        {agentTab &&
          (task.sessionId && !task.cleanedUp ? (
            <TerminalView
              channel={channel}
              session={task.sessionId}
              theme={theme}
              scrollback={scrollback}
              focusToken={focusToken}
              live={task.state !== 'interrupted'}
              endedNote={task.state === 'interrupted' ? INTERRUPTED_NOTE : undefined}
            />
          ) : (
            <div className="empty-state">
              {task.cleanedUp ? 'This task’s worktree was removed; its terminal is gone.' : 'Not started yet. Start it (S) to see the agent’s terminal here.'}
            </div>
          ))}
        {shell && <TerminalView key={shell.sessionId} channel={channel} session={shell.sessionId} theme={theme} scrollback={scrollback} focusToken={focusToken} />}
        {tab === 'changes' &&
          (task.branch && !task.cleanedUp ? (
            <ReviewView api={api} task={task} theme={theme} openAt={openAt} />
          ) : (
            <div className="empty-state">
              {!task.cleanedUp
                ? 'No changes yet: the task has not started.'
                : task.state === 'done'
                  ? `Merged and cleaned up. The changes are on ${task.baseBranch}.`
                  : 'This task’s worktree and branch were removed.'}
            </div>
          ))}
        {tab === 'checks' && (
          <TaskChecks
            api={api}
            task={task}
            actions={actions}
            onOpenComment={
              task.branch && !task.cleanedUp
                ? (path, line) => {
                    setOpenAt({ path, line });
                    onTab('changes');
                  }
                : undefined
            }
          />
        )}
        {tab === 'details' && <TaskDetails api={api} task={task} />}
        {tab === 'attempts' && task.attemptGroup && <AttemptsCompare api={api} task={task} theme={theme} onMerge={(t) => actions.flow('merge', t)} />}
      </div>
    </section>
  );
}

function Tab({ id, label, active, onTab, icon, kind }: { id: string; label: string; active: boolean; onTab(id: string): void; icon?: { icon: string; label: string }; kind?: string }) {
  return (
    <button role="tab" aria-selected={active} className={active ? 'tab active' : 'tab'} onClick={() => onTab(id)} data-kind={kind} title={icon ? `${icon.label}: ${label}` : undefined}>
      {icon && (
        <span className={`tab-kind tab-kind-${kind}`} aria-hidden>
          {icon.icon}
        </span>
      )}
      {label}
    </button>
  );
}

/** Start a task again with another agent profile. */
function RestartWith({ api, task, actions }: { api: Api; task: Task; actions: TaskActions }) {
  const { list } = useAgentList(api, task.projectId);
  const choices = (list?.agents ?? []).filter((a) => a.installed && a.profile.id !== 'custom' && a.profile.id !== task.agent.profile);
  if (choices.length === 0) return null;
  return (
    <select
      className="btn restart-with"
      aria-label="Restart with another agent"
      value=""
      onChange={(e) => {
        if (e.target.value) void actions.start(task, { profile: e.target.value });
      }}
    >
      <option value="">Restart with…</option>
      {choices.map((a) => (
        <option key={a.profile.id} value={a.profile.id}>
          {a.profile.name}
        </option>
      ))}
    </select>
  );
}
