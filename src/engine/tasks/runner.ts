/**
 * Running agents: creating tasks, starting them in a fresh (or their own) worktree through
 * ptyd, stopping them, and turning session exits into task states.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedInput } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { SessionInfo } from '../../shared/ptyd-protocol';
import type { Task, TaskState } from '../../shared/task';
import { isCustomAgent } from '../../shared/agents';
import { parseCommandLine } from '../../shared/command-line';
import { buildLaunch } from '../agents/profiles';
import type { EngineContext } from '../context';
import { currentBranch, listBranches } from '../git/repository';
import { createWorktree, slugify } from '../git/worktrees';
import { newId } from '../ids';
import { isInside } from '../paths';
import { LIVE_STATES } from './lifecycle';

type Exit = { exitCode: number | null; signal: number | null };

const STARTABLE: readonly TaskState[] = ['queued', 'interrupted', 'failed', 'review', 'cancelled'];

export class TaskRunner {
  /** Sessions the user asked to stop, so their exit reads as a stop, not a failure. */
  private readonly stopping = new Set<string>();
  /**
   * Sessions spawned but not yet recorded on their task, with their exit if it came first:
   * an agent that exits at once can beat the engine to it, and its exit must not be lost.
   */
  private readonly starting = new Map<string, Exit | null>();

  constructor(private readonly ctx: EngineContext) {}

  async createTask(input: ParsedInput<'tasks.create'>): Promise<Task> {
    const { store } = this.ctx;
    const project = store.project(input.projectId);
    // A command line that could never run (a pipe, a `;`) is bad input: refuse it before a
    // task exists. Whether the program is installed is checked when the task starts.
    if (isCustomAgent(input.agent)) parseCommandLine(input.agent.command);
    const baseBranch = input.baseBranch ?? (await currentBranch(project.path));
    if (!baseBranch) {
      throw new SwitchyardError('unknown-branch', `${project.path} has a detached HEAD; choose a base branch for the task`);
    }
    const branches = await listBranches(project.path);
    if (!branches.includes(baseBranch)) throw new SwitchyardError('unknown-branch', `the base branch "${baseBranch}" does not exist`);
    const task = this.ctx.taskChanged(
      store.createTask({ id: newId(), projectId: project.id, title: input.title, prompt: input.prompt, baseBranch, agent: input.agent }),
    );
    if (!input.startNow) return task;
    return this.startTask(task.id);
  }

  startTask(taskId: string): Promise<Task> {
    return this.ctx.locks.run(taskId, () => this.startLocked(taskId));
  }

  private async startLocked(taskId: string): Promise<Task> {
    const { store } = this.ctx;
    let task = store.task(taskId);
    if (LIVE_STATES.includes(task.state)) throw new SwitchyardError('bad-state', 'the task is already running');
    if (!STARTABLE.includes(task.state)) throw new SwitchyardError('bad-state', `a task that is ${task.state} cannot be started`);
    if (task.cleanedUp) throw new SwitchyardError('bad-state', 'the task’s worktree was removed; create a new task instead');
    const project = store.project(task.projectId);
    const ptyd = this.ctx.requirePtyd();

    if (!task.branch || !task.worktreePath) {
      const slug = slugify(task.title);
      const branch = `sy/${slug}-${task.id.slice(0, 6)}`;
      const worktreesDir = this.ctx.settings().worktreesDir;
      const worktreePath = path.join(worktreesDir, `${slugify(project.name, 30)}-${project.id.slice(0, 6)}`, `${slug}-${task.id.slice(0, 6)}`);
      if (isInside(project.path, worktreePath)) {
        throw new SwitchyardError('invalid-input', `the worktrees folder ${worktreesDir} is inside the repository; choose one outside it in settings`);
      }
      // Resolve the agent before creating anything, so a missing agent leaves nothing behind.
      buildLaunch(task.agent, task.prompt, project.path, this.agentEnv(task, worktreePath));
      await createWorktree({ repo: project.path, branch, baseBranch: task.baseBranch, worktreePath });
      task = store.patchTask(task.id, { branch, worktreePath });
    } else if (!fs.existsSync(task.worktreePath)) {
      throw new SwitchyardError('bad-state', `the task’s worktree ${task.worktreePath} is missing`);
    }

    const worktreePath = task.worktreePath!;
    const env = this.agentEnv(task, worktreePath);
    const launch = buildLaunch(task.agent, task.prompt, worktreePath, env);
    const sessionId = `${task.id}-${newId(6)}`;
    if (task.sessionId) await ptyd.dispose(task.sessionId).catch(() => {});
    this.starting.set(sessionId, null);
    let spawned = false;
    try {
      await ptyd.spawn({
        session: sessionId,
        file: launch.file,
        args: launch.args,
        cwd: worktreePath,
        env,
        cols: this.ctx.options.cols ?? 120,
        rows: this.ctx.options.rows ?? 32,
      });
      spawned = true;
      store.addRun({ id: newId(), taskId: task.id, sessionId, argv: [launch.file, ...launch.args] });
      const why = task.state === 'queued' ? `started ${describeAgent(task)}` : `restarted ${describeAgent(task)}`;
      this.ctx.taskChanged(store.transition(task.id, 'running', why, { sessionId, exitCode: null }));
      this.ctx.emit({ type: 'terminal', taskId: task.id, session: sessionId, state: 'started', exitCode: null, signal: null });
    } catch (err) {
      // An agent nobody records must not keep running in the worktree.
      if (spawned) await ptyd.dispose(sessionId).catch(() => {});
      this.starting.delete(sessionId);
      throw err;
    }
    const early = this.starting.get(sessionId);
    this.starting.delete(sessionId);
    if (early) this.onSessionExit(sessionId, early.exitCode, early.signal);
    return store.task(task.id);
  }

  private agentEnv(task: Task, worktreePath: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith('ELECTRON_') || k === 'SWITCHYARD_TOKEN') continue;
      env[k] = v;
    }
    return {
      ...env,
      ...this.ctx.options.agentEnv,
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      SWITCHYARD_TASK_ID: task.id,
      SWITCHYARD_WORKTREE: worktreePath,
    };
  }

  stopTask(taskId: string): Promise<Task> {
    return this.ctx.locks.run(taskId, async () => {
      const task = this.ctx.store.task(taskId);
      if (!LIVE_STATES.includes(task.state) || !task.sessionId) {
        throw new SwitchyardError('bad-state', 'the task has no running agent to stop');
      }
      this.stopping.add(task.sessionId);
      try {
        await this.ctx.requirePtyd().kill(task.sessionId);
      } catch (err) {
        this.stopping.delete(task.sessionId);
        throw err;
      }
      return this.ctx.store.task(taskId);
    });
  }

  onSessionExit(session: string, exitCode: number | null, signal: number | null): void {
    if (this.starting.has(session)) {
      this.starting.set(session, { exitCode, signal });
      return;
    }
    const { store } = this.ctx;
    const task = store.taskBySession(session);
    store.endRun(session, exitCode, signal);
    if (task) this.ctx.emit({ type: 'terminal', taskId: task.id, session, state: 'exited', exitCode, signal });
    if (!task || task.sessionId !== session || !LIVE_STATES.includes(task.state)) return;
    if (this.stopping.delete(session)) {
      this.ctx.taskChanged(store.transition(task.id, 'cancelled', 'stopped by the user', { exitCode }));
      return;
    }
    const code = exitCode ?? (signal ? 128 + signal : null);
    const next: TaskState = code === 0 ? 'review' : 'failed';
    const why = signal ? `the agent was killed by signal ${signal}` : `the agent exited with code ${code}`;
    this.ctx.taskChanged(store.transition(task.id, next, why, { exitCode: code }));
  }

  /**
   * Brings task states in line with the sessions ptyd actually has: a task that is "running"
   * with no session behind it is interrupted, never silently running.
   */
  reconcileSessions(sessions: SessionInfo[]): void {
    const { store } = this.ctx;
    const byId = new Map(sessions.map((s) => [s.session, s]));
    for (const task of store.tasksInStates(LIVE_STATES)) {
      const s = task.sessionId ? byId.get(task.sessionId) : undefined;
      if (s?.alive) continue;
      if (s) {
        this.onSessionExit(s.session, s.exitCode, s.signal);
        continue;
      }
      store.endRun(task.sessionId ?? '', null, null);
      this.ctx.taskChanged(store.transition(task.id, 'interrupted', 'its agent session was lost when the engine or the terminal daemon stopped'));
    }
  }
}

function describeAgent(task: Task): string {
  return isCustomAgent(task.agent) ? `the custom agent "${task.agent.command}"` : task.agent.profile === 'shell' ? 'a login shell' : `the ${task.agent.profile} agent`;
}
