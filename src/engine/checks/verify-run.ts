/**
 * One run of the verify command: uncommitted work is committed first (an "agent work" commit),
 * so what is verified is exactly what would merge; then the command runs in the worktree in its
 * own terminal, with a timeout. Pass, fail, exit code, duration and the log are recorded.
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

export interface VerifyDeps {
  ctx: EngineContext;
  waiter: SessionWaiter;
  runs: ChecksStore;
  env: (task: Task) => Record<string, string>;
  /** Called with the session once it runs, so a stop can kill it. */
  onSession: (session: string) => void;
}

export async function runVerify(d: VerifyDeps, task: Task, verify: NonNullable<EffectiveChecks['verify']>, attempt: number, trigger: VerifyTrigger): Promise<VerifyRun> {
  const { ctx, runs } = d;
  const worktree = task.worktreePath!;
  let agentWorkCommit: string | null = null;
  const pending = await uncommittedFiles(worktree);
  if (pending.length > 0) {
    agentWorkCommit = await commitAll(worktree, `agent work: ${task.title}`);
    ctx.store.addNote(task.id, `committed ${pending.length} uncommitted file${pending.length === 1 ? '' : 's'} as "agent work: ${task.title}" (${agentWorkCommit.slice(0, 10)}) before verify`);
  }
  const commit = await gitLine(['rev-parse', 'HEAD'], { cwd: worktree });
  const id = runs.startVerify({ taskId: task.id, attempt, trigger, command: verify.display, commit, agentWorkCommit });
  const env = d.env(task);
  let argv: string[];
  try {
    argv = [resolveExecutable(verify.argv[0]!, worktree, env.PATH), ...verify.argv.slice(1)];
  } catch (err) {
    const error = (err as Error).message.replace(/the agent command/, 'the verify command');
    runs.endVerify(id, { status: 'error', exitCode: null, tail: '', log: '', logTruncated: false, error });
    return runs.verifyRuns(task.id).find((r) => r.id === id)!;
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
    });
    const status = r.timedOut ? 'timeout' : r.code === 0 ? 'passed' : 'failed';
    const error = r.timedOut ? `timed out after ${verify.timeoutSec}s; its processes were stopped` : r.code === null ? 'the terminal daemon went away during verify' : null;
    runs.endVerify(id, { status, exitCode: r.code, tail: tailOf(r.lines, VERIFY_TAIL_LINES, VERIFY_TAIL_CHARS), log: r.lines.join('\n'), logTruncated: r.truncated, error });
  } catch (err) {
    runs.endVerify(id, { status: 'error', exitCode: null, tail: '', log: '', logTruncated: false, error: `could not run the verify command: ${(err as Error).message}` });
  }
  return runs.verifyRuns(task.id).find((r) => r.id === id)!;
}
