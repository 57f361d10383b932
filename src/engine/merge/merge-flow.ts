/**
 * Merging a task and removing its worktree, with every question asked before anything is lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BulkCleanupResult, CleanupResult, ConflictContents, DiskUsage, FeedbackResult, MergePreview, MergeResult, MergeStrategy, PullRequestResult, PushResult, RebaseResult } from '../../shared/contract';
import { MERGE_STRATEGIES } from '../../shared/contract';
import { touchedPaths } from '../../shared/diff';
import { SwitchyardError } from '../../shared/errors';
import { isSafeRepoPath } from '../../shared/paths';
import type { Task, TaskState } from '../../shared/task';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import { commitsAhead, commitsBetween, conflictSides, workIsIn } from '../git/integration';
import { checkMerge, commitAll, commitIdentityEnv, mergeIntoBase } from '../git/merge';
import { branchExists } from '../git/repository';
import { ignoredEntries, losesNothing, removeWorktreeAndBranch, uncommittedFiles, whatRemovalWouldLose } from '../git/worktrees';
import type { Review } from '../review/review';
import { LIVE_STATES } from '../tasks/lifecycle';
import { createPullRequest, pushBranch, remoteFor } from './remotes';

const MERGEABLE: readonly TaskState[] = ['review', 'failed', 'cancelled'];

export interface MergeOptions {
  commitUncommitted: boolean;
  /** The uncommitted files the user was shown and agreed to commit. */
  expectedFiles?: string[];
  strategy?: MergeStrategy;
  target?: string;
  message?: string;
}

export interface CleanupOptions {
  confirmLoss: boolean;
  /** The branch name as the user typed it, to confirm deleting commits that exist nowhere else. */
  confirmBranch?: string;
  /** Enforce the typed branch name (tasks.cleanup and bulk clean-up do). */
  requireTypedBranch?: boolean;
  /** The branch the work is checked against; the task's base by default. */
  target?: string;
}

/** The squash message a task gets unless the user edits it: its title, then a summary of its prompt. */
export function defaultSquashMessage(task: Pick<Task, 'title' | 'prompt'>): string {
  const para = task.prompt.trim().split(/\n\s*\n/)[0]?.replace(/\s+/g, ' ').trim() ?? '';
  const summary = para.length > 300 ? `${para.slice(0, 297)}...` : para;
  return summary ? `${task.title}\n\n${summary}` : task.title;
}

/** How many directory entries one disk-usage walk visits before it stops and says so. */
const DISK_WALK_LIMIT = 200_000;

export class MergeFlow {
  constructor(
    private readonly ctx: EngineContext,
    private readonly review: Review,
    /** Closes the task's other terminals (shells) before its worktree goes. */
    private readonly beforeRemove: (taskId: string) => Promise<void> = async () => {},
    /** The engine's one feedback path (typed into a running agent, or a restart with it). */
    private readonly sendFeedback: (taskId: string, message: string) => Promise<FeedbackResult> = async () => {
      throw new SwitchyardError('internal', 'feedback is not wired');
    },
  ) {}

  // ---- strategy setting ----

  strategyFor(projectId: string): MergeStrategy {
    this.ctx.store.project(projectId);
    const raw = this.ctx.store.setting(`mergeStrategy:${projectId}`);
    const value = raw === null ? null : (JSON.parse(raw) as unknown);
    return MERGE_STRATEGIES.find((s) => s === value) ?? 'merge';
  }

  setStrategy(projectId: string, strategy: MergeStrategy): MergeStrategy {
    this.ctx.store.project(projectId);
    this.ctx.store.setSetting(`mergeStrategy:${projectId}`, JSON.stringify(strategy));
    return strategy;
  }

  private async targetOf(repo: string, task: Task, target?: string): Promise<string> {
    const t = target ?? task.baseBranch;
    if (t === task.branch) throw new SwitchyardError('invalid-input', 'a task cannot be merged into its own branch');
    if (!(await branchExists(repo, t))) throw new SwitchyardError('unknown-branch', `the branch "${t}" does not exist`);
    // Never move files under another agent at work.
    const busy = this.ctx.store.tasksInStates(LIVE_STATES).find((o) => o.branch === t && o.projectId === task.projectId);
    if (busy) throw new SwitchyardError('bad-state', `"${t}" is the branch of “${busy.title}”, whose agent is running; stop it first`);
    // A rebase in progress on the target (in any checkout) would overwrite whatever we merge.
    const rebasing = await rebaseInProgressOn(repo, t);
    if (rebasing) throw new SwitchyardError('bad-state', `"${t}" is being rebased at ${rebasing}; finish or abort that rebase first`);
    return t;
  }

