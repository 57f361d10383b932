/** What a task changed: the listing for the review view, and file contents for the diff editor. */
import fs from 'node:fs';
import type { ParsedInput } from '../../shared/contract';
import type { FileContents, TaskDiff } from '../../shared/diff';
import { SwitchyardError } from '../../shared/errors';
import { languageForPath } from '../../shared/languages';
import { isSafeRepoPath } from '../../shared/paths';
import type { Project, Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { listChanges, readSide, snapshotWorktree } from '../git/diff';
import { gitLine } from '../git/exec';

export interface Reviewable {
  task: Task;
  project: Project;
  branch: string;
  worktreePath: string;
}

export class Review {
  /** Worktree snapshot trees by task, so file contents match the listing the user saw. */
  private readonly worktreeTrees = new Map<string, string>();

  constructor(private readonly ctx: EngineContext) {}

  reviewable(taskId: string): Reviewable {
    const task = this.ctx.store.task(taskId);
    if (!task.branch || !task.worktreePath) throw new SwitchyardError('bad-state', 'the task has not started: it has no branch yet');
    if (task.cleanedUp) throw new SwitchyardError('bad-state', 'the task’s worktree and branch were removed after it finished');
    return { task, project: this.ctx.store.project(task.projectId), branch: task.branch, worktreePath: task.worktreePath };
  }

  forget(taskId: string): void {
    this.worktreeTrees.delete(taskId);
  }

  async diff(taskId: string): Promise<TaskDiff> {
    const { task, project, branch, worktreePath } = this.reviewable(taskId);
    const head = await gitLine(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], { cwd: project.path });
    const mergeBase = await gitLine(['merge-base', `refs/heads/${task.baseBranch}`, head], { cwd: project.path });
    const committed = await listChanges(project.path, mergeBase, head);
    let uncommitted: TaskDiff['uncommitted'] = [];
    let worktreeTree: string | null = null;
    if (fs.existsSync(worktreePath)) {
      worktreeTree = await snapshotWorktree(worktreePath);
      this.worktreeTrees.set(taskId, worktreeTree);
      uncommitted = await listChanges(worktreePath, 'HEAD', worktreeTree);
    }
    return { taskId, baseBranch: task.baseBranch, mergeBase, head, committed, uncommitted, worktreeTree };
  }

  async fileContents(input: ParsedInput<'tasks.fileContents'>): Promise<FileContents> {
    const { task, project, branch, worktreePath } = this.reviewable(input.taskId);
    for (const p of [input.path, input.oldPath]) {
      if (p !== null && !isSafeRepoPath(p)) throw new SwitchyardError('invalid-input', `"${p}" is not a path inside the repository`);
    }
    const originalPath = input.oldPath ?? input.path;
    let original;
    let modified;
    if (input.group === 'committed') {
      const head = `refs/heads/${branch}`;
      const mergeBase = await gitLine(['merge-base', `refs/heads/${task.baseBranch}`, head], { cwd: project.path });
      [original, modified] = await Promise.all([readSide(project.path, mergeBase, originalPath), readSide(project.path, head, input.path)]);
    } else {
      const tree = this.worktreeTrees.get(task.id) ?? (await snapshotWorktree(worktreePath));
      [original, modified] = await Promise.all([readSide(worktreePath, 'HEAD', originalPath), readSide(worktreePath, tree, input.path)]);
    }
    return { path: input.path, language: languageForPath(input.path), original, modified };
  }
}
