/** What the user can do to a task, shared by the panel's buttons, shortcuts and the palette. */
import { useMemo, useRef } from 'react';
import type { AgentSpec } from '../shared/agents';
import { STARTABLE_STATES as STARTABLE, type Task, type TaskState } from '../shared/task';
import type { Api } from './api/client';

export type TaskFlowKind = 'merge' | 'cleanup' | 'discard' | 'feedback' | 'edit' | 'retry';

export const MERGEABLE: readonly TaskState[] = ['review', 'failed', 'cancelled'];
export const FEEDBACKABLE: readonly TaskState[] = ['running', 'review', 'failed', 'interrupted', 'cancelled'];

export const canStart = (t: Task): boolean => STARTABLE.includes(t.state) && !t.cleanedUp;
export const canStop = (t: Task): boolean => t.state === 'running' || t.state === 'verifying';
/** A running agent's work can be declared ready: the gate runs, and the agent stops for Review. */
export const canMarkReady = (t: Task): boolean => t.state === 'running';
export const canMerge = (t: Task): boolean => MERGEABLE.includes(t.state) && !t.cleanedUp && t.branch !== null;
/** A plain shell has no one to take feedback: text typed there would run as a command. */
export const canFeedback = (t: Task): boolean => FEEDBACKABLE.includes(t.state) && !t.cleanedUp && t.branch !== null && t.agent.profile !== 'shell';
export const hasWorktree = (t: Task): boolean => t.worktreePath !== null && !t.cleanedUp;
export const RETRYABLE: readonly TaskState[] = ['failed', 'cancelled', 'interrupted', 'review'];
/** Failed, stopped or stuck work can be tried again: in its worktree, or fresh from the base. */
export const canRetry = (t: Task): boolean => RETRYABLE.includes(t.state) || (t.state === 'running' && t.flags.stuck);
/** Verify runs on the worktree while no agent works in it. */
export const canVerify = (t: Task): boolean => hasWorktree(t) && !canStop(t) && t.state !== 'queued' && t.state !== 'done' && t.state !== 'merging';
/** Checks can change until the task is done; title and prompt only while it is queued. */
export const canEditChecks = (t: Task): boolean => t.state !== 'done';

export type DismissableFlag = 'needsInput' | 'yourTurn' | 'deliveryUnconfirmed' | 'message' | 'stuck' | 'overBudget';

export interface TaskActions {
  start(task: Task, agent?: AgentSpec): Promise<void>;
  /** Starts the agent again continuing its own session, where its profile can resume (an interrupted task). */
  resume(task: Task): Promise<void>;
  stop(task: Task): Promise<void>;
  /** The running agent's work is ready: the verify gate, then Review. */
  ready(task: Task): Promise<void>;
  openInEditor(task: Task): Promise<void>;
  openShell(task: Task): Promise<string | null>;
  archive(task: Task, archived: boolean): Promise<void>;
  dismissFlag(task: Task, flag: DismissableFlag): Promise<void>;
  /** Runs the verify command now. */
  verify(task: Task): Promise<void>;
  /** Starts the task again: in its worktree, or as a fresh attempt from the base; resolves to the task that runs. */
  retry(task: Task, fresh: boolean, agent?: AgentSpec): Promise<Task | null>;
  push(task: Task): Promise<void>;
  createPullRequest(task: Task): Promise<void>;
  flow(kind: TaskFlowKind, task: Task): void;
}

interface Deps {
  api: Api;
  toast(kind: 'info' | 'success' | 'error', text: string, detail?: string): void;
  onTaskChanged(task: Task): void;
  openFlow(kind: TaskFlowKind, task: Task): void;
  onShellOpened(task: Task, session: string): void;
}

