/**
 * Watches running agents for being stuck (no output and no file changes in the worktree for the
 * task's stuck period, while not waiting for input) and for going over their wall-clock budget
 * (the sum of the task's agent runs). Either raises a flag and a notification, then applies the
 * configured policy: notify, nudge (type a nudge), restart (stop and resume; counts against the
 * retry limit), or stop. Every action is written to the task's event log.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EffectiveChecks, SupervisionPolicy } from '../../shared/checks';
import type { AttentionReason } from '../../shared/contract';
import type { Task } from '../../shared/task';
import type { ChecksResolver } from '../checks/effective';
import type { EngineContext } from '../context';
import { Ticker } from './ticker';
import { git } from '../git/exec';
import type { StartOptions, StopOptions } from '../tasks/runner';

export interface WatchdogDeps {
  checks: ChecksResolver;
  raise: (task: Task, reason: AttentionReason, detail: string) => void;
  nudge: (taskId: string, message: string) => Promise<unknown>;
  stop: (taskId: string, opts: StopOptions) => Promise<Task>;
  start: (taskId: string, opts: StartOptions) => Promise<Task>;
}

export const NUDGE_MESSAGE =
  'Switchyard: you have printed nothing and changed no files for a while. If you are still working, carry on; if you are done, finish and exit; if you need an answer, ask for it.';
export const BUDGET_NUDGE_MESSAGE = 'Switchyard: this task is over its time budget. Wrap up now: commit what works, say what is left, and exit.';

/** How many changed files are looked at for their modification times. */
const MAX_FILES_STATTED = 500;

