/**
 * Retrying a task by hand: in its own worktree (the work so far kept, the agent started afresh,
 * with the same profile or another), or from a fresh worktree as a new attempt at the same
 * prompt, branched from the base again. The old task stays as it is, reviewable; as attempts,
 * merging one closes the other.
 */
import type { AgentSpec } from '../../shared/agents';
import { SwitchyardError } from '../../shared/errors';
import type { Task, TaskState } from '../../shared/task';
import type { EngineContext } from '../context';
import { newId } from '../ids';
import type { TaskRunner } from './runner';

/** A task in these states can be retried; a running one only when it is flagged stuck. */
const RETRYABLE: readonly TaskState[] = ['failed', 'cancelled', 'interrupted', 'review'];

export async function retryTask(ctx: EngineContext, runner: TaskRunner, taskId: string, fresh: boolean, agent?: AgentSpec): Promise<Task> {
  const { store } = ctx;
  let task = store.task(taskId);
  const stuckRunning = task.state === 'running' && task.flags.stuck;
  if (!RETRYABLE.includes(task.state) && !stuckRunning) {
    throw new SwitchyardError('bad-state', `a task that is ${task.state} cannot be retried; only a failed, stopped, interrupted or stuck one (or one in review)`);
  }
  if (agent) ctx.agents.requireProfile(agent, store.project(task.projectId).path);
  if (stuckRunning) {
    await runner.stopTask(taskId, { to: 'cancelled', reason: `stopped to retry it${fresh ? ' from a fresh worktree' : ''}` });
    const until = Date.now() + 15_000;
    while (store.task(taskId).state === 'running' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    task = store.task(taskId);
  }
  if (!fresh) {
    if (!task.worktreePath || task.cleanedUp) throw new SwitchyardError('bad-state', 'the task’s worktree was removed; retry it from a fresh worktree');
    return runner.startTask(taskId, { agent, reason: `retried by the user in the same worktree${agent ? '' : ` with the same agent`}` });
  }
  // A fresh worktree: a new attempt in the task's attempt group (one is made if it has none).
  const group = task.attemptGroup ?? newId();
  if (!task.attemptGroup) ctx.taskChanged(store.setAttempt(task.id, group, 1));
  const index = Math.max(0, ...store.attemptGroup(group).map((t) => t.attemptIndex ?? 0)) + 1;
  const created = await runner.createTask({
    projectId: task.projectId,
    title: task.title,
    prompt: task.prompt,
    baseBranch: task.baseBranch,
    agent: agent ?? task.agent,
    checks: task.checks,
    startNow: false,
  });
  ctx.taskChanged(store.setAttempt(created.id, group, index));
  store.addNote(created.id, `a fresh retry of task ${task.id} ("${task.title}")`);
  store.addNote(task.id, `retried from a fresh worktree as task ${created.id}`);
  return runner.startTask(created.id, { reason: `started as a fresh retry of "${task.title}"` });
}
