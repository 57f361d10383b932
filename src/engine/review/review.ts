/** What a task changed: the listing for the review view, and file contents for the diff editor. */
import fs from 'node:fs';
import type { ParsedInput } from '../../shared/contract';
import type { CommitInfo, DiffAgainst, FileContents, TaskDiff } from '../../shared/diff';
import { SwitchyardError } from '../../shared/errors';
import { languageForPath } from '../../shared/languages';
import { isSafeRepoPath } from '../../shared/paths';
import type { Project, Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { listChanges, readSide, snapshotWorktree } from '../git/diff';
import { git, gitLine } from '../git/exec';

/** git's empty tree: the "before" of a repository's first commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

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

  /**
   * The two revisions a diff compares. The base tip view diffs against the tree a merge would
   * produce (`git merge-tree`), so it shows exactly what merging would change on the base.
   */
  async range(r: Reviewable, against: DiffAgainst): Promise<{ from: string; to: string; mergeBase: string; head: string }> {
    const cwd = r.project.path;
    const head = await gitLine(['rev-parse', '--verify', `refs/heads/${r.branch}^{commit}`], { cwd });
    const mergeBase = await gitLine(['merge-base', `refs/heads/${r.task.baseBranch}`, head], { cwd });
    if (against.kind === 'merge-base') return { from: mergeBase, to: head, mergeBase, head };
    if (against.kind === 'base-tip') {
      const baseTip = await gitLine(['rev-parse', '--verify', `refs/heads/${r.task.baseBranch}^{commit}`], { cwd });
      const merged = await git(['merge-tree', '--write-tree', '--no-messages', baseTip, head], { cwd, okCodes: [1] });
      return { from: baseTip, to: merged.stdout.split('\n')[0]!.trim(), mergeBase, head };
    }
    // One commit of the task's own branch, against its parent.
    const onBranch = await git(['merge-base', '--is-ancestor', against.sha, head], { cwd, okCodes: [1, 128] });
    const sinceBase = await git(['merge-base', '--is-ancestor', mergeBase, against.sha], { cwd, okCodes: [1, 128] });
    if (onBranch.code !== 0 || sinceBase.code !== 0 || against.sha === mergeBase) {
      throw new SwitchyardError('invalid-input', `commit ${against.sha.slice(0, 10)} is not one of this task's commits`);
    }
    const parent = await git(['rev-parse', '--verify', '-q', `${against.sha}^`], { cwd, okCodes: [1, 128] });
    return { from: parent.code === 0 ? parent.stdout.trim() : EMPTY_TREE, to: against.sha, mergeBase, head };
  }

  async diff(taskId: string, against: DiffAgainst = { kind: 'merge-base' }): Promise<TaskDiff> {
    const r = this.reviewable(taskId);
    const { task, project, worktreePath } = r;
    const { from, to, mergeBase, head } = await this.range(r, against);
    const committed = await listChanges(project.path, from, to);
    let uncommitted: TaskDiff['uncommitted'] = [];
    let worktreeTree: string | null = null;
    // A single commit is just that commit; the other views also show work not yet committed.
    if (against.kind !== 'commit' && fs.existsSync(worktreePath)) {
      worktreeTree = await snapshotWorktree(worktreePath);
      this.worktreeTrees.set(taskId, worktreeTree);
      uncommitted = await listChanges(worktreePath, 'HEAD', worktreeTree);
    }
    return { taskId, against, from, to, baseBranch: task.baseBranch, mergeBase, head, committed, uncommitted, worktreeTree };
  }

  /** The task's commits since its merge base, newest first. */
  async commits(taskId: string): Promise<CommitInfo[]> {
    const r = this.reviewable(taskId);
    const { mergeBase, head } = await this.range(r, { kind: 'merge-base' });
    const out = await git(['log', '--format=%H%x09%an%x09%at%x09%s', `${mergeBase}..${head}`], { cwd: r.project.path });
    return out.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, author, at, ...subject] = line.split('\t');
        return { sha: sha!, author: author ?? '', date: Number(at) * 1000, subject: subject.join('\t') };
      });
  }

  async fileContents(input: ParsedInput<'tasks.fileContents'>): Promise<FileContents> {
    const r = this.reviewable(input.taskId);
    const { task, project, worktreePath } = r;
    for (const p of [input.path, input.oldPath]) {
      if (p !== null && !isSafeRepoPath(p)) throw new SwitchyardError('invalid-input', `"${p}" is not a path inside the repository`);
    }
    const originalPath = input.oldPath ?? input.path;
    let original;
    let modified;
    if (input.group === 'committed') {
      const { from, to } = await this.range(r, input.against ?? { kind: 'merge-base' });
      [original, modified] = await Promise.all([readSide(project.path, from, originalPath), readSide(project.path, to, input.path)]);
    } else {
      const tree = this.worktreeTrees.get(task.id) ?? (await snapshotWorktree(worktreePath));
      [original, modified] = await Promise.all([readSide(worktreePath, 'HEAD', originalPath), readSide(worktreePath, tree, input.path)]);
    }
    return { path: input.path, language: languageForPath(input.path), original, modified };
  }
}