export class Watchdog {
  private readonly ticker: Ticker;
  /** Per task: the worktree's change signature and when it last changed. */
  private readonly seen = new Map<string, { signature: string; changedAt: number }>();
  /** Flags the user dismissed: not raised again until the agent moves (stuck) or runs again (budget). */
  private readonly dismissed = { stuck: new Set<string>(), overBudget: new Set<string>() };

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: WatchdogDeps,
    intervalMs = 5000,
  ) {
    this.ticker = new Ticker(intervalMs, () => this.tick());
  }

  start(): void {
    this.ticker.start();
  }

  stop(): void {
    this.ticker.stop();
  }

  /** The user dismissed the flag: leave the task be until it moves, or runs again. */
  dismiss(taskId: string, flag: 'stuck' | 'overBudget'): void {
    this.dismissed[flag].add(taskId);
  }

  tick(now = Date.now()): Promise<void> {
    return this.ticker.run(async () => {
      const running = this.ctx.store.tasksInStates(['running']);
      const ids = new Set(running.map((t) => t.id));
      for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
      for (const set of Object.values(this.dismissed)) for (const id of set) if (!ids.has(id)) set.delete(id);
      for (const task of running) await this.check(task, now).catch(() => {});
    });
  }

  private async check(task: Task, now: number): Promise<void> {
    const client = this.ctx.ptyd();
    if (!task.sessionId || !client || !task.worktreePath) return;
    const checks = await this.deps.checks.forTask(task.id);

    if (checks.budgetSec !== null && !task.flags.overBudget && !this.dismissed.overBudget.has(task.id)) {
      const used = this.ctx.store.runs(task.id).reduce((sum, r) => sum + ((r.endedAt ?? now) - r.startedAt), 0);
      const fresh = this.ctx.store.task(task.id);
      if (used > checks.budgetSec * 1000 && fresh.state === 'running' && fresh.sessionId === task.sessionId) await this.overBudget(fresh, checks, used);
    }

    if (checks.stuckAfterSec === null) return;
    const screen = await client.text(task.sessionId).catch(() => null);
    if (!screen?.alive) return;
    const current = this.ctx.store.task(task.id);
    if (current.state !== 'running' || current.sessionId !== task.sessionId) return;
    const limit = checks.stuckAfterSec * 1000;
    // Printing means working: no git needed to know that.
    // Waiting for the user (a question, or its turn ended) is not being stuck.
    if (screen.quietMs < limit || current.flags.needsInput || current.flags.yourTurn) {
      this.dismissed.stuck.delete(current.id);
      if (current.flags.stuck) this.setFlag(current.id, 'stuck', false, 'supervision: the agent moved again; no longer stuck');
      return;
    }
    const changedAt = await this.lastChange(current, now);
    const idleFor = Math.min(screen.quietMs, now - changedAt);
    if (idleFor < limit) {
      this.dismissed.stuck.delete(current.id);
      if (current.flags.stuck) this.setFlag(current.id, 'stuck', false, 'supervision: files changed; no longer stuck');
      return;
    }
    if (current.flags.stuck || this.dismissed.stuck.has(current.id)) return;
    await this.stuck(current, checks, idleFor);
  }

  /** When the worktree last changed: its status (and the times of the files in it) and HEAD. */
  private async lastChange(task: Task, now: number): Promise<number> {
    const wt = task.worktreePath!;
    const [status, head] = await Promise.all([
      git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: wt }),
      git(['log', '-1', '--format=%H %ct'], { cwd: wt, okCodes: [128] }),
    ]);
    const files = status.stdout.split('\0').filter(Boolean).map((e) => e.slice(3)).slice(0, MAX_FILES_STATTED);
    let newest = Number(head.stdout.trim().split(' ')[1] ?? 0) * 1000;
    const times: string[] = [];
    for (const f of files) {
      for (const p of [path.join(wt, f), path.dirname(path.join(wt, f))]) {
        try {
          const m = fs.statSync(p).mtimeMs;
          newest = Math.max(newest, m);
          times.push(`${f}:${m}`);
        } catch {
          // deleted: the status line says so
        }
      }
    }
    const signature = `${status.stdout}\0${head.stdout}\0${times.join(',')}`;
    const prev = this.seen.get(task.id);
    if (!prev || prev.signature !== signature) {
      // First look: trust the file times; later, any change in the signature is a change now.
      const changedAt = prev ? now : Math.min(now, Math.max(newest, task.stateChangedAt));
      this.seen.set(task.id, { signature, changedAt });
      return changedAt;
    }
    return prev.changedAt;
  }

  private async stuck(task: Task, checks: EffectiveChecks, idleMs: number): Promise<void> {
    const flagged = this.setFlag(task.id, 'stuck', true, `supervision: stuck — no output and no file changes for ${minutes(idleMs)}; policy ${checks.stuckPolicy}`);
    this.deps.raise(flagged, 'stuck', `No output and no file changes for ${minutes(idleMs)}`);
    await this.apply(flagged, checks.stuckPolicy, checks, 'stuck', NUDGE_MESSAGE);
  }

  private async overBudget(task: Task, checks: EffectiveChecks, usedMs: number): Promise<void> {
    const flagged = this.setFlag(task.id, 'overBudget', true, `supervision: over budget — ${minutes(usedMs)} of agent time, budget ${minutes(checks.budgetSec! * 1000)}; policy ${checks.budgetPolicy}`);
    this.deps.raise(flagged, 'over-budget', `Ran ${minutes(usedMs)}; the budget is ${minutes(checks.budgetSec! * 1000)}`);
    await this.apply(flagged, checks.budgetPolicy, checks, 'over budget', BUDGET_NUDGE_MESSAGE);
  }

  private async apply(task: Task, policy: SupervisionPolicy, checks: EffectiveChecks, what: string, nudge: string): Promise<void> {
    const { store } = this.ctx;
    // The agent may have moved on (finished, been stopped) while this tick looked at it.
    const now = store.task(task.id);
    if (now.state !== 'running' || now.sessionId !== task.sessionId) return;
    try {
      await this.act(now, policy, checks, what, nudge);
    } catch (err) {
      store.addNote(task.id, `supervision: the ${policy} policy failed (${what}): ${(err as Error).message}`);
    }
  }

  private async act(task: Task, policy: SupervisionPolicy, checks: EffectiveChecks, what: string, nudge: string): Promise<void> {
    const { store } = this.ctx;
    switch (policy) {
      case 'notify':
        return;
      case 'nudge': {
        await this.deps.nudge(task.id, nudge);
        store.addNote(task.id, `supervision: nudged the agent (${what})`);
        return;
      }
      case 'stop': {
        await this.deps.stop(task.id, { to: 'failed', reason: `stopped by supervision: ${what}` });
        return;
      }
      case 'restart': {
        const used = store.task(task.id).gate.autoRetries;
        if (used >= checks.retryLimit) {
          store.addNote(task.id, `supervision: not restarting (${what}); the retry limit of ${checks.retryLimit} is reached — it needs you`);
          return;
        }
        await this.deps.stop(task.id, { to: 'interrupted', reason: `stopped by supervision to restart it (${what})` });
        await waitFor(() => store.task(task.id).state !== 'running', 15_000);
        const t = store.task(task.id);
        store.patchTask(task.id, { gate: { ...t.gate, autoRetries: used + 1 } });
        await this.deps.start(task.id, {
          resume: true,
          automatic: true,
          prompt: `You were restarted by Switchyard because you were ${what}. Continue the task: ${t.prompt}`,
          reason: `restarted by supervision (${what}; retry ${used + 1} of ${checks.retryLimit})`,
        });
        return;
      }
    }
  }

  private setFlag(taskId: string, flag: 'stuck' | 'overBudget', value: boolean, note: string): Task {
    const t = this.ctx.store.task(taskId);
    this.ctx.store.addNote(taskId, note);
    return this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { flags: { ...t.flags, [flag]: value } }));
  }
}

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)}h ${m % 60}min`;
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}