  // ---- merge ----

  /**
   * `expectedFiles` are the uncommitted files the user was shown and agreed to commit; if the
   * worktree holds anything else by now, nothing is committed and the new list is shown.
   */
  merge(taskId: string, opts: MergeOptions): Promise<MergeResult> {
    return this.ctx.locks.run(taskId, () => this.mergeLocked(taskId, opts));
  }

  private async mergeLocked(taskId: string, opts: MergeOptions): Promise<MergeResult> {
    const { store } = this.ctx;
    const { task, project, branch, worktreePath } = this.review.reviewable(taskId);
    if (!MERGEABLE.includes(task.state)) {
      throw new SwitchyardError(
        'bad-state',
        LIVE_STATES.includes(task.state) ? 'the agent is still running; stop it or wait for it to finish' : `a task that is ${task.state} cannot be merged`,
      );
    }
    const target = await this.targetOf(project.path, task, opts.target);
    const strategy = opts.strategy ?? this.strategyFor(project.id);
    const pending = await uncommittedFiles(worktreePath);
    if (pending.length > 0) {
      const now = (await this.review.diff(taskId)).uncommitted;
      const { expectedFiles } = opts;
      const sameAsShown = expectedFiles !== undefined && JSON.stringify([...expectedFiles].sort()) === JSON.stringify(touchedPaths(now));
      if (!opts.commitUncommitted || (expectedFiles !== undefined && !sameAsShown)) return { status: 'needs-commit', files: now };
      await commitAll(worktreePath, `agent work: ${task.title}`);
      this.review.forget(taskId);
    }
    const before = task.state;
    this.ctx.taskChanged(store.transition(taskId, 'merging', `merging into ${target} (${strategy})`));
    const message = opts.message ?? (strategy === 'squash' ? defaultSquashMessage(task) : `Merge ${branch}: ${task.title}`);
    let outcome;
    try {
      outcome = await mergeIntoBase({ repo: project.path, target, taskBranch: branch, strategy, message });
    } catch (err) {
      this.ctx.taskChanged(store.transition(taskId, before, `the merge failed: ${(err as Error).message}`));
      throw err;
    }
    const flags = store.task(taskId).flags;
    if (outcome.status === 'conflict') {
      this.ctx.taskChanged(
        store.transition(taskId, before, `merge conflicts with ${target} in ${outcome.files.length} file(s); nothing was merged`, { flags: { ...flags, conflicts: outcome.files } }),
      );
      return outcome;
    }
    if (outcome.status === 'refused') {
      this.ctx.taskChanged(store.transition(taskId, before, outcome.reason));
      return outcome;
    }
    // The history keeps the resulting commit and how it was made.
    const why = outcome.alreadyMerged
      ? `nothing to merge: ${target} already holds this work (at ${outcome.commit})`
      : `merged into ${target} by ${strategy} as ${outcome.commit}`;
    this.ctx.taskChanged(store.transition(taskId, 'done', why, { flags: { ...flags, conflicts: [] } }));
    // The merge happened: a clean-up that fails (a teardown, a lost daemon) leaves the worktree
    // for later rather than reporting a finished merge as an error.
    const cleanup = await this.cleanupLocked(taskId, { confirmLoss: false, target }).catch(
      async (): Promise<CleanupResult> => ({ status: 'needs-confirmation', lost: await whatRemovalWouldLose(project.path, worktreePath, branch) }),
    );
    return { status: 'merged', commit: outcome.commit, alreadyMerged: outcome.alreadyMerged, baseBranch: target, strategy, updatedCheckout: outcome.updatedCheckout, cleanup };
  }

