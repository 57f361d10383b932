/**
 * Task worktrees and branches: creating them, saying what removing them would lose, and
 * removing them only when nothing would be lost or the user has confirmed the loss.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SwitchyardError } from '../../shared/errors';
import type { LostWork } from '../../shared/contract';
import { git } from './exec';
import { branchExists, isValidBranchName, listCheckouts } from './repository';

/** A short, safe branch and folder slug from a task title, whatever characters it holds. */
export function slugify(title: string, max = 40): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, max).replace(/-+$/g, '');
  return cut || 'task';
}

export interface CreateWorktree {
  repo: string;
  branch: string;
  baseBranch: string;
  worktreePath: string;
}

export async function createWorktree(w: CreateWorktree): Promise<void> {
  if (!(await isValidBranchName(w.repo, w.branch))) {
    throw new SwitchyardError('invalid-input', `"${w.branch}" is not a valid branch name`);
  }
  if (!(await branchExists(w.repo, w.baseBranch))) {
    throw new SwitchyardError('unknown-branch', `the base branch "${w.baseBranch}" does not exist`);
  }
  if (await branchExists(w.repo, w.branch)) {
    throw new SwitchyardError('branch-exists', `a branch named "${w.branch}" already exists; it was left untouched`);
  }
  if (fs.existsSync(w.worktreePath) && fs.readdirSync(w.worktreePath).length > 0) {
    throw new SwitchyardError('invalid-input', `the worktree folder ${w.worktreePath} already exists and is not empty`);
  }
  fs.mkdirSync(path.dirname(w.worktreePath), { recursive: true });
  await git(['worktree', 'add', '-b', w.branch, '--', w.worktreePath, `refs/heads/${w.baseBranch}`], { cwd: w.repo });
}

/** Files that are not committed in a worktree, as `git status` names them. */
export async function uncommittedFiles(worktreePath: string): Promise<string[]> {
  if (!fs.existsSync(worktreePath)) return [];
  const out = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: worktreePath });
  return statusPaths(out.stdout);
}

/** The paths of `git status --porcelain=v1 -z` output. */
export function statusPaths(porcelainZ: string): string[] {
  const files: string[] = [];
  const fields = porcelainZ.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.length < 4) continue;
    files.push(f.slice(3));
    // A rename's entry is followed by its old path.
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  return files;
}

/**
 * Commits on `branch`, or on the worktree's HEAD, that no other local branch holds. HEAD counts because an agent may have detached it and committed there: removing the
 * worktree would orphan those commits just as deleting the branch would.
 */
export async function unmergedCommits(repo: string, branch: string, worktreePath?: string): Promise<{ sha: string; subject: string }[]> {
  const tips: string[] = [];
  if (await branchExists(repo, branch)) tips.push(`refs/heads/${branch}`);
  if (worktreePath && fs.existsSync(worktreePath)) {
    const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: worktreePath, okCodes: [1, 128] });
    if (head.code === 0) tips.push(head.stdout.trim());
  }
  if (tips.length === 0) return [];
  const out = await git(
    // Remote-tracking refs do not count: a fetch --prune or a deleted PR branch removes them.
    ['log', '--format=%H%x09%s', ...tips, '--not', `--exclude=${branch}`, '--branches'],
    { cwd: repo },
  );
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      return { sha: line.slice(0, tab), subject: line.slice(tab + 1) };
    });
}

export async function whatRemovalWouldLose(repo: string, worktreePath: string, branch: string): Promise<LostWork> {
  const [uncommitted, commits] = await Promise.all([uncommittedFiles(worktreePath), unmergedCommits(repo, branch, worktreePath)]);
  return { uncommitted, unmergedCommits: commits };
}

export function losesNothing(lost: LostWork): boolean {
  return lost.uncommitted.length === 0 && lost.unmergedCommits.length === 0;
}

/**
 * Ignored entries in a worktree (dependencies, build output, local env files), collapsed to
 * their top-most ignored folder, as `git status --ignored` reports them.
 */
export async function ignoredEntries(worktreePath: string): Promise<string[]> {
  if (!fs.existsSync(worktreePath)) return [];
  const out = await git(['status', '--porcelain=v1', '-z', '--ignored=matching', '--untracked-files=normal'], { cwd: worktreePath });
  return out.stdout
    .split('\0')
    .filter((f) => f.startsWith('!! '))
    .map((f) => f.slice(3));
}

/** Removes the worktree and the branch. Callers check `whatRemovalWouldLose` first. */
export async function removeWorktreeAndBranch(repo: string, worktreePath: string, branch: string): Promise<void> {
  if (fs.existsSync(worktreePath)) {
    await git(['worktree', 'remove', '--force', '--', worktreePath], { cwd: repo });
  }
  await git(['worktree', 'prune'], { cwd: repo });
  if (await branchExists(repo, branch)) {
    await git(['branch', '-D', '--', branch], { cwd: repo });
  }
}

/**
 * Brings the base branch up to date from its remote (its upstream's, else origin) before a
 * task branches from it: fetch, then fast-forward only — in its checkout if it is checked out
 * and clean (git refuses to overwrite anything), else by moving the ref with compare-and-swap.
 * A base that has diverged, or a dirty checkout, is left alone and said so; the task then
 * branches from the local base, so its diff stays "what the agent did".
 */
export async function fastForwardBaseFromRemote(repo: string, baseBranch: string): Promise<string> {
  const configured = await git(['config', `branch.${baseBranch}.remote`], { cwd: repo, okCodes: [1] });
  const remotes = (await git(['remote'], { cwd: repo })).stdout.split('\n').filter(Boolean);
  const remote = configured.stdout.trim() || (remotes.includes('origin') ? 'origin' : remotes[0]);
  if (!remote) return `${baseBranch} has no remote to fetch from`;
  const fetched = await git(['fetch', '--quiet', '--no-tags', '--', remote, `refs/heads/${baseBranch}`], { cwd: repo, okCodes: [1, 128] });
  if (fetched.code !== 0) throw new SwitchyardError('git-failed', `could not fetch ${baseBranch} from ${remote}: ${fetched.stderr.trim().split('\n').pop() ?? ''}`);
  const tip = (await git(['rev-parse', 'FETCH_HEAD'], { cwd: repo })).stdout.trim();
  const local = (await git(['rev-parse', `refs/heads/${baseBranch}`], { cwd: repo })).stdout.trim();
  if (tip === local) return `${baseBranch} is up to date with ${remote}`;
  const behind = await git(['merge-base', '--is-ancestor', local, tip], { cwd: repo, okCodes: [1] });
  if (behind.code !== 0) return `${baseBranch} has commits ${remote} does not have; it was not moved`;
  const checkout = (await listCheckouts(repo)).find((c) => c.branch === baseBranch && !c.bare);
  if (checkout) {
    const ff = await git(['merge', '--ff-only', '-q', tip], { cwd: checkout.path, okCodes: [1, 128] });
    return ff.code === 0 ? `${baseBranch} fast-forwarded from ${remote}` : `${baseBranch} is checked out with changes at ${checkout.path}; it was not moved`;
  }
  await git(['update-ref', '-m', `fetch ${remote} ${baseBranch}`, `refs/heads/${baseBranch}`, tip, local], { cwd: repo });
  return `${baseBranch} fast-forwarded from ${remote}`;
}
