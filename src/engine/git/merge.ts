/**
 * Merging a task branch into its base, safely:
 * conflicts are computed first with `git merge-tree --write-tree`, which touches no ref and
 * no checkout; a base that is checked out somewhere is updated only if that checkout is
 * clean, through git's own fast-forward, which refuses to overwrite anything.
 */
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

export type MergeOutcome =
  | { status: 'merged'; commit: string; alreadyMerged: boolean; updatedCheckout: string | null }
  | { status: 'conflict'; files: string[] }
  | { status: 'refused'; reason: string; path: string | null };

export async function mergeIntoBase(repo: string, baseBranch: string, taskBranch: string, message: string): Promise<MergeOutcome> {
  const baseTip = await resolveCommit(repo, `refs/heads/${baseBranch}`);
  const taskTip = await resolveCommit(repo, `refs/heads/${taskBranch}`);
  // The base already holds every commit of the task: no empty merge commit.
  const contained = await git(['merge-base', '--is-ancestor', taskTip, baseTip], { cwd: repo, okCodes: [1] });
  if (contained.code === 0) return { status: 'merged', commit: baseTip, alreadyMerged: true, updatedCheckout: null };

  const check = await checkMerge(repo, baseTip, taskTip);
  if (!check.clean) return { status: 'conflict', files: check.conflicts };

  const checkout = (await listCheckouts(repo)).find((c) => c.branch === baseBranch && !c.bare) ?? null;
  if (checkout) {
    const dirty = await git(['status', '--porcelain=v1', '-z', '--untracked-files=no'], { cwd: checkout.path });
    if (dirty.stdout.length > 0) {
      // Name the files, so the user knows what to commit or stash.
      const files = statusPaths(dirty.stdout);
      const named = files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
      return {
        status: 'refused',
        reason: `"${baseBranch}" is checked out at ${checkout.path} with uncommitted changes (${named}). Commit or stash them there, then merge again.`,
        path: checkout.path,
      };
    }
  }

  const env = await commitIdentityEnv(repo);
  const commit = await gitLine(['commit-tree', check.tree, '-p', baseTip, '-p', taskTip, '-m', message], { cwd: repo, env });

  if (checkout) {
    // git's fast-forward updates the ref and the files together, and refuses rather than
    // overwrite an untracked file or a change made since we looked.
    const ff = await git(['merge', '--ff-only', '-q', commit], { cwd: checkout.path, okCodes: [1, 128] });
    if (ff.code !== 0) {
      return {
        status: 'refused',
        reason: `git would not update the checkout of "${baseBranch}" at ${checkout.path}: ${ff.stderr.trim().split('\n')[0] ?? 'unknown reason'}`,
        path: checkout.path,
      };
    }
    return { status: 'merged', commit, alreadyMerged: false, updatedCheckout: checkout.path };
  }
  // Not checked out anywhere: move the ref only if nobody moved it since we read it.
  await git(['update-ref', '-m', message, `refs/heads/${baseBranch}`, commit, baseTip], { cwd: repo });
  return { status: 'merged', commit, alreadyMerged: false, updatedCheckout: null };
}