  async preview(taskId: string, target?: string): Promise<MergePreview> {
    const { task, project, branch, worktreePath } = this.review.reviewable(taskId);
    this.noticeMissing(task);
    const t = await this.targetOf(project.path, task, target);
    const ours = `refs/heads/${t}`;
    const theirs = `refs/heads/${branch}`;
    const [commits, baseMovedBy, check, uncommitted] = await Promise.all([
      commitsBetween(project.path, ours, theirs),
      commitsAhead(project.path, ours, theirs),
      checkMerge(project.path, ours, theirs),
      uncommittedFiles(worktreePath),
    ]);
    return {
      target: t,
      commits,
      baseMovedBy,
      conflicts: check.clean ? [] : check.conflicts,
      strategyDefault: this.strategyFor(project.id),
      squashMessage: defaultSquashMessage(task),
      uncommitted,
    };
  }

  // ---- conflicts ----

  async conflictContents(taskId: string, file: string, target?: string): Promise<ConflictContents> {
    if (!isSafeRepoPath(file)) throw new SwitchyardError('invalid-input', `"${file}" is not a path inside the repository`);
    const { task, project, branch } = this.review.reviewable(taskId);
    const t = await this.targetOf(project.path, task, target);
    return conflictSides(project.path, `refs/heads/${t}`, `refs/heads/${branch}`, file);
  }

  /** Starts `git rebase <target>` in the task's worktree and leaves it for the agent or the user. */
  rebaseOntoBase(taskId: string, target?: string): Promise<RebaseResult> {
    return this.ctx.locks.run(taskId, async () => {
      const { task, project, worktreePath } = this.review.reviewable(taskId);
      if (LIVE_STATES.includes(task.state) || task.state === 'merging') throw new SwitchyardError('bad-state', 'stop the agent before rebasing its worktree');
      if (!fs.existsSync(worktreePath)) throw new SwitchyardError('bad-state', `the worktree ${worktreePath} is missing`);
      const t = await this.targetOf(project.path, task, target);
      const env = await commitIdentityEnv(worktreePath);
      const r = await git(['rebase', `refs/heads/${t}`], { cwd: worktreePath, env, okCodes: [1, 128] });
      const output = `${r.stdout}${r.stderr}`.trim();
      const { store } = this.ctx;
      if (r.code === 0) {
        const upToDate = /up to date/i.test(output);
        store.addNote(taskId, upToDate ? `already based on ${t}` : `rebased onto ${t}`);
        this.review.forget(taskId);
        this.ctx.taskChanged(store.patchTask(taskId, { flags: { ...store.task(taskId).flags, conflicts: [] } }));
        return { status: upToDate ? 'up-to-date' : 'rebased', onto: t, conflicts: [], output };
      }
      const u = await git(['diff', '--name-only', '-z', '--diff-filter=U'], { cwd: worktreePath, okCodes: [128] });
      const conflicts = u.stdout.split('\0').filter(Boolean);
      if (conflicts.length === 0) throw new SwitchyardError('git-failed', `git rebase did not start: ${output.split('\n').slice(-3).join(' ')}`);
      store.addNote(taskId, `rebase onto ${t} stopped on conflicts in ${conflicts.join(', ')}; finish it in the worktree`);
      this.review.forget(taskId);
      this.ctx.taskChanged(store.patchTask(taskId, { flags: { ...store.task(taskId).flags, conflicts } }));
      return { status: 'stopped', onto: t, conflicts, output };
    });
  }

  async sendConflictsToAgent(taskId: string): Promise<FeedbackResult> {
    const { task, project, branch } = this.review.reviewable(taskId);
    let files = task.flags.conflicts;
    if (files.length === 0) {
      const check = await checkMerge(project.path, `refs/heads/${task.baseBranch}`, `refs/heads/${branch}`);
      files = check.clean ? [] : check.conflicts;
    }
    if (files.length === 0) throw new SwitchyardError('bad-state', `the task does not conflict with ${task.baseBranch}`);
    const message = [
      `Merging this branch into "${task.baseBranch}" conflicts in these files:`,
      ...files.map((f) => `- ${f}`),
      `Rebase this branch onto "${task.baseBranch}" (git rebase ${task.baseBranch}), resolve the conflicts in those files keeping the intent of both sides, continue the rebase until it finishes, and make sure everything is committed.`,
    ].join('\n');
    return this.sendFeedback(taskId, message);
  }

  // ---- clean-up ----

  /** A bare boolean is `confirmLoss` (the discard path). */
  cleanup(taskId: string, opts: CleanupOptions | boolean): Promise<CleanupResult> {
    const o = typeof opts === 'boolean' ? { confirmLoss: opts } : opts;
    return this.ctx.locks.run(taskId, () => this.cleanupLocked(taskId, o));
  }

