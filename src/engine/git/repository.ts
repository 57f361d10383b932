/** Opening a repository: what it is, and the clear reasons it cannot be used. */
import fs from 'node:fs';
import path from 'node:path';
import { SwitchyardError } from '../../shared/errors';
import { git, gitLine } from './exec';

export interface RepositoryInfo {
  /** The top of the working tree. */
  root: string;
  currentBranch: string | null;
}

export async function inspectRepository(dir: string): Promise<RepositoryInfo> {
  const abs = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new SwitchyardError('not-a-directory', `${abs} does not exist`);
  }
  if (!stat.isDirectory()) throw new SwitchyardError('not-a-directory', `${abs} is not a folder`);

  const bare = await git(['rev-parse', '--is-bare-repository'], { cwd: abs, okCodes: [128] });
  if (bare.code !== 0) {
    throw new SwitchyardError('not-a-repository', `${abs} is not a git repository. Run "git init" there first, or pick another folder.`);
  }
  if (bare.stdout.trim() === 'true') {
    throw new SwitchyardError('bare-repository', `${abs} is a bare repository: it has no working tree to branch from. Open a clone of it instead.`);
  }
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: abs, okCodes: [128] });
  if (top.code !== 0) {
    throw new SwitchyardError('not-a-repository', `${abs} is inside a git directory, not a working tree.`);
  }
  const root = top.stdout.trim();
  const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: root, okCodes: [1, 128] });
  if (head.code !== 0) {
    throw new SwitchyardError('no-commits', `${root} has no commits yet. Make a first commit, then open it again.`);
  }
  return { root, currentBranch: await currentBranch(root) };
}

/**
 * The repository that holds `dir` (its working tree, or its git directory when `dir` is inside
 * one), or null. `dir` need not exist yet: its nearest existing ancestor is asked.
 */
export async function repositoryContaining(dir: string): Promise<string | null> {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe) || !fs.statSync(probe).isDirectory()) probe = path.dirname(probe);
  const gitDir = await git(['rev-parse', '--absolute-git-dir'], { cwd: probe, okCodes: [128] });
  if (gitDir.code !== 0) return null;
  const top = await git(['rev-parse', '--show-toplevel'], { cwd: probe, okCodes: [128] });
  return top.code === 0 && top.stdout.trim() ? top.stdout.trim() : gitDir.stdout.trim();
}

export async function currentBranch(cwd: string): Promise<string | null> {
  const r = await git(['symbolic-ref', '--short', '-q', 'HEAD'], { cwd, okCodes: [1] });
  return r.code === 0 ? r.stdout.trim() : null;
}

export async function listBranches(cwd: string): Promise<string[]> {
  const out = await git(['for-each-ref', '--format=%(refname:short)', '--sort=refname', 'refs/heads'], { cwd });
  return out.stdout.split('\n').filter(Boolean);
}

export async function branchExists(cwd: string, branch: string): Promise<boolean> {
  const r = await git(['show-ref', '--verify', '-q', `refs/heads/${branch}`], { cwd, okCodes: [1] });
  return r.code === 0;
}

export async function resolveCommit(cwd: string, rev: string): Promise<string> {
  return gitLine(['rev-parse', '--verify', '-q', `${rev}^{commit}`], { cwd });
}

export async function isValidBranchName(cwd: string, name: string): Promise<boolean> {
  const r = await git(['check-ref-format', '--branch', name], { cwd, okCodes: [1, 128] });
  return r.code === 0;
}

/** Every checkout (main and linked worktrees), its branch, and whether git marks it locked or prunable. */
export interface Checkout {
  path: string;
  branch: string | null;
  bare: boolean;
  /** Locked: by the user, or by a `git worktree add` that never finished ("initializing"). */
  locked: boolean;
  /** Its folder is gone; `git worktree prune` would drop it. */
  prunable: boolean;
}

export async function listCheckouts(cwd: string): Promise<Checkout[]> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd });
  const result: Checkout[] = [];
  let cur: Checkout | null = null;
  for (const field of out.stdout.split('\0')) {
    if (field === '') {
      if (cur) result.push(cur);
      cur = null;
      continue;
    }
    if (field.startsWith('worktree ')) cur = { path: field.slice('worktree '.length), branch: null, bare: false, locked: false, prunable: false };
    else if (cur && field.startsWith('branch refs/heads/')) cur.branch = field.slice('branch refs/heads/'.length);
    else if (cur && field === 'bare') cur.bare = true;
    else if (cur && (field === 'locked' || field.startsWith('locked '))) cur.locked = true;
    else if (cur && (field === 'prunable' || field.startsWith('prunable '))) cur.prunable = true;
  }
  if (cur) result.push(cur);
  return result;
}
