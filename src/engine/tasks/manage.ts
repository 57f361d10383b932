/**
 * Everyday task management: editing a queued task, archiving, discarding, the run history,
 * and the diff stat shown on cards.
 */
import type { DiscardResult, ParsedInput } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { listBranches } from '../git/repository';
import type { MergeFlow } from '../merge/merge-flow';
import type { Review } from '../review/review';
import { LIVE_STATES } from './lifecycle';
import type { TaskRunner } from './runner';
import type { ShellTerminals } from './shells';

export class TaskManager {
  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: { runner: TaskRunner; review: Review; mergeFlow: MergeFlow; shells: ShellTerminals },
  ) {}

  /**
   * Only a queued task's title, prompt, branch and agent can be edited: once started, they are
   * history. Its checks settings (verify, reviewer, supervision) can change until it is done.
   */
  update(input: ParsedInput<'tasks.update'>): Promise<Task> {
    return this.ctx.locks.run(input.taskId, async () => {
      const task = this.ctx.store.task(input.taskId);
      const { taskId: _taskId, checks, ...fields } = input;
      if (task.state === 'done' && checks !== undefined) throw new SwitchyardError('bad-state', 'the task is done; its checks no longer apply');
      if (Object.keys(fields).length === 0) return this.ctx.taskChanged(this.ctx.store.patchTask(task.id, { checks }));
      if (task.state !== 'queued') throw new SwitchyardError('bad-state', 'only a queued task can be edited; this one has started');
      if (input.baseBranch !== undefined) {
        const project = this.ctx.store.project(task.projectId);
        if (!(await listBranches(project.path)).includes(input.baseBranch)) {
          throw new SwitchyardError('unknown-branch', `the base branch "${input.baseBranch}" does not exist`);
        }
      }
      const { taskId: _id, ...patch } = input;
      return this.ctx.taskChanged(this.ctx.store.patchTask(task.id, patch));
    });
  }

  archive(taskId: string, archived: boolean): Task {
    const task = this.ctx.store.task(taskId);
    if (archived && LIVE_STATES.includes(task.state)) throw new SwitchyardError('bad-state', 'stop the agent before archiving its task');
    return this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { archived }));
  }

  /**
   * Stops the agent and removes the worktree and branch; the task ends cancelled. Work that
   * exists nowhere else is only deleted after the user confirms the list of it.
   */
  async discard(taskId: string, confirmLoss: boolean, confirmBranch?: string): Promise<DiscardResult> {
    let task = this.ctx.store.task(taskId);
    if (task.state === 'done' && task.cleanedUp) return { task, cleanup: { status: 'removed', ignoredRemoved: [] } };
    if (LIVE_STATES.includes(task.state)) {
      await this.deps.runner.stopTask(taskId);
      await waitUntil(() => !LIVE_STATES.includes(this.ctx.store.task(taskId).state), 10_000);
    }
    task = this.ctx.store.task(taskId);
    if (!task.branch || !task.worktreePath || task.cleanedUp) {
      if (task.state === 'queued' || task.state === 'blocked') task = this.ctx.taskChanged(this.ctx.store.transition(taskId, 'cancelled', 'discarded by the user'));
      return { task, cleanup: { status: 'removed', ignoredRemoved: [] } };
    }
    await this.deps.shells.closeAll(taskId);
    const cleanup = await this.deps.mergeFlow.cleanup(taskId, { confirmLoss, confirmBranch, requireTypedBranch: true });
    task = this.ctx.store.task(taskId);
    if (cleanup.status === 'removed' && task.state !== 'cancelled' && task.state !== 'done') {
      task = this.ctx.taskChanged(this.ctx.store.transition(taskId, 'cancelled', 'discarded by the user'));
    }
    return { task, cleanup };
  }

  /** Measures the task's changes (committed and not) for its card. */
  async refreshDiffStat(taskId: string): Promise<Task> {
    const task = this.ctx.store.task(taskId);
    if (!task.branch || !task.worktreePath || task.cleanedUp) return task;
    const diff = await this.deps.review.diff(taskId);
    const files = [...diff.committed, ...diff.uncommitted];
    const stat = {
      files: new Set(files.map((f) => f.path)).size,
      additions: files.reduce((n, f) => n + (f.additions ?? 0), 0),
      deletions: files.reduce((n, f) => n + (f.deletions ?? 0), 0),
    };
    const cur = task.diffStat;
    if (cur && cur.files === stat.files && cur.additions === stat.additions && cur.deletions === stat.deletions) return task;
    return this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { diffStat: stat }));
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new SwitchyardError('bad-state', 'the agent did not stop in time; try again');
    await new Promise((r) => setTimeout(r, 50));
  }
}