  private async cleanupLocked(taskId: string, opts: CleanupOptions): Promise<CleanupResult> {
    const { task, project, branch, worktreePath } = this.review.reviewable(taskId);
    if (LIVE_STATES.includes(task.state) || task.state === 'merging') {
      throw new SwitchyardError('bad-state', 'stop the agent before removing its worktree');
    }
    this.noticeMissing(task);
    const lost = await whatRemovalWouldLose(project.path, worktreePath, branch);
    if (lost.unmergedCommits.length > 0 && (await this.workIsInTarget(project.path, branch, worktreePath, opts.target ?? task.baseBranch))) {
      // Squash- or rebase-merged: every change is in the target already, by content.
      lost.unmergedCommits = [];
    }
    if (!losesNothing(lost) && !opts.confirmLoss) return { status: 'needs-confirmation', lost };
    if (lost.unmergedCommits.length > 0 && opts.requireTypedBranch && opts.confirmBranch !== branch) {
      throw new SwitchyardError(
        'invalid-input',
        `${lost.unmergedCommits.length} commit(s) exist on no other branch; type the branch name "${branch}" to confirm deleting them. Nothing was deleted.`,
      );
    }
    // Ignored files (dependencies, build output) go with the worktree, as with `git worktree
    // remove`; they are named in the result so nothing disappears unseen.
    const ignored = await ignoredEntries(worktreePath);
    if (task.sessionId) await this.ctx.ptyd()?.dispose(task.sessionId).catch(() => {});
    await this.beforeRemove(taskId);
    // Shells and teardown could have written since the check: look again, and delete nothing
    // the user has not seen listed.
    const again = await whatRemovalWouldLose(project.path, worktreePath, branch);
    const seen = new Set(lost.uncommitted);
    if (again.uncommitted.some((f) => !seen.has(f))) return { status: 'needs-confirmation', lost: again };
    await removeWorktreeAndBranch(project.path, worktreePath, branch);
    this.review.forget(taskId);
    this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { cleanedUp: true }));
    return { status: 'removed', ignoredRemoved: ignored };
  }

  /** Whether the branch's (and the worktree HEAD's) work is all in `target`, by ancestry, tree or patch id. */
  private async workIsInTarget(repo: string, branch: string, worktreePath: string, target: string): Promise<boolean> {
    if (!(await branchExists(repo, target))) return false;
    const tips: string[] = [];
    if (await branchExists(repo, branch)) tips.push(`refs/heads/${branch}`);
    if (fs.existsSync(worktreePath)) {
      const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: worktreePath, okCodes: [1, 128] });
      if (head.code === 0) tips.push(head.stdout.trim());
    }
    for (const tip of tips) {
      if (!(await workIsIn(repo, `refs/heads/${target}`, tip))) return false;
    }
    return tips.length > 0;
  }

  /** Clean-up of many tasks under the same rules; nothing that would be lost is confirmed in bulk. */
  async cleanupMany(taskIds: string[]): Promise<BulkCleanupResult> {
    const out: BulkCleanupResult = [];
    for (const taskId of taskIds) {
      try {
        const task = this.ctx.store.task(taskId);
        if (task.cleanedUp || !task.branch) {
          out.push({ taskId, result: { status: 'removed', ignoredRemoved: [] } });
          continue;
        }
        out.push({ taskId, result: await this.cleanup(taskId, { confirmLoss: false, requireTypedBranch: true }) });
      } catch (err) {
        out.push({ taskId, result: { status: 'error', message: (err as Error).message } });
      }
    }
    return out;
  }

  /** Automatic clean-up (Settings): done tasks' worktrees after N days, only where nothing would be lost. */
  async autoCleanup(now = Date.now()): Promise<string[]> {
    const days = this.ctx.settings().autoCleanupDays;
    if (days === null) return [];
    const due = this.ctx.store
      .tasksInStates(['done'])
      .filter((t) => !t.cleanedUp && t.branch !== null && t.worktreePath !== null && t.stateChangedAt <= now - days * 86_400_000);
    const removed: string[] = [];
    for (const t of due) {
      const r = await this.cleanup(t.id, { confirmLoss: false, requireTypedBranch: true }).catch(() => null);
      if (r?.status === 'removed') {
        this.ctx.store.addNote(t.id, `worktree removed automatically ${days} day(s) after the task was done`);
        removed.push(t.id);
      }
    }
    return removed;
  }

  /** Marks a task whose worktree folder was deleted outside Switchyard; returns whether it is missing. */
  noticeMissing(task: Task): boolean {
    if (task.cleanedUp || !task.worktreePath || !task.branch || task.state === 'queued' || task.state === 'blocked') return false;
    // The worktrees folder itself gone (an unmounted volume) says nothing about this task: it is
    // neither marked nor pruned, or git would forget every worktree on that volume.
    if (!fs.existsSync(path.dirname(task.worktreePath))) return false;
    const missing = !fs.existsSync(task.worktreePath);
    if (missing && task.state === 'done') {
      // Its work is merged: the clean-up after the merge ran (and the engine stopped before
      // recording it), or someone removed the folder by hand. Either way nothing is lost.
      const { store } = this.ctx;
      store.addNote(task.id, `the worktree ${task.worktreePath} is gone after the merge; the task is marked cleaned up`);
      this.review.forget(task.id);
      this.ctx.taskChanged(store.patchTask(task.id, { cleanedUp: true }));
      void git(['worktree', 'prune'], { cwd: store.project(task.projectId).path }).catch(() => {});
      return true;
    }
    if (missing !== task.flags.worktreeMissing) {
      const { store } = this.ctx;
      if (missing) store.addNote(task.id, `the worktree ${task.worktreePath} was deleted outside Switchyard; its branch ${task.branch} is kept`);
      this.ctx.taskChanged(store.patchTask(task.id, { flags: { ...store.task(task.id).flags, worktreeMissing: missing } }));
      if (missing) void git(['worktree', 'prune'], { cwd: store.project(task.projectId).path }).catch(() => {});
    }
    return missing;
  }

  noticeMissingAll(projectId?: string): void {
    for (const t of this.ctx.store.tasks(projectId)) {
      try {
        this.noticeMissing(t);
      } catch {
        // a project folder that vanished is the project's problem, not this check's
      }
    }
  }

  // ---- remotes ----

  async push(taskId: string): Promise<PushResult> {
    const { task, project, branch } = this.review.reviewable(taskId);
    const result = await pushBranch(project.path, await remoteFor(project.path, task.baseBranch), branch);
    this.ctx.store.addNote(taskId, `pushed ${branch} to ${result.remote}`);
    return result;
  }

  async createPullRequest(taskId: string, opts: { title?: string; body?: string; target?: string }): Promise<PullRequestResult> {
    const { task, project, branch } = this.review.reviewable(taskId);
    const target = await this.targetOf(project.path, task, opts.target);
    const summary = defaultSquashMessage(task).split('\n\n').slice(1).join('\n\n');
    const body = opts.body ?? `${summary ? `${summary}\n\n` : ''}Made with Switchyard (task "${task.title}", branch ${branch}).`;
    const toolPath = this.ctx.options.toolPath ?? process.env.PATH ?? '';
    const result = await createPullRequest({ repo: project.path, baseBranch: task.baseBranch, branch, target, title: opts.title ?? task.title, body, toolPath });
    this.ctx.store.addNote(taskId, `pull request opened: ${result.url}`);
    return result;
  }

  /** Each task's worktree size on disk, for the disk usage panel. */
  async diskUsage(projectId?: string): Promise<DiskUsage[]> {
    const out: DiskUsage[] = [];
    for (const t of this.ctx.store.tasks(projectId)) {
      if (t.cleanedUp || !t.worktreePath || !fs.existsSync(t.worktreePath)) continue;
      const { bytes, truncated } = await folderSize(t.worktreePath, DISK_WALK_LIMIT);
      out.push({ taskId: t.id, title: t.title, path: t.worktreePath, bytes, truncated, state: t.state });
    }
    return out;
  }

  /**
   * Tasks whose branch was merged outside Switchyard (on the command line, a pull request)
   * show as done. Only a branch with commits of its own counts, and only when the worktree
   * holds nothing uncommitted; a task an agent still works in is left alone.
   */
  async reconcileMergedOutside(): Promise<Task[]> {
    const { store } = this.ctx;
    const merged: Task[] = [];
    const tipsByProject = new Map<string, Map<string, string>>();
    for (const task of store.tasksInStates(['review', 'failed', 'cancelled', 'interrupted'])) {
      if (task.cleanedUp || !task.branch || !task.worktreePath) continue;
      try {
        const project = store.project(task.projectId);
        let tips = tipsByProject.get(project.id);
        if (!tips) tipsByProject.set(project.id, (tips = await branchTips(project.path)));
        const tip = tips.get(task.branch);
        if (!tip) continue;
        // The same branch and base as when it was last found not merged: nothing to ask git.
        const key = `${tip} ${tips.get(task.baseBranch) ?? ''}`;
        if (this.notMergedAt.get(task.id) === key) continue;
        if ((await uncommittedFiles(task.worktreePath)).length > 0) continue;
        if (!(await hasOwnCommits(project.path, task.branch)) || !(await this.workIsInTarget(project.path, task.branch, task.worktreePath, task.baseBranch))) {
          this.notMergedAt.set(task.id, key);
          continue;
        }
        const done = await this.ctx.locks.run(task.id, async () => {
          // Re-read under the task's lock: the user may have acted on it while git was asked.
          const now = store.task(task.id);
          if (now.state !== task.state || now.branch !== task.branch) return null;
          const reason = `its branch ${task.branch} was merged into ${task.baseBranch} outside Switchyard`;
          return this.ctx.taskChanged(store.transition(task.id, 'done', reason, { flags: { ...now.flags, conflicts: [] } }));
        });
        if (done) merged.push(done);
      } catch {
        // a project folder that vanished, or git failing on it: the next check tries again
      }
    }
    return merged;
  }

  /** Tasks last found not merged outside Switchyard, with the branch and base tips they had. */
  private readonly notMergedAt = new Map<string, string>();

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

