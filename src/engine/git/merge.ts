/**
 * Merging a task branch into its base, safely:
 * conflicts are computed first with `git merge-tree --write-tree`, which touches no ref and
 * no checkout; a base that is checked out somewhere is updated only if that checkout is
 * clean, through git's own fast-forward, which refuses to overwrite anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SwitchyardError } from '../../shared/errors';
import { git, gitLine } from './exec';
import { listCheckouts, resolveCommit } from './repository';
import { statusPaths } from './worktrees';

export type MergeCheck = { clean: true; tree: string } | { clean: false; conflicts: string[] };

/** Would merging `theirs` into `ours` conflict? Reads objects only. */
export async function checkMerge(repo: string, ours: string, theirs: string): Promise<MergeCheck> {
  const r = await git(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs], {
    cwd: repo,
    okCodes: [1],
  });
  const [tree, ...rest] = r.stdout.split('\0');
  if (r.code === 0) return { clean: true, tree: tree!.trim() };
  return { clean: false, conflicts: [...new Set(rest.filter(Boolean))] };
}

/** Author and committer for commits Switchyard makes, when the repository names none. */
export async function commitIdentityEnv(cwd: string): Promise<Record<string, string>> {
  const email = await git(['config', 'user.email'], { cwd, okCodes: [1] });
  const name = await git(['config', 'user.name'], { cwd, okCodes: [1] });
  if (email.stdout.trim() && name.stdout.trim()) return {};
  return {
    GIT_AUTHOR_NAME: name.stdout.trim() || 'Switchyard',
    GIT_AUTHOR_EMAIL: email.stdout.trim() || 'switchyard@localhost',
    GIT_COMMITTER_NAME: name.stdout.trim() || 'Switchyard',
    GIT_COMMITTER_EMAIL: email.stdout.trim() || 'switchyard@localhost',
  };
}

/** Commits everything in a worktree (tracked edits, deletions and untracked files). */
export async function commitAll(worktreePath: string, message: string): Promise<string> {
  const env = await commitIdentityEnv(worktreePath);
  await git(['add', '-A', '--', '.'], { cwd: worktreePath });
  await git(['commit', '-q', '-m', message], { cwd: worktreePath, env });
  return gitLine(['rev-parse', 'HEAD'], { cwd: worktreePath });
}

export type MergeStrategy = 'merge' | 'squash' | 'rebase';

export type MergeOutcome =
  | { status: 'merged'; commit: string; alreadyMerged: boolean; updatedCheckout: string | null }
  | { status: 'conflict'; files: string[] }
  | { status: 'refused'; reason: string; path: string | null };

export interface MergeRequest {
  repo: string;
  /** The branch that receives the work. */
  target: string;
  taskBranch: string;
  strategy: MergeStrategy;
  /** The merge commit's or the squash commit's message; rebase keeps each commit's own. */
  message: string;
}

/**
 * Merges `taskBranch` into `target` with `strategy`. Every commit is made from objects only
 * (merge-tree, commit-tree, or a replay in a temporary worktree); then the target moves by a
 * fast-forward: git's own in a clean checkout of it, or a compare-and-swap of the ref.
 */
