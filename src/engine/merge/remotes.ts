/**
 * Remotes: pushing a task's branch, and opening a pull request with the GitHub CLI.
 * Everything runs through execFile with argument arrays.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PullRequestResult, PushResult } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import { git } from '../git/exec';

export const GH_INSTALL_HINT =
  'the GitHub CLI (gh) is not installed: get it from https://cli.github.com (e.g. "brew install gh" or "sudo apt install gh"), run "gh auth login", then try again';

/** The remote a task's work goes to: its base branch's remote, else origin, else the only one. */
export async function remoteFor(repo: string, baseBranch: string): Promise<string> {
  const configured = (await git(['config', '--get', `branch.${baseBranch}.remote`], { cwd: repo, okCodes: [1] })).stdout.trim();
  const remotes = (await git(['remote'], { cwd: repo })).stdout.split('\n').filter(Boolean);
  if (configured && configured !== '.' && remotes.includes(configured)) return configured;
  if (remotes.includes('origin')) return 'origin';
  if (remotes.length === 1) return remotes[0]!;
  throw new SwitchyardError('bad-state', remotes.length === 0 ? 'the repository has no remote to push to' : `the repository has several remotes (${remotes.join(', ')}) and none is "origin"`);
}

export async function pushBranch(repo: string, remote: string, branch: string): Promise<PushResult> {
  const r = await git(['push', '--porcelain', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`], { cwd: repo, okCodes: [1, 128] });
  const output = `${r.stdout}${r.stderr}`.trim();
  if (r.code !== 0) throw new SwitchyardError('git-failed', `pushing ${branch} to ${remote} failed: ${output.split('\n').slice(-3).join(' ')}`);
  return { remote, branch, output };
}

/** An executable named `name` on `searchPath`, or null. */
export function findOnPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

export function isGitHubUrl(url: string): boolean {
  return /^(https?:\/\/|ssh:\/\/git@|git@)(www\.)?github\.com[/:]/i.test(url.trim());
}

export interface PullRequestInput {
  repo: string;
  /** The branch whose remote the pull request goes to (the task's, or the plan's, base). */
  baseBranch: string;
  branch: string;
  target: string;
  title: string;
  body: string;
  toolPath: string;
}

export async function createPullRequest(i: PullRequestInput): Promise<PullRequestResult> {
  const gh = findOnPath('gh', i.toolPath);
  if (!gh) throw new SwitchyardError('not-found', GH_INSTALL_HINT);
  const remote = await remoteFor(i.repo, i.baseBranch);
  // The URL as configured (not rewritten by insteadOf): gh reads it the same way.
  const url = (await git(['config', '--get', `remote.${remote}.url`], { cwd: i.repo, okCodes: [1] })).stdout.trim();
  if (!isGitHubUrl(url)) throw new SwitchyardError('bad-state', `the remote "${remote}" (${url || 'no URL'}) is not on GitHub; push the branch and open the pull request where it is hosted`);
  const push = await pushBranch(i.repo, remote, i.branch);
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      gh,
      ['pr', 'create', '--title', i.title, '--body', i.body, '--head', i.branch, '--base', i.target],
      { cwd: i.repo, env: { ...process.env, PATH: i.toolPath, GH_PROMPT_DISABLED: '1', NO_COLOR: '1' }, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new SwitchyardError('internal', `gh pr create failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' ')}`));
        else resolve(stdout);
      },
    );
  });
  const prUrl = out.split('\n').map((l) => l.trim()).filter((l) => /^https?:\/\//.test(l)).pop();
  if (!prUrl) throw new SwitchyardError('internal', `gh pr create printed no pull request URL: ${out.trim().slice(0, 200)}`);
  return { url: prUrl, push };
}
