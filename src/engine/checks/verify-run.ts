/**
 * One run of the verify command, in the worktree in its own terminal, with a timeout. Pass,
 * fail, exit code, duration and the log are recorded. `commitAgentWork` comes first (the gate
 * calls it before verify and the reviewer), so what is checked is exactly what would merge.
 */
import type { EffectiveChecks, VerifyRun, VerifyTrigger } from '../../shared/checks';
import type { Task } from '../../shared/task';
import { resolveExecutable } from '../agents/resolve-executable';
import type { EngineContext } from '../context';
import { gitLine } from '../git/exec';
import { commitAll } from '../git/merge';
import { uncommittedFiles } from '../git/worktrees';
import { newId } from '../ids';
import type { SessionWaiter } from '../tasks/session-waiter';
import type { ChecksStore } from './checks-store';
import { runTaskCommand, tailOf } from './task-command';

export const VERIFY_TAIL_LINES = 60;
const VERIFY_TAIL_CHARS = 8000;

/** What a verify or reviewer run needs from the gate. */
export interface CheckRunDeps {
  ctx: EngineContext;
  waiter: SessionWaiter;
  runs: ChecksStore;
  env: (task: Task) => Record<string, string>;
  /** Called with the session before it is spawned, so a stop can kill it. */
  onSession: (session: string) => void;
  /** The user stopped the task: do not start, or stop at once. */
  aborted: () => boolean;
}

/** Commits whatever the agent left uncommitted as "agent work: <title>"; the commit, or null if there was nothing. */
export async function commitAgentWork(ctx: EngineContext, task: Task): Promise<string | null> {
  const worktree = task.worktreePath!;
  const pending = await uncommittedFiles(worktree);
  if (pending.length === 0) return null;
  const sha = await commitAll(worktree, `agent work: ${task.title}`);
  ctx.store.addNote(task.id, `committed ${pending.length} uncommitted file${pending.length === 1 ? '' : 's'} as "agent work: ${task.title}" (${sha.slice(0, 10)}) before checking it`);
  return sha;
}

/** A verify that could not even start (its work could not be committed), recorded as an attempt. */
export function recordVerifyError(d: Pick<CheckRunDeps, 'runs'>, task: Task, command: string, attempt: number, trigger: VerifyTrigger, error: string): VerifyRun {
  const id = d.runs.startVerify({ taskId: task.id, attempt, trigger, command, commit: null, agentWorkCommit: null });
  d.runs.endVerify(id, { status: 'error', exitCode: null, tail: '', log: '', logTruncated: false, error });
  return d.runs.verifyRuns(task.id).find((r) => r.id === id)!;
}

export async function runVerify(
  d: CheckRunDeps,
  task: Task,
  verify: NonNullable<EffectiveChecks['verify']>,
  attempt: number,
  trigger: VerifyTrigger,
  agentWorkCommit: string | null,
): Promise<VerifyRun> {
  const { ctx, runs } = d;
  const worktree = task.worktreePath!;
  const commit = await gitLine(['rev-parse', 'HEAD'], { cwd: worktree });
  const id = runs.startVerify({ taskId: task.id, attempt, trigger, command: verify.display, commit, agentWorkCommit });
  const done = (): VerifyRun => runs.verifyRuns(task.id).find((r) => r.id === id)!;
  const env = d.env(task);
  let argv: string[];
  try {
    argv = [resolveExecutable(verify.argv[0]!, worktree, env.PATH), ...verify.argv.slice(1)];
  } catch (err) {
    const error = (err as Error).message.replace(/the agent command/, 'the verify command');
    runs.endVerify(id, { status: 'error', exitCode: null, tail: '', log: '', logTruncated: false, error });
    return done();
  }
  if (d.aborted()) {
    runs.endVerify(id, { status: 'error', exitCode: null, tail: '', log: '', logTruncated: false, error: 'stopped by the user before it ran' });
    return done();
  }
  const session = `${task.id}-vf${newId(5)}`;
  runs.setVerifySession(id, session);
  d.onSession(session);
  try {
    const r = await runTaskCommand(ctx, d.waiter, {
      task,
      session,
      kind: 'verify',
      title: `Verify ${attempt}`,
      argv,
      env,
      timeoutMs: verify.timeoutSec * 1000,
      aborted: d.aborted,
    });
    const status = r.timedOut ? 'timeout' : r.code === 0 ? 'passed' : 'failed';
    const error = r.timedOut ? `timed out after ${verify.timeoutSec}s; its processes were stopped` : r.code === null ? 'the terminal daemon went away during verify' : null;
    runs.endVerify(id, { status, exitCode: r.code, tail: tailOf(r.lines, VERIFY_TAIL_LINES, VERIFY_TAIL_CHARS), log: r.lines.join('\n'), logTruncated: r.truncated, error });
  } catch (err) {
    runs.endVerify(id, { status: 'error', exitCode: null, tail: '', log: '', logTruncated: false, error: `could not run the verify command: ${(err as Error).message}` });
  }
  return done();
}
