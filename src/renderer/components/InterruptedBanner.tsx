/**
 * A task whose agent session was lost (the engine or the terminal daemon stopped under it): the
 * panel says so, with the reason, and offers Resume (the agent's own session, where its profile
 * can resume) and Restart (a fresh run in the same worktree, keeping the work).
 */
import { useEffect, useState } from 'react';
import { isCustomAgent, SHELL_PROFILE_ID, type AgentList } from '../../shared/agents';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { timeAgo } from '../format';
import type { TaskActions } from '../task-actions';
import '../styles/sessions.css';

/** Whether "Resume" can continue the task's agent session; `why` says what stops it. Null while the profiles load. */
export type ResumeSupport = { ok: true; why: null } | { ok: false; why: string };

export function resumeSupport(task: Task, list: AgentList | null): ResumeSupport | null {
  if (!list) return null;
  const found = list.agents.find((a) => a.profile.id === task.agent.profile);
  if (!found) return { ok: false, why: `There is no agent profile “${task.agent.profile}” any more.` };
  const name = found.profile.name;
  if (!found.profile.resumeArgs) {
    if (isCustomAgent(task.agent)) return { ok: false, why: 'A custom command line has no session to resume. Restart runs it again in the same worktree.' };
    if (task.agent.profile === SHELL_PROFILE_ID) return { ok: false, why: 'A shell has no session to resume. Restart opens a new one in the same worktree.' };
    return { ok: false, why: `${name} cannot resume a session: its profile has no resume arguments (Settings → Agents…).` };
  }
  if (!found.installed) return { ok: false, why: `${name} is not installed.` };
  return { ok: true, why: null };
}

/** Resume support for an interrupted task (null for any other task, and while the profiles load). */
export function useResumeSupport(api: Api, task: Task | null): ResumeSupport | null {
  const interrupted = task?.state === 'interrupted';
  const projectId = task?.projectId ?? null;
  const [list, setList] = useState<{ projectId: string; list: AgentList } | null>(null);
  useEffect(() => {
    if (!interrupted || !projectId) return;
    let live = true;
    api.call('agents.list', { projectId }).then(
      (l) => live && setList({ projectId, list: l }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, projectId, interrupted]);
  if (!task || !interrupted) return null;
  return resumeSupport(task, list?.projectId === task.projectId ? list.list : null);
}

/** The reason the task was interrupted: its state's reason, else the latest event that interrupted it. */
function useInterruptedReason(api: Api, task: Task): string | null {
  const [fromEvents, setFromEvents] = useState<string | null>(null);
  useEffect(() => {
    if (task.stateReason) return;
    let live = true;
    api.call('tasks.events', { taskId: task.id }).then(
      (events) => live && setFromEvents(events.filter((e) => e.toState === 'interrupted').at(-1)?.reason ?? null),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api, task.id, task.stateReason, task.stateChangedAt]);
  return task.stateReason ?? fromEvents;
}

const sentence = (s: string): string => {
  const t = s.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
};

export function InterruptedBanner({ api, task, actions }: { api: Api; task: Task; actions: TaskActions }) {
  const reason = useInterruptedReason(api, task);
  const resume = useResumeSupport(api, task);
  const [busy, setBusy] = useState(false);
  const act = (fn: () => Promise<void>): void => {
    setBusy(true);
    void fn().finally(() => setBusy(false));
  };
  return (
    <div className="interrupted-banner" role="alert" data-testid="interrupted-banner">
      <div className="interrupted-body">
        <div className="interrupted-title">
          <strong>Interrupted</strong>
          <span className="muted" title={new Date(task.stateChangedAt).toLocaleString()}>
            {timeAgo(task.stateChangedAt)} ago
          </span>
        </div>
        <p className="interrupted-reason" data-testid="interrupted-reason">
          {reason ? sentence(reason) : 'The agent’s session was lost.'}
        </p>
        <p className="interrupted-help muted">
          The worktree and its work are kept.{' '}
          {resume && !resume.ok ? (
            <span data-testid="resume-why">{resume.why}</span>
          ) : (
            <>
              <em>Resume</em> continues the agent’s own session; <em>Restart</em> starts it afresh in the same worktree.
            </>
          )}
        </p>
      </div>
      <div className="interrupted-actions">
        <button
          className={resume?.ok ? 'btn btn-primary' : 'btn'}
          disabled={busy || !resume?.ok}
          onClick={() => act(() => actions.resume(task))}
          title={resume === null ? 'Checking whether the agent can resume…' : (resume.why ?? 'Continue the agent’s own session in this worktree')}
        >
          Resume
        </button>
        <button className={resume?.ok ? 'btn' : 'btn btn-primary'} disabled={busy} onClick={() => act(() => actions.start(task))} title="Start the agent afresh in the same worktree (S)">
          Restart
        </button>
      </div>
    </div>
  );
}
