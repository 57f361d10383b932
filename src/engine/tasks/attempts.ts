/**
 * Attempts: one prompt started as 2–4 tasks at once, each with its own agent, worktree and
 * branch, sharing an attempt group. They are reviewed side by side (diff stats, the diff of any
 * two), and merging one closes the others: their agents stop, they are cancelled, and their
 * worktrees and branches go only where nothing would be lost. A loss is never confirmed here;
 * such an attempt is left, cancelled, for the user.
 */
import type { EngineEvent, ParsedInput } from '../../shared/contract';
import type { ChangedFile, FileContents } from '../../shared/diff';
import { SwitchyardError } from '../../shared/errors';
import { languageForPath } from '../../shared/languages';
import { isSafeRepoPath } from '../../shared/paths';
import { isCustomAgent, type AgentSpec } from '../../shared/agents';
import type { Project, Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { listChanges, readSide } from '../git/diff';
import { git } from '../git/exec';
import { newId } from '../ids';
import type { MergeFlow } from '../merge/merge-flow';
import { canTransition, LIVE_STATES } from './lifecycle';
import type { TaskManager } from './manage';
import type { TaskRunner } from './runner';

export const MIN_ATTEMPTS = 2;
export const MAX_ATTEMPTS = 4;
const MAX_TITLE = 200;

export interface AttemptDeps {
  runner: TaskRunner;
  mergeFlow: MergeFlow;
  manager: TaskManager;
}

export class Attempts {
  /** Merged attempts whose group has been (or is being) closed, so one merge closes it once. */
  private readonly closed = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: AttemptDeps,
  ) {}

  // ---- creating ----

  async create(input: ParsedInput<'tasks.createAttempts'>): Promise<Task[]> {
    const { store } = this.ctx;
    const project = store.project(input.projectId);
    if (input.agents.length < MIN_ATTEMPTS || input.agents.length > MAX_ATTEMPTS) {
      throw new SwitchyardError('invalid-input', `attempts are ${MIN_ATTEMPTS} to ${MAX_ATTEMPTS}; a single task is tasks.create`);
    }
    // Every agent is checked before any task exists, so a bad one leaves no half a group behind.
    const names = input.agents.map((agent) => this.agentName(agent, project));
    const group = newId();
    const tasks: Task[] = [];
    for (const [i, agent] of input.agents.entries()) {
      const title = attemptTitle(input.title, i + 1, names[i]!);
      // The runner's own creation path: it checks the base branch and records the task queued.
      const created = await this.deps.runner.createTask({ projectId: project.id, title, prompt: input.prompt, baseBranch: input.baseBranch, agent, checks: input.checks, startNow: false });
      tasks.push(this.ctx.taskChanged(store.setAttempt(created.id, group, i + 1)));
    }
    if (!input.startNow) return tasks;
    // One at a time: each start adds a worktree to the same repository.
    const errors: Error[] = [];
    for (const [i, t] of tasks.entries()) {
      try {
        tasks[i] = await this.deps.runner.startTask(t.id);
      } catch (err) {
        errors.push(err as Error);
        store.addNote(t.id, `this attempt did not start: ${(err as Error).message}`);
        tasks[i] = store.task(t.id);
      }
    }
    // All failing is an error; some failing leaves those queued, each saying why, to start again.
    if (errors.length === tasks.length) throw errors[0]!;
    return tasks;
  }

  private agentName(agent: AgentSpec, project: Project): string {
    const profile = this.ctx.agents.requireProfile(agent, project.path);
    if (!isCustomAgent(agent)) return profile.name;
    return 'Custom';
  }

  // ---- reviewing side by side ----

  /** The task's attempt group by attempt number, with fresh diff stats (just the task when it has none). */
  async group(taskId: string): Promise<Task[]> {
    const task = this.ctx.store.task(taskId);
    const tasks = task.attemptGroup ? this.ctx.store.attemptGroup(task.attemptGroup) : [task];
    return Promise.all(tasks.map((t) => this.deps.manager.refreshDiffStat(t.id).catch(() => this.ctx.store.task(t.id))));
  }

  /** How attempt b's branch tip differs from attempt a's. */
  async compare(a: string, b: string): Promise<ChangedFile[]> {
    const { repo, from, to } = await this.tips(a, b);
    return listChanges(repo, from, to);
  }

  /** One file at attempt a's tip (original) and b's tip (modified). */
  async fileContents(input: ParsedInput<'tasks.compareFileContents'>): Promise<FileContents> {
    const oldPath = input.oldPath ?? null;
    for (const p of [input.path, oldPath]) {
      if (p !== null && !isSafeRepoPath(p)) throw new SwitchyardError('invalid-input', `"${p}" is not a path inside the repository`);
    }
    const { repo, from, to } = await this.tips(input.a, input.b);
    const [original, modified] = await Promise.all([readSide(repo, from, oldPath ?? input.path), readSide(repo, to, input.path)]);
    return { path: input.path, language: languageForPath(input.path), original, modified };
  }

  /** The commits at the two attempts' branch tips, in their repository. */
  private async tips(a: string, b: string): Promise<{ repo: string; from: string; to: string }> {
    const { store } = this.ctx;
    const [ta, tb] = [store.task(a), store.task(b)];
    if (ta.projectId !== tb.projectId) throw new SwitchyardError('invalid-input', 'only tasks of the same repository can be compared');
    const repo = store.project(ta.projectId).path;
    const tip = async (t: Task): Promise<string> => {
      if (!t.branch) throw new SwitchyardError('bad-state', `"${t.title}" has not started: it has no branch yet`);
      if (t.cleanedUp) throw new SwitchyardError('bad-state', `"${t.title}" has had its worktree and branch removed`);
      const r = await git(['rev-parse', '--verify', '-q', `refs/heads/${t.branch}^{commit}`], { cwd: repo, okCodes: [1, 128] });
      if (r.code !== 0) throw new SwitchyardError('bad-state', `the branch ${t.branch} of "${t.title}" no longer exists`);
      return r.stdout.trim();
    };
    const [from, to] = await Promise.all([tip(ta), tip(tb)]);
    return { repo, from, to };
  }

  // ---- choosing: merging one attempt closes the others ----

  /** Wired to the engine's events: an attempt that reaches done (by a merge) closes its group. */
  onEvent(e: EngineEvent): void {
    if (e.type !== 'task' || e.task.state !== 'done' || !e.task.attemptGroup || this.closed.has(e.task.id)) return;
    this.closed.add(e.task.id);
    const merged = e.task;
    // After the merge's own lock (its clean-up included), so two git clean-ups never race.
    const p = this.ctx.locks
      .run(merged.id, async () => {})
      .then(() => this.closeOthers(merged))
      .catch(() => {})
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every group closing under way has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async closeOthers(merged: Task): Promise<void> {
    const { store } = this.ctx;
    for (const other of store.attemptGroup(merged.attemptGroup!)) {
      if (other.id === merged.id) continue;
      try {
        await this.closeOne(other.id, merged);
      } catch (err) {
        store.addNote(other.id, `could not close this attempt after attempt ${merged.attemptIndex} was merged: ${(err as Error).message}`);
        this.ctx.taskChanged(store.task(other.id));
      }
    }
  }

  private async closeOne(taskId: string, merged: Task): Promise<void> {
    const { store } = this.ctx;
    const reason = `another attempt was merged (attempt ${merged.attemptIndex}: ${merged.title})`;
    let task = store.task(taskId);
    // Merged too, or being merged by the user right now: theirs to finish.
    if (task.state === 'done' || task.state === 'merging') return;
    if (LIVE_STATES.includes(task.state)) {
      await this.deps.runner.stopTask(taskId).catch((err: unknown) => {
        // It exited on its own meanwhile: nothing to stop.
        if (!(err instanceof SwitchyardError && err.code === 'bad-state')) throw err;
      });
      await waitUntil(() => !LIVE_STATES.includes(store.task(taskId).state), 10_000);
    }
    await this.ctx.locks.run(taskId, async () => {
      const cur = store.task(taskId);
      if (cur.state === 'cancelled') this.ctx.taskChanged(store.setStateReason(taskId, reason));
      else if (canTransition(cur.state, 'cancelled')) this.ctx.taskChanged(store.transition(taskId, 'cancelled', reason));
    });
    task = store.task(taskId);
    if (task.state !== 'cancelled' || !task.branch || !task.worktreePath || task.cleanedUp) return;
    // The clean-up rules: silently only when nothing would be lost; a loss is never confirmed here.
    const result = await this.deps.mergeFlow.cleanup(taskId, { confirmLoss: false, requireTypedBranch: true });
    if (result.status === 'removed') {
      store.addNote(taskId, 'worktree and branch removed: nothing in them would be lost');
    } else {
      const { uncommitted, unmergedCommits } = result.lost;
      const what = [
        uncommitted.length > 0 ? `${uncommitted.length} uncommitted file(s)` : '',
        unmergedCommits.length > 0 ? `${unmergedCommits.length} commit(s) on no other branch` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      store.addNote(taskId, `worktree and branch kept: removing them would lose ${what}; review, merge or discard this attempt yourself`);
    }
    this.ctx.taskChanged(store.task(taskId));
  }
}

/** "<title> · attempt 2 (Codex)", within the title limit. */
export function attemptTitle(title: string, index: number, agentName: string): string {
  const suffix = ` · attempt ${index} (${agentName})`;
  const room = MAX_TITLE - suffix.length;
  const base = title.length > room ? `${title.slice(0, Math.max(0, room - 1))}…` : title;
  return `${base}${suffix}`.slice(0, MAX_TITLE);
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new SwitchyardError('bad-state', 'the agent did not stop in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