/** Bytes of every file under `dir` (symlinks not followed), visiting at most `limit` entries. */
export async function folderSize(dir: string, limit: number): Promise<{ bytes: number; truncated: boolean }> {
  let bytes = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(cur, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > limit) return { bytes, truncated: true };
      const full = path.join(cur, e.name);
      if (e.isDirectory()) stack.push(full);
      else {
        try {
          bytes += (await fs.promises.lstat(full)).size;
        } catch {
          // gone meanwhile
        }
      }
    }
  }
  return { bytes, truncated: false };
}

/** The checkout in which `branch` is being rebased (git shows it detached meanwhile), or null. */
async function rebaseInProgressOn(repo: string, branch: string): Promise<string | null> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repo });
  const paths = out.stdout
    .split('\0')
    .filter((f) => f.startsWith('worktree '))
    .map((f) => f.slice('worktree '.length));
  for (const wt of paths) {
    if (!fs.existsSync(wt)) continue;
    const gitDir = await git(['rev-parse', '--absolute-git-dir'], { cwd: wt, okCodes: [128] });
    if (gitDir.code !== 0) continue;
    for (const dir of ['rebase-merge', 'rebase-apply']) {
      const headName = path.join(gitDir.stdout.trim(), dir, 'head-name');
      if (fs.existsSync(headName) && fs.readFileSync(headName, 'utf8').trim() === `refs/heads/${branch}`) return wt;
    }
  }
  return null;
}

/**
 * Whether a task branch has commits beyond where it was created (its reflog's first entry), so
 * an unchanged branch, trivially "contained" in its base, is never taken for a merged one.
 */
async function hasOwnCommits(repo: string, branch: string): Promise<boolean> {
  const log = await git(['reflog', 'show', '--format=%H', `refs/heads/${branch}`, '--'], { cwd: repo, okCodes: [128] });
  const created = log.stdout.trim().split('\n').filter(Boolean).pop();
  if (!created) return false;
  const tip = (await git(['rev-parse', '--verify', '-q', `refs/heads/${branch}^{commit}`], { cwd: repo, okCodes: [1] })).stdout.trim();
  return tip !== '' && tip !== created;
}

/** Every local branch's tip, from one `git for-each-ref`. */
async function branchTips(repo: string): Promise<Map<string, string>> {
  const out = await git(['for-each-ref', '--format=%(objectname) %(refname:strip=2)', 'refs/heads'], { cwd: repo });
  const tips = new Map<string, string>();
  for (const line of out.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) tips.set(line.slice(space + 1), line.slice(0, space));
  }
  return tips;
}
