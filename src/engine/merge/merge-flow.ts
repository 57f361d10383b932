/**
 * Merging a task and removing its worktree, with every question asked before anything is lost.
 */
import type { CleanupResult, MergeResult } from '../../shared/contract';
import { touchedPaths } from '../../shared/diff';
import { SwitchyardError } from '../../shared/errors';
import type { TaskState } from '../../shared/task';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import { commitAll, mergeIntoBase } from '../git/merge';
import { ignoredEntries, losesNothing, removeWorktreeAndBranch, uncommittedFiles, whatRemovalWouldLose } from '../git/worktrees';
import type { Review } from '../review/review';
import { LIVE_STATES } from '../tasks/lifecycle';

const MERGEABLE: readonly TaskState[] = ['review', 'failed', 'cancelled'];

export class MergeFlow {
  constructor(
    private readonly ctx: EngineContext,
    private readonly review: Review,
    /** Closes the task's other terminals (shells) before its worktree goes. */
    private readonly beforeRemove: (taskId: string) => Promise<void> = async () => {},
  ) {}

  /**
   * `expectedFiles` are the uncommitted files the user was shown and agreed to commit; if the
   * worktree holds anything else by now, nothing is committed and the new list is shown.
   */
  merge(taskId: string, commitUncommitted: boolean, expectedFiles?: string[]): Promise<MergeResult> {
    return this.ctx.locks.run(taskId, () => this.mergeLocked(taskId, commitUncommitted, expectedFiles));
  }

  private async mergeLocked(taskId: string, commitUncommitted: boolean, expectedFiles?: string[]): Promise<MergeResult> {
    const { store } = this.ctx;
    const { task, project, branch, worktreePath } = this.review.reviewable(taskId);
    if (!MERGEABLE.includes(task.state)) {
      throw new SwitchyardError(
        'bad-state',
        LIVE_STATES.includes(task.state) ? 'the agent is still running; stop it or wait for it to finish' : `a task that is ${task.state} cannot be merged`,
      );
    }
    const pending = await uncommittedFiles(worktreePath);
    if (pending.length > 0) {
      const now = (await this.review.diff(taskId)).uncommitted;
      const sameAsShown = expectedFiles !== undefined && JSON.stringify([...expectedFiles].sort()) === JSON.stringify(touchedPaths(now));
      if (!commitUncommitted || (expectedFiles !== undefined && !sameAsShown)) return { status: 'needs-commit', files: now };
      await commitAll(worktreePath, `agent work: ${task.title}`);
      this.review.forget(taskId);
    }
    const before = task.state;
    this.ctx.taskChanged(store.transition(taskId, 'merging', `merging into ${task.baseBranch}`));
    let outcome;
    try {
      outcome = await mergeIntoBase(project.path, task.baseBranch, branch, `Merge ${branch}: ${task.title}`);
    } catch (err) {
      this.ctx.taskChanged(store.transition(taskId, before, `the merge failed: ${(err as Error).message}`));
      throw err;
    }
    if (outcome.status === 'conflict') {
      this.ctx.taskChanged(store.transition(taskId, before, `merge conflicts in ${outcome.files.length} file(s); nothing was merged`));
      return outcome;
    }
    if (outcome.status === 'refused') {
      this.ctx.taskChanged(store.transition(taskId, before, outcome.reason));
      return outcome;
    }
    const why = outcome.alreadyMerged
      ? `nothing to merge: ${task.baseBranch} already holds this work`
      : `merged into ${task.baseBranch} as ${outcome.commit.slice(0, 10)}`;
    this.ctx.taskChanged(store.transition(taskId, 'done', why));
    const cleanup = await this.cleanupLocked(taskId, false);
    return { status: 'merged', commit: outcome.commit, alreadyMerged: outcome.alreadyMerged, baseBranch: task.baseBranch, updatedCheckout: outcome.updatedCheckout, cleanup };
  }

  cleanup(taskId: string, confirmLoss: boolean): Promise<CleanupResult> {
    return this.ctx.locks.run(taskId, () => this.cleanupLocked(taskId, confirmLoss));
  }

  private async cleanupLocked(taskId: string, confirmLoss: boolean): Promise<CleanupResult> {
    const { task, project, branch, worktreePath } = this.review.reviewable(taskId);
    if (LIVE_STATES.includes(task.state) || task.state === 'merging') {
      throw new SwitchyardError('bad-state', 'stop the agent before removing its worktree');
    }
    const lost = await whatRemovalWouldLose(project.path, worktreePath, branch);
    if (!losesNothing(lost) && !confirmLoss) return { status: 'needs-confirmation', lost };
    // Ignored files (dependencies, build output) go with the worktree, as with `git worktree
    // remove`; they are named in the result so nothing disappears unseen.
    const ignored = await ignoredEntries(worktreePath);
    if (task.sessionId) await this.ctx.ptyd()?.dispose(task.sessionId).catch(() => {});
    await this.beforeRemove(taskId);
    await removeWorktreeAndBranch(project.path, worktreePath, branch);
    this.review.forget(taskId);
    this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { cleanedUp: true }));
    return { status: 'removed', ignoredRemoved: ignored };
  }

  /**
   * A task left "merging" by a crash: done if its branch reached the base, else back where it
   * was before the merge began.
   */
  async reconcileMerging(): Promise<void> {
    const { store } = this.ctx;
    for (const task of store.tasksInStates(['merging'])) {
      const project = store.project(task.projectId);
      const merged =
        task.branch !== null &&
        (await git(['merge-base', '--is-ancestor', `refs/heads/${task.branch}`, `refs/heads/${task.baseBranch}`], { cwd: project.path, okCodes: [1, 128] })).code === 0;
      if (merged) {
        this.ctx.taskChanged(store.transition(task.id, 'done', `the merge into ${task.baseBranch} had finished when the engine stopped`));
        continue;
      }
      const before = store.events(task.id).filter((e) => e.toState === 'merging').pop()?.fromState ?? 'review';
      this.ctx.taskChanged(store.transition(task.id, before, 'a merge was interrupted before it finished; nothing was merged'));
    }
  }
}
