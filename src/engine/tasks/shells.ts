/**
 * Terminals beside the agent: a login shell (or a terminal editor) in the task's worktree,
 * owned by ptyd like the agent's own session, and closed when the task is cleaned up.
 */
import fs from 'node:fs';
import { SwitchyardError } from '../../shared/errors';
import type { TerminalInfo } from '../../shared/task';
import { loginShell } from '../agents/profiles';
import type { EngineContext } from '../context';
import { newId } from '../ids';

export class ShellTerminals {
  constructor(private readonly ctx: EngineContext) {}

  list(taskId: string): TerminalInfo[] {
    return this.ctx.store.terminals(taskId);
  }

  /** Opens a shell, or with `command` a program such as a terminal editor, in the worktree. */
  async open(taskId: string, command?: { file: string; args: string[]; title: string }): Promise<TerminalInfo> {
    const task = this.ctx.store.task(taskId);
    if (!task.worktreePath || task.cleanedUp || !fs.existsSync(task.worktreePath)) {
      throw new SwitchyardError('bad-state', 'the task has no worktree to open a terminal in; start it first');
    }
    const session = `${task.id}-sh${newId(5)}`;
    const count = this.list(taskId).length + 1;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ELECTRON_')) env[k] = v;
    // The environment every agent process gets applies to the shells beside it too.
    Object.assign(env, this.ctx.options.agentEnv);
    await this.ctx.requirePtyd().spawn({
      session,
      file: command?.file ?? loginShell(),
      args: command?.args ?? ['-l'],
      cwd: task.worktreePath,
      env: { ...env, TERM: 'xterm-256color', COLORTERM: 'truecolor', SWITCHYARD_TASK_ID: task.id, SWITCHYARD_WORKTREE: task.worktreePath },
      cols: this.ctx.options.cols ?? 120,
      rows: this.ctx.options.rows ?? 32,
      scrollback: this.ctx.settings().scrollback,
    });
    this.ctx.store.addTerminal({ sessionId: session, taskId, kind: 'shell', title: command?.title ?? `Shell ${count}` });
    const info = this.list(taskId).find((t) => t.sessionId === session)!;
    this.ctx.emit({ type: 'terminal', taskId, session, state: 'started', exitCode: null, signal: null });
    return info;
  }

  async close(taskId: string, session: string): Promise<void> {
    const t = this.list(taskId).find((x) => x.sessionId === session);
    if (!t) throw new SwitchyardError('not-found', 'no such terminal on this task');
    await this.ctx.ptyd()?.dispose(session).catch(() => {});
    this.ctx.store.closeTerminal(session);
    this.ctx.emit({ type: 'terminal', taskId, session, state: 'exited', exitCode: null, signal: null });
  }

  /** A shell that exits by itself (the user typed `exit`) closes its tab. */
  onExit(session: string, exitCode: number | null, signal: number | null): boolean {
    const open = this.ctx.store.openTerminal(session);
    if (!open) return false;
    const { taskId } = open;
    if (open.kind !== 'shell') {
      // A setup, verify or reviewer run nobody waits for any more (the engine restarted): its
      // output stays readable in its tab.
      this.ctx.emit({ type: 'terminal', taskId, session, state: 'exited', exitCode, signal });
      return true;
    }
    this.ctx.store.closeTerminal(session);
    void this.ctx.ptyd()?.dispose(session).catch(() => {});
    this.ctx.emit({ type: 'terminal', taskId, session, state: 'exited', exitCode, signal });
    return true;
  }

  /** Shells whose sessions died with a terminal daemon close their tabs: nothing runs there. */
  forgetLost(sessions: readonly string[]): void {
    for (const session of sessions) {
      const open = this.ctx.store.openTerminal(session);
      if (open?.kind !== 'shell') continue;
      this.ctx.store.closeTerminal(session);
      this.ctx.emit({ type: 'terminal', taskId: open.taskId, session, state: 'exited', exitCode: null, signal: null });
    }
  }

  async closeAll(taskId: string): Promise<void> {
    for (const t of this.list(taskId)) await this.close(taskId, t.sessionId);
  }
}