export function useTaskActions(deps: Deps): TaskActions {
  // The latest callbacks, so the actions object itself can stay the same across renders.
  const ref = useRef(deps);
  ref.current = deps;
  return useMemo<TaskActions>(() => {
    const d = {
      toast: (kind: 'info' | 'success' | 'error', text: string, detail?: string) => ref.current.toast(kind, text, detail),
      onTaskChanged: (t: Task) => ref.current.onTaskChanged(t),
      openFlow: (kind: TaskFlowKind, t: Task) => ref.current.openFlow(kind, t),
      onShellOpened: (t: Task, session: string) => ref.current.onShellOpened(t, session),
    };
    const guard = async <T,>(what: string, fn: () => Promise<T>): Promise<T | null> => {
      try {
        return await fn();
      } catch (err) {
        // The reason's first sentence is the toast; all of it is one click away.
        const message = (err as Error).message;
        const first = message.split(/(?<=[.;:])\s/)[0] ?? message;
        d.toast('error', `${what}: ${first}`, first.length < message.length ? message : undefined);
        return null;
      }
    };
    return {
      start: async (task, agent) => {
        // Creating a worktree on a big repository takes a moment: say that something is happening.
        if (!task.worktreePath) d.toast('info', `Starting “${task.title}”: creating its branch and worktree…`);
        const t = await guard(`Could not start “${task.title}”`, () => api().call('tasks.start', agent ? { taskId: task.id, agent } : { taskId: task.id }));
        if (t) d.onTaskChanged(t);
      },
      resume: async (task) => {
        const t = await guard(`Could not resume “${task.title}”`, () => api().call('tasks.start', { taskId: task.id, resume: true }));
        if (t) d.onTaskChanged(t);
      },
      stop: async (task) => {
        const t = await guard('Could not stop', () => api().call('tasks.stop', { taskId: task.id }));
        if (t) d.onTaskChanged(t);
      },
      ready: async (task) => {
        const t = await guard(`Could not mark “${task.title}” ready`, () => api().call('tasks.ready', { taskId: task.id }));
        if (t) d.onTaskChanged(t);
      },
      openInEditor: async (task) => {
        const r = await guard('Could not open the editor', () => api().call('tasks.openInEditor', { taskId: task.id }));
        if (!r) return;
        if (r.terminal) d.onShellOpened(task, r.terminal.sessionId);
        d.toast('info', r.kind === 'file-manager' ? 'No editor found: opened the worktree in the file manager.' : `Opened in ${r.editor}.`);
      },
      openShell: async (task) => {
        const t = await guard('Could not open a shell', () => api().call('tasks.openShell', { taskId: task.id }));
        if (t) d.onShellOpened(task, t.sessionId);
        return t?.sessionId ?? null;
      },
      archive: async (task, archived) => {
        const t = await guard(archived ? 'Could not archive' : 'Could not unarchive', () => api().call('tasks.archive', { taskId: task.id, archived }));
        if (t) {
          d.onTaskChanged(t);
          d.toast('info', archived ? `“${task.title}” archived. Show archived tasks from the board’s filter.` : `“${task.title}” is back on the board.`);
        }
      },
      dismissFlag: async (task, flag) => {
        const t = await guard('Could not dismiss', () => api().call('tasks.dismissFlag', { taskId: task.id, flag }));
        if (t) d.onTaskChanged(t);
      },
      verify: async (task) => {
        const t = await guard('Could not run verify', () => api().call('tasks.verify', { taskId: task.id }));
        if (t) d.onTaskChanged(t);
      },
      retry: async (task, fresh, agent) => {
        const t = await guard(`Could not retry “${task.title}”`, () => api().call('tasks.retry', agent ? { taskId: task.id, fresh, agent } : { taskId: task.id, fresh }));
        if (t) d.onTaskChanged(t);
        return t;
      },
      push: async (task) => {
        d.toast('info', `Pushing ${task.branch}…`);
        const r = await guard('Could not push', () => api().call('tasks.push', { taskId: task.id }));
        if (r) d.toast('success', `Pushed ${r.branch} to ${r.remote}.`);
      },
      createPullRequest: async (task) => {
        d.toast('info', `Pushing ${task.branch} and opening a pull request…`);
        const r = await guard('Could not create the pull request', () => api().call('tasks.createPullRequest', { taskId: task.id }));
        if (r) d.toast('success', `Pull request opened: ${r.url}`);
      },
      flow: (kind, task) => d.openFlow(kind, task),
    };
    function api(): Api {
      return ref.current.api;
    }
  }, []);
}