export async function mergeIntoBase(req: MergeRequest): Promise<MergeOutcome> {
  const { repo, target, taskBranch, strategy, message } = req;
  const baseTip = await resolveCommit(repo, `refs/heads/${target}`);
  const taskTip = await resolveCommit(repo, `refs/heads/${taskBranch}`);
  // The target already holds every commit of the task: no empty merge commit.
  const contained = await git(['merge-base', '--is-ancestor', taskTip, baseTip], { cwd: repo, okCodes: [1] });
  if (contained.code === 0) return { status: 'merged', commit: baseTip, alreadyMerged: true, updatedCheckout: null };

  const check = await checkMerge(repo, baseTip, taskTip);
  if (!check.clean) return { status: 'conflict', files: check.conflicts };
  // Merging would change nothing (the work arrived by a squash or a rebase already).
  if (strategy !== 'merge' && check.tree === (await gitLine(['rev-parse', `${baseTip}^{tree}`], { cwd: repo }))) {
    return { status: 'merged', commit: baseTip, alreadyMerged: true, updatedCheckout: null };
  }

  const checkout = (await listCheckouts(repo)).find((c) => c.branch === target && !c.bare) ?? null;
  if (checkout) {
    const refusal = await dirtyCheckoutRefusal(target, checkout.path);
    if (refusal) return refusal;
  }

  const env = await commitIdentityEnv(repo);
  let commit: string;
  if (strategy === 'merge') {
    commit = await gitLine(['commit-tree', check.tree, '-p', baseTip, '-p', taskTip, '-m', message], { cwd: repo, env });
  } else if (strategy === 'squash') {
    commit = await gitLine(['commit-tree', check.tree, '-p', baseTip, '-m', message], { cwd: repo, env });
  } else {
    const replay = await replayCommits(repo, baseTip, taskTip);
    if (replay.status === 'conflict') return replay;
    if (replay.tip === baseTip) return { status: 'merged', commit: baseTip, alreadyMerged: true, updatedCheckout: null };
    commit = replay.tip;
  }

  if (checkout) {
    // git's fast-forward updates the ref and the files together, and refuses rather than
    // overwrite an untracked file or a change made since we looked.
    const ff = await git(['merge', '--ff-only', '-q', commit], { cwd: checkout.path, okCodes: [1, 128] });
    if (ff.code !== 0) {
      return {
        status: 'refused',
        reason: `git would not update the checkout of "${target}" at ${checkout.path}: ${ff.stderr.trim().split('\n')[0] ?? 'unknown reason'}`,
        path: checkout.path,
      };
    }
    return { status: 'merged', commit, alreadyMerged: false, updatedCheckout: checkout.path };
  }
  // Not checked out anywhere: move the ref only if nobody moved it since we read it.
  await git(['update-ref', '-m', `switchyard: ${strategy} ${taskBranch}`, `refs/heads/${target}`, commit, baseTip], { cwd: repo });
  return { status: 'merged', commit, alreadyMerged: false, updatedCheckout: null };
}

async function dirtyCheckoutRefusal(target: string, checkoutPath: string): Promise<MergeOutcome | null> {
  const dirty = await git(['status', '--porcelain=v1', '-z', '--untracked-files=no'], { cwd: checkoutPath });
  if (dirty.stdout.length === 0) return null;
  // Name the files, so the user knows what to commit or stash.
  const files = statusPaths(dirty.stdout);
  const named = files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
  return {
    status: 'refused',
    reason: `"${target}" is checked out at ${checkoutPath} with uncommitted changes (${named}). Commit or stash them there, then merge again.`,
    path: checkoutPath,
  };
}

/**
 * Replays the task's commits onto `onto` as `git rebase` would (commits already upstream are
 * dropped), in a temporary detached worktree that is removed afterwards. No branch, no ref and
 * no user checkout is touched; the result is a commit id. Hooks do not run.
 */
export async function replayCommits(repo: string, onto: string, taskTip: string): Promise<{ status: 'replayed'; tip: string } | { status: 'conflict'; files: string[] }> {
  const upstream = await gitLine(['merge-base', onto, taskTip], { cwd: repo });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-replay-'));
  const noHooks = ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false'];
  const env = await commitIdentityEnv(repo);
  try {
    await git([...noHooks, 'worktree', 'add', '--detach', '-q', '--', dir, taskTip], { cwd: repo });
    const r = await git([...noHooks, 'rebase', '-q', '--onto', onto, upstream], { cwd: dir, env, okCodes: [1, 128] });
    if (r.code !== 0) {
      const u = await git(['diff', '--name-only', '-z', '--diff-filter=U'], { cwd: dir, okCodes: [128] });
      const files = u.stdout.split('\0').filter(Boolean);
      await git(['rebase', '--abort'], { cwd: dir, okCodes: [1, 128] });
      if (files.length === 0) throw new SwitchyardError('git-failed', `replaying the task's commits failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
      return { status: 'conflict', files };
    }
    return { status: 'replayed', tip: await gitLine(['rev-parse', 'HEAD'], { cwd: dir }) };
  } finally {
    await git(['worktree', 'remove', '--force', '--', dir], { cwd: repo, okCodes: [128] }).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: repo }).catch(() => {});
  }
}
