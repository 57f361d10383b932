/**
 * The one way this engine runs git: execFile with an argument array, never a shell string.
 * Output is captured whole; callers choose which exit codes are answers rather than errors.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { SwitchyardError } from '../../shared/errors';

export interface GitOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Exit codes other than 0 that are answers, not failures (e.g. merge-tree's 1 for conflicts). */
  okCodes?: number[];
  input?: string;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

const MAX_BUFFER = 256 * 1024 * 1024;

/** Keep git from prompting, paging or reading the user's editor while we drive it. */
const QUIET_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  GIT_EDITOR: 'true',
  GIT_OPTIONAL_LOCKS: '0',
  LC_ALL: 'C',
};

/** git's subcommand in `args`, past options such as `-c key=value`. */
function subcommand(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c' || args[i] === '-C') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}

/**
 * `git worktree` calls on one repository run one at a time: two `worktree add`s at once can
 * each read the other's half-written admin folder and fail ("failed to read …/commondir"),
 * which two plan tasks starting together would otherwise hit.
 */
const worktreeQueues = new Map<string, Promise<unknown>>();
function oneWorktreeCallAtATime<T>(cwd: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(cwd);
  const next = (worktreeQueues.get(key) ?? Promise.resolve()).catch(() => {}).then(fn);
  worktreeQueues.set(key, next);
  const forget = (): void => {
    if (worktreeQueues.get(key) === next) worktreeQueues.delete(key);
  };
  next.then(forget, forget);
  return next;
}

function run(args: string[], opts: GitOptions, encoding: 'utf8' | 'buffer'): Promise<{ stdout: string | Buffer; stderr: string; code: number }> {
  if (subcommand(args) === 'worktree') return oneWorktreeCallAtATime(opts.cwd, () => spawnGit(args, opts, encoding));
  return spawnGit(args, opts, encoding);
}

function spawnGit(args: string[], opts: GitOptions, encoding: 'utf8' | 'buffer'): Promise<{ stdout: string | Buffer; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: opts.cwd, env: { ...process.env, ...QUIET_ENV, ...opts.env }, maxBuffer: MAX_BUFFER, encoding },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : -1) : 0;
        if (err && code === -1) {
          const e = err as NodeJS.ErrnoException;
          if (e.code === 'ENOENT') {
            reject(new SwitchyardError('git-failed', `git is not installed or ${opts.cwd} does not exist`));
            return;
          }
          reject(new SwitchyardError('git-failed', `git ${args[0]} failed: ${e.message}`));
          return;
        }
        resolve({ stdout, stderr: stderr.toString(), code });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function check(args: string[], opts: GitOptions, code: number, stderr: string): void {
  if (code === 0 || opts.okCodes?.includes(code)) return;
  const detail = stderr.trim().split('\n').slice(-3).join(' ');
  throw new SwitchyardError('git-failed', `git ${args.join(' ')} failed (exit ${code}): ${detail}`);
}

export async function git(args: string[], opts: GitOptions): Promise<GitResult> {
  const r = await run(args, opts, 'utf8');
  check(args, opts, r.code, r.stderr);
  return { stdout: r.stdout as string, stderr: r.stderr, code: r.code };
}

export async function gitBuffer(args: string[], opts: GitOptions): Promise<{ stdout: Buffer; code: number }> {
  const r = await run(args, opts, 'buffer');
  check(args, opts, r.code, r.stderr);
  return { stdout: r.stdout as Buffer, code: r.code };
}

/** Trimmed stdout of a successful git call. */
export async function gitLine(args: string[], opts: GitOptions): Promise<string> {
  return (await git(args, opts)).stdout.trim();
}
