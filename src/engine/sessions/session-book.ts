/**
 * Sessions in ptyd and tasks in the store, brought back in line after a crash. An agent that
 * was started just before the engine died, before it could be recorded, is bound to its task
 * again; the engine's own helper runs (verify, reviewer, setup) that nobody recorded are
 * stopped, since their tasks run them again; anything else is an orphan, shown to the user,
 * who adopts or kills it. Nothing here kills an agent on its own judgement.
 */
import fs from 'node:fs';
import type { OrphanSession } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { SessionInfo } from '../../shared/ptyd-protocol';
import { STARTABLE_STATES, type Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { currentBranch, listCheckouts } from '../git/repository';
import { newId } from '../ids';
import type { TaskRunner } from '../tasks/runner';

/** What a session id says about who started it: `<task>-<6 chars>` is an agent, `<task>-<kind><5 chars>` a helper. */
export type SessionKind = 'agent' | 'shell' | 'verify' | 'reviewer' | 'setup' | 'teardown' | 'candidate';

const HELPER_KINDS: Record<string, SessionKind> = { sh: 'shell', vf: 'verify', rv: 'reviewer', su: 'setup', td: 'teardown', cv: 'candidate' };

export function parseSessionId(session: string): { taskId: string; kind: SessionKind } | null {
  const m = /^([A-Za-z0-9_]+)-([a-z0-9]+)$/.exec(session);
  if (!m) return null;
  const [, taskId, suffix] = m as unknown as [string, string, string];
  if (suffix.length === 6) return { taskId, kind: 'agent' };
  const kind = suffix.length === 7 ? HELPER_KINDS[suffix.slice(0, 2)] : undefined;
  return kind ? { taskId, kind } : null;
}

/** How long a new session may go unrecorded before it counts as an orphan. */
const RECORDING_GRACE_MS = 10_000;
/** Sessions per `reap` request (ptyd accepts a bounded list). */
const REAP_BATCH = 500;

export class SessionBook {
  private orphans: OrphanSession[] = [];
  /** Sessions that were in ptyd when this engine connected: none of them is one it is starting. */
  private readonly settled = new Set<string>();
  private recheck: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly runner: TaskRunner,
  ) {}

  /**
   * Called on every connection to ptyd, after running tasks were reconciled. `lost` are the
   * sessions the store thought were running that ptyd no longer has: whatever of them
   * survived a dead ptyd (an agent that ignores SIGHUP) is stopped, as it has no terminal left.
   */
  async reconcile(sessions: SessionInfo[], lost: string[]): Promise<void> {
    const ptyd = this.ctx.requirePtyd();
    for (let i = 0; i < lost.length; i += REAP_BATCH) {
      const batch = lost.slice(i, i + REAP_BATCH);
      try {
        const { killed } = await ptyd.reap(batch);
        if (killed > 0) this.note(batch, `the terminal daemon stopped; what its agents left running was stopped (${killed} process(es) in all)`);
      } catch (err) {
        this.note(batch, `could not look for processes left behind by the terminal daemon that stopped: ${(err as Error).message}`);
      }
    }
    for (const s of sessions) {
      if (this.ctx.store.isKnownSession(s.session)) continue;
      const owner = parseSessionId(s.session);
      const task = owner ? this.ctx.store.findTask(owner.taskId) : null;
      if (!owner || !task) continue;
      if (owner.kind === 'agent' && this.canRebind(task, s)) {
        await this.rebindLocked(task.id, s.session);
        continue;
      }
      if (owner.kind !== 'agent' && owner.kind !== 'shell') {
        // A verify, reviewer or setup run whose start was never recorded: its task runs it again.
        await ptyd.dispose(s.session).catch(() => {});
        this.ctx.store.addNote(task.id, `stopped an unrecorded ${owner.kind} run (${s.session}) left by an engine that stopped`);
      }
    }
    for (const s of sessions) this.settled.add(s.session);
    await this.refresh();
  }

  /** Under the task's lock, with the session as ptyd has it now (it may have exited meanwhile). */
  private rebindLocked(taskId: string, session: string): Promise<Task | null> {
    return this.ctx.locks.run(taskId, async () => {
      const now = (await this.ctx.requirePtyd().list()).find((x) => x.session === session);
      const task = this.ctx.store.task(taskId);
      if (!now || this.ctx.store.isKnownSession(session) || !this.canRebind(task, now)) return null;
      return this.runner.rebind(taskId, now);
    });
  }

  private canRebind(task: Task, s: SessionInfo): boolean {
    return STARTABLE_STATES.includes(task.state) && !task.cleanedUp && task.worktreePath === s.cwd;
  }

  private note(sessions: string[], text: string): void {
    const tasks = new Set(sessions.map((s) => parseSessionId(s)?.taskId).filter((id): id is string => !!id && this.ctx.store.findTask(id) !== null));
    for (const taskId of tasks) this.ctx.store.addNote(taskId, text);
  }

  /**
   * The orphans now: every session in ptyd that no task owns. Emits when the list changed.
   * A session a few seconds old may be one this engine is still recording (spawned, not yet
   * written down): it counts only once it is older, or when it predates this connection.
   */
  async refresh(): Promise<OrphanSession[]> {
    const ptyd = this.ctx.ptyd();
    if (!ptyd) return this.orphans;
    const sessions = await ptyd.list();
    const next: OrphanSession[] = [];
    let young = false;
    for (const s of sessions) {
      if (this.ctx.store.isKnownSession(s.session)) continue;
      if (!this.settled.has(s.session) && Date.now() - s.startedAt < RECORDING_GRACE_MS) {
        young = true;
        continue;
      }
      next.push({ ...(await this.adoption(s)), session: s.session, pid: s.pid, cwd: s.cwd, alive: s.alive, exitCode: s.exitCode, signal: s.signal, startedAt: s.startedAt });
    }
    if (young && !this.recheck) {
      this.recheck = setTimeout(() => {
        this.recheck = null;
        void this.refresh().catch(() => {});
      }, RECORDING_GRACE_MS);
      this.recheck.unref();
    }
    if (JSON.stringify(next) !== JSON.stringify(this.orphans)) {
      this.orphans = next;
      this.ctx.emit({ type: 'orphans', orphans: next });
    }
    return next;
  }

  list(): Promise<OrphanSession[]> {
    return this.refresh();
  }

  /** Whether, and to what, an orphan can be adopted. */
  private async adoption(s: SessionInfo): Promise<Pick<OrphanSession, 'adoptable' | 'why' | 'taskId' | 'projectId'>> {
    const owner = parseSessionId(s.session);
    const task = owner ? this.ctx.store.findTask(owner.taskId) : null;
    if (task) {
      if (owner?.kind !== 'agent') return refuse(`it is a ${owner?.kind} terminal of task "${task.title}", not its agent`, task);
      if (task.cleanedUp) return refuse(`its task "${task.title}" has had its worktree removed`, task);
      if (!STARTABLE_STATES.includes(task.state)) return refuse(`its task "${task.title}" is ${task.state} with another session`, task);
      if (task.worktreePath !== s.cwd) return refuse(`it runs in ${s.cwd}, not in its task's worktree`, task);
      return { adoptable: true, why: null, taskId: task.id, projectId: task.projectId };
    }
    const home = await this.worktreeOf(s.cwd);
    if (!home) return refuse('its folder is not a worktree of an open project');
    if (home.taskId) return refuse(`its folder is the worktree of task "${this.ctx.store.task(home.taskId).title}"`);
    return { adoptable: true, why: null, taskId: null, projectId: home.projectId };
  }

  /** The project whose linked worktree `cwd` is (never its main checkout), and the task using it, if any. */
  private async worktreeOf(cwd: string): Promise<{ projectId: string; branch: string; taskId: string | null } | null> {
    let real: string;
    try {
      real = fs.realpathSync(cwd);
    } catch {
      return null;
    }
    for (const project of this.ctx.store.projects()) {
      const checkouts = await listCheckouts(project.path).catch(() => []);
      const hit = checkouts.slice(1).find((c) => realOrSelf(c.path) === real);
      if (!hit?.branch) continue;
      const user = this.ctx.store.tasks(project.id).find((t) => !t.cleanedUp && t.worktreePath !== null && realOrSelf(t.worktreePath) === real);
      return { projectId: project.id, branch: hit.branch, taskId: user?.id ?? null };
    }
    return null;
  }

  /** Adopt and kill of one session, one at a time: a double click must not make two tasks. */
  private orphanOp<T>(session: string, fn: () => Promise<T>): Promise<T> {
    return this.ctx.locks.run(`orphan:${session}`, fn);
  }

  adopt(session: string): Promise<Task> {
    return this.orphanOp(session, async () => {
      const orphan = (await this.refresh()).find((o) => o.session === session);
      if (!orphan) throw new SwitchyardError('not-found', `no orphan session ${session}`);
      if (!orphan.adoptable) throw new SwitchyardError('bad-state', `session ${session} cannot be adopted: ${orphan.why}`);
      const taskId = orphan.taskId ?? (await this.taskForWorktree(session, orphan));
      const task = await this.rebindLocked(taskId, session);
      if (!task) throw new SwitchyardError('bad-state', `session ${session} changed while it was being adopted; look again`);
      await this.refresh();
      return task;
    });
  }

  /** A new task for the worktree an orphan runs in, on the branch checked out there. */
  private async taskForWorktree(session: string, orphan: OrphanSession): Promise<string> {
    const home = await this.worktreeOf(orphan.cwd);
    if (!home || home.taskId || !orphan.projectId) throw new SwitchyardError('bad-state', `session ${session} cannot be adopted any more: its folder has another owner now`);
    const { store } = this.ctx;
    const project = store.project(orphan.projectId);
    const base = await currentBranch(project.path);
    if (!base || base === home.branch) throw new SwitchyardError('bad-state', `cannot tell which branch ${home.branch} would merge into: check out the base branch in ${project.path} first`);
    const created = store.atomically(() => {
      const t = store.createTask({
        id: newId(),
        projectId: project.id,
        title: `Adopted session ${session}`,
        prompt: '',
        baseBranch: base,
        agent: this.ctx.settings().defaultAgent ?? { profile: 'shell' },
      });
      store.addNote(t.id, `adopted session ${session} (pid ${orphan.pid}), found running in ${orphan.cwd} with no task; its command was not recorded`);
      return store.patchTask(t.id, { branch: home.branch, worktreePath: orphan.cwd });
    });
    return this.ctx.taskChanged(created).id;
  }

  kill(session: string): Promise<null> {
    return this.orphanOp(session, async () => {
      if (!(await this.refresh()).some((o) => o.session === session)) throw new SwitchyardError('not-found', `no orphan session ${session}; a task's session is stopped with the task`);
      await this.ctx.requirePtyd().dispose(session);
      await this.refresh();
      return null;
    });
  }

  /** A session ended: if it was an orphan, the list changes. */
  onExit(session: string): void {
    if (this.orphans.some((o) => o.session === session)) void this.refresh().catch(() => {});
  }
}

function refuse(why: string, task?: Task): Pick<OrphanSession, 'adoptable' | 'why' | 'taskId' | 'projectId'> {
  return { adoptable: false, why, taskId: task?.id ?? null, projectId: task?.projectId ?? null };
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
