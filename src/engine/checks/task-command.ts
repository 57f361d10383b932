/**
 * Runs one command as a terminal of a task (a verify run, the reviewer): a ptyd session in the
 * worktree, recorded so the UI shows it live and keeps it readable, with a timeout that stops
 * its whole process tree. Returns how it ended and its output as text.
 */
import type { Task, TerminalInfo } from '../../shared/task';
import type { EngineContext } from '../context';
import type { SessionExit, SessionWaiter } from '../tasks/session-waiter';

export interface TaskCommand {
  task: Task;
  session: string;
  kind: TerminalInfo['kind'];
  title: string;
  argv: string[];
  env: Record<string, string>;
  timeoutMs: number;
  /** The most output lines kept (older ones are dropped). */
  maxLines?: number;
  /** Asked right after the spawn: a stop that came while it was starting kills it at once. */
  aborted?: () => boolean;
  /** Where it runs; the task's worktree unless given (a merge candidate's checkout). */
  cwd?: string;
}

export interface TaskCommandResult {
  exit: SessionExit;
  /** The exit code, or 128 + signal; null when neither is known (ptyd went away). */
  code: number | null;
  timedOut: boolean;
  lines: string[];
  truncated: boolean;
  startedAt: number;
  endedAt: number;
}

/** Throws when the command cannot be started at all. */
export async function runTaskCommand(ctx: EngineContext, waiter: SessionWaiter, cmd: TaskCommand): Promise<TaskCommandResult> {
  const ptyd = ctx.requirePtyd();
  const { task, session } = cmd;
  const exited = waiter.wait(session, ptyd);
  const startedAt = Date.now();
  try {
    await ptyd.spawn({
      session,
      file: cmd.argv[0]!,
      args: cmd.argv.slice(1),
      cwd: cmd.cwd ?? task.worktreePath!,
      env: cmd.env,
      cols: ctx.options.cols ?? 120,
      rows: ctx.options.rows ?? 32,
    });
  } catch (err) {
    waiter.forget(session);
    throw err;
  }
  ctx.store.addTerminal({ sessionId: session, taskId: task.id, kind: cmd.kind, title: cmd.title });
  ctx.emit({ type: 'terminal', taskId: task.id, session, state: 'started', exitCode: null, signal: null });
  if (cmd.aborted?.()) void ptyd.kill(session).catch(() => {});
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // ptyd's kill takes the whole tree: TERM, a grace period, then KILL.
    void ptyd.kill(session).catch(() => {});
  }, cmd.timeoutMs);
  const exit = await exited;
  clearTimeout(timer);
  const endedAt = Date.now();
  // Whatever it left running (a test server, a watcher) goes with it, so the next run finds its ports free.
  await ptyd.kill(session).catch(() => {});
  ctx.emit({ type: 'terminal', taskId: task.id, session, state: 'exited', exitCode: exit.exitCode, signal: exit.signal });
  const transcript = await ptyd.transcript(session, cmd.maxLines ?? 20_000).catch(() => ({ lines: [] as string[], truncated: false }));
  const code = exit.exitCode ?? (exit.signal ? 128 + exit.signal : null);
  return { exit, code, timedOut, lines: transcript.lines, truncated: transcript.truncated, startedAt, endedAt };
}

/** The last `maxLines` lines, and at most `maxChars` characters from the end. */
export function tailOf(lines: string[], maxLines: number, maxChars: number): string {
  const text = lines.slice(-maxLines).join('\n');
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars + 1)}`;
}
