/**
 * Running agents: creating tasks, starting them in a fresh (or their own) worktree through
 * ptyd, stopping them, and turning session exits into task states.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedInput } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { SessionInfo } from '../../shared/ptyd-protocol';
import { STARTABLE_STATES, notWaiting, type Task, type TaskState } from '../../shared/task';
import { EMPTY_GATE } from '../../shared/checks';
import { isCustomAgent, type AgentProfile, type AgentSpec } from '../../shared/agents';
import { hooksDir, wireHooks, type HookWiring } from '../agents/wiring/hook-wiring';
import { cliBinDir } from '../supervision/cli-launcher';
import { buildLaunch } from '../agents/profiles';
import { typePromptWhenReady } from '../agents/type-prompt';
import { notifyEnv } from '../supervision/task-env';
import type { EngineContext } from '../context';
import { currentBranch, listBranches, listCheckouts } from '../git/repository';
import { createWorktree, fastForwardBaseFromRemote, slugify } from '../git/worktrees';
import { git } from '../git/exec';
import { newId } from '../ids';
import { isInside } from '../paths';
import { LIVE_STATES } from './lifecycle';
import type { RepoSetup } from '../repo-config/repo-setup';

type Exit = { exitCode: number | null; signal: number | null };


export interface StartOptions {
  /** Start with this agent instead of the task's own (which it then becomes). */
  agent?: AgentSpec;
  /** Resume the agent's last session in the worktree, where its profile can. */
  resume?: boolean;
  /** This run's prompt instead of the task's own (feedback sent back to an exited agent). */
  prompt?: string;
  /** Why, for the event log, instead of "restarted …". */
  reason?: string;
  /** Started by Switchyard (a fix round, a supervision restart), not the user: counters carry on. */
  automatic?: boolean;
  /** Checked under the task's lock just before anything is done: throw to call the start off (its plan was stopped meanwhile). */
  precondition?: () => void;
}

/** What the verify gate does for the runner (checks/gate.ts). */
export interface GateHooks {
  /** The agent exited with 0 (called under the task lock): verify, or on to Review. */
  agentSucceeded(taskId: string, why: string, exitCode: number): Promise<void>;
  /** Stops a verify or reviewer run of the task; false if none runs. */
  abort(taskId: string, stop?: { to: 'cancelled' | 'interrupted' | 'failed'; reason: string }): Promise<boolean>;
}

/** How a stop ends: by the user (cancelled, or review when they mark it ready), or by supervision (failed, or interrupted before a restart). */
export interface StopOptions {
  to?: 'cancelled' | 'failed' | 'interrupted' | 'review';
  reason?: string;
}

export class TaskRunner {
  /** Sessions asked to stop, so their exit reads as a stop (and which), not a failure. */
  private readonly stopping = new Map<string, Required<StopOptions>>();
  private gate: GateHooks | null = null;
  /**
   * Sessions spawned but not yet recorded on their task, with their exit if it came first:
   * an agent that exits at once can beat the engine to it, and its exit must not be lost.
   */
  private readonly starting = new Map<string, Exit | null>();

  constructor(
    private readonly ctx: EngineContext,
    /** Repository config (.switchyard/config.yaml): copy, setup, ports. */
    private readonly repo?: RepoSetup,
  ) {}

  /** Whether a stop was asked for this session (its exit, or a "done" racing it, must not start a verify). */
  isStopping(session: string): boolean {
    return this.stopping.has(session);
  }

  setGate(gate: GateHooks): void {
    this.gate = gate;
  }

  async createTask(input: ParsedInput<'tasks.create'>): Promise<Task> {
    const { store } = this.ctx;
    const project = store.project(input.projectId);
    // An unknown profile, or a command line that could never run (a pipe, a `;`), is bad input:
    // refuse it before a task exists. Whether the program is installed is checked at start.
    this.ctx.agents.requireProfile(input.agent, project.path);
    const baseBranch = input.baseBranch ?? (await currentBranch(project.path));
    if (!baseBranch) {
      throw new SwitchyardError('unknown-branch', `${project.path} has a detached HEAD; choose a base branch for the task`);
    }
    const branches = await listBranches(project.path);
    if (!branches.includes(baseBranch)) throw new SwitchyardError('unknown-branch', `the base branch "${baseBranch}" does not exist`);
    const task = this.ctx.taskChanged(
      store.createTask({ id: newId(), projectId: project.id, title: input.title, prompt: input.prompt, baseBranch, agent: input.agent, checks: input.checks }),
    );
    if (!input.startNow) return task;
    return this.startTask(task.id);
  }

  startTask(taskId: string, opts: StartOptions = {}): Promise<Task> {
    return this.ctx.locks.run(taskId, () => this.startLocked(taskId, opts));
  }

  private async startLocked(taskId: string, opts: StartOptions): Promise<Task> {
    const { store } = this.ctx;
    opts.precondition?.();
    let task = store.task(taskId);
    // A fix round starts the agent again from `verifying`; nothing else starts a live task.
    const fixRound = opts.automatic === true && task.state === 'verifying';
    if (LIVE_STATES.includes(task.state) && !fixRound) throw new SwitchyardError('bad-state', 'the task is already running');
    if (!STARTABLE_STATES.includes(task.state) && !fixRound) throw new SwitchyardError('bad-state', `a task that is ${task.state} cannot be started`);
    if (task.cleanedUp) throw new SwitchyardError('bad-state', 'the task’s worktree was removed; create a new task instead');
    const project = store.project(task.projectId);
    const ptyd = this.ctx.requirePtyd();
    const agent = opts.agent ?? task.agent;
    const profile = this.ctx.agents.requireProfile(agent, project.path);
    const prompt = opts.prompt ?? task.prompt;
    // Resolve the agent before creating or changing anything, so a missing agent leaves nothing behind.
    buildLaunch(agent, prompt, project.path, this.agentEnv(task, task.worktreePath ?? project.path), { profile });
    // Another agent cannot resume this one's session.
    const resume = opts.resume === true && JSON.stringify(agent) === JSON.stringify(task.agent);
    if (opts.agent) task = store.patchTask(task.id, { agent });

    // ---- repository config: trust, setup, ports ----
    // Read, and a broken file refused, before anything is created; setup runs on a new
    // worktree, and again at a later start if it failed or was skipped.
    const fresh = !task.branch || !task.worktreePath;
    const repoConfig = this.repo && (fresh || this.repo.setupPending(task.id)) ? await this.repo.load(project.path, task.baseBranch) : null;

    if (!task.branch || !task.worktreePath) {
      const slug = slugify(task.title);
      const branch = `sy/${slug}-${task.id.slice(0, 6)}`;
      const worktreesDir = this.ctx.settings().worktreesDir;
      const worktreePath = path.join(worktreesDir, `${slugify(project.name, 30)}-${project.id.slice(0, 6)}`, `${slug}-${task.id.slice(0, 6)}`);
      if (isInside(project.path, worktreePath)) {
        throw new SwitchyardError('invalid-input', `the worktrees folder ${worktreesDir} is inside the repository; choose one outside it in settings`);
      }
      // The branch name carries the task's id: a checkout of it is this task's own, made by a
      // start the engine did not live to record. A finished one is taken up, never made twice.
      const leftover = await takeUpLeftover(project.path, branch, task.baseBranch);
      if (leftover) {
        this.ctx.store.addNote(task.id, `took up the worktree ${leftover} made by a start the engine did not finish`);
      } else {
        if (this.ctx.settings().fetchBeforeBranching) {
          this.ctx.store.addNote(task.id, await fastForwardBaseFromRemote(project.path, task.baseBranch));
        }
        await createWorktree({ repo: project.path, branch, baseBranch: task.baseBranch, worktreePath });
      }
      task = store.patchTask(task.id, { branch, worktreePath: leftover ?? worktreePath });
    } else if (!fs.existsSync(task.worktreePath)) {
      throw new SwitchyardError('bad-state', `the task’s worktree ${task.worktreePath} is missing`);
    }

    if (this.repo) {
      // A failed setup marks the task failed (with its log) and the agent does not start.
      if (repoConfig && (await this.repo.prepare(task, project, repoConfig, fresh))) return store.task(task.id);
      await this.repo.ensurePorts(task.id);
    }

    const worktreePath = task.worktreePath!;
    const env = this.agentEnv(task, worktreePath);
    const hooks = await this.launchExtras(task, profile, env);
    // Resume the agent's own session when its hooks reported one; a fresh start forgets it.
    const agentSession = resume ? task.agentSession : null;
    const launch = buildLaunch(task.agent, prompt, worktreePath, env, { profile, resume, agentSession, hooks });
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
        env: { ...env, ...launch.env },
        cols: this.ctx.options.cols ?? 120,
        rows: this.ctx.options.rows ?? 32,
        scrollback: this.ctx.settings().scrollback,
      });
      spawned = true;
      const why = opts.reason ?? (task.state === 'queued' ? `started ${describeAgent(task)}` : `restarted ${describeAgent(task)}`);
      // A new run: the last one's "needs input" and undelivered feedback no longer apply.
      // Conflicts of a last merge attempt are stale once the agent works again.
      const flags = { ...notWaiting(store.task(task.id).flags), deliveryUnconfirmed: false, stuck: false, conflicts: [], overBudget: opts.automatic ? store.task(task.id).flags.overBudget : false };
      // The user starting a task again gives it fresh fix rounds and retries.
      const gate = opts.automatic ? undefined : EMPTY_GATE;
      // The run and the state change land together: a crash between them would leave a live
      // agent that no task owns. (A crash before this is handled by SessionBook.reconcile.)
      const running = store.atomically(() => {
        store.addRun({ id: newId(), taskId: task.id, sessionId, argv: [launch.file, ...launch.args] });
        return store.transition(task.id, 'running', why, { sessionId, exitCode: null, flags, gate });
      });
      this.ctx.taskChanged(running);
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
    // Not awaited: the task is running; the prompt follows once the agent's TUI is up.
    else if (launch.typedPrompt) void typePromptWhenReady(() => this.ctx.ptyd(), sessionId, launch.typedPrompt).catch(() => {});
    return store.task(task.id);
  }

  /** Starts an exited agent again with `prompt` (feedback), resuming its session where it can. */
  restartWithPrompt(taskId: string, prompt: string, reason: string): Promise<Task> {
    return this.startTask(taskId, { prompt, resume: true, reason });
  }

  /** What goes before the profile's own arguments and environment: trust, then the agent's hooks. */
  private async launchExtras(task: Task, profile: AgentProfile, env: Record<string, string>): Promise<HookWiring | null> {
    if (isCustomAgent(task.agent)) return null;
    const trust = await this.ctx.trust.forLaunch(task.projectId, profile.id, { ...env, ...profile.env }).catch((err: Error) => {
      this.ctx.store.addNote(task.id, `trust could not be passed to the agent: ${err.message}`);
      return null;
    });
    const hooks = this.wireHooks(task, profile, env);
    if (!trust) return hooks;
    return { args: [...trust.args, ...(hooks?.args ?? [])], env: { ...trust.env, ...hooks?.env } };
  }

  /** The agent's own hooks, where Switchyard can wire them and the profile allows it. */
  private wireHooks(task: Task, profile: AgentProfile, env: Record<string, string>): HookWiring | null {
    if (!profile.wireHooks || !this.ctx.options.cliLaunch) return null;
    try {
      return wireHooks(profile.id, {
        hooksDir: hooksDir(this.ctx.options.dataDir),
        launcher: path.join(cliBinDir(this.ctx.options.dataDir), 'switchyard'),
        env: { ...env, ...profile.env },
        interactive: isCustomAgent(task.agent) || task.agent.interactive !== false,
      });
    } catch (err) {
      // Hooks are a help, not a condition: the screen heuristic still watches.
      this.ctx.store.addNote(task.id, `the agent's hooks could not be wired: ${(err as Error).message}`);
      return null;
    }
  }

  private agentEnv(task: Task, worktreePath: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith('ELECTRON_') || k === 'SWITCHYARD_TOKEN') continue;
      env[k] = v;
    }
    const base = { ...env, ...this.ctx.options.agentEnv };
    return {
      ...base,
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      SWITCHYARD_TASK_ID: task.id,
      SWITCHYARD_WORKTREE: worktreePath,
      // SWITCHYARD_PORT and SWITCHYARD_PORT_COUNT: the task's own block of ports.
      ...this.repo?.portEnv(task.id),
      // The notify token and socket, and the `switchyard` CLI first on PATH.
      ...notifyEnv(this.ctx, task.id, base.PATH),
    };
  }

  stopTask(taskId: string, opts: StopOptions = {}): Promise<Task> {
    return this.ctx.locks.run(taskId, async () => {
      const task = this.ctx.store.task(taskId);
      if (task.state === 'verifying') {
        if (opts.to === 'review') throw new SwitchyardError('bad-state', 'the task is being verified already; Review follows when the checks pass');
        // The gate ends the task once its run is stopped; an agent still up (it reported done) goes too.
        const alive = task.sessionId !== null && this.ctx.store.runs(taskId).some((r) => r.sessionId === task.sessionId && r.endedAt === null);
        if (alive) await this.ctx.requirePtyd().kill(task.sessionId!).catch(() => {});
        const to = opts.to ?? 'cancelled';
        if (await this.gate?.abort(taskId, { to, reason: opts.reason ?? 'stopped by the user during verify' })) return this.ctx.store.task(taskId);
        return this.ctx.taskChanged(this.ctx.store.transition(taskId, to, opts.reason ?? 'stopped by the user during verify'));
      }
      if (!LIVE_STATES.includes(task.state) || !task.sessionId) {
        throw new SwitchyardError('bad-state', 'the task has no running agent to stop');
      }
      this.stopping.set(task.sessionId, { to: opts.to ?? 'cancelled', reason: opts.reason ?? 'stopped by the user' });
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
    const stop = this.stopping.get(session);
    this.stopping.delete(session);
    // While verifying (the agent reported done and then exited), the gate decides what follows.
    if (task.state === 'verifying') return;
    if (stop) {
      this.ctx.taskChanged(store.transition(task.id, stop.to, stop.reason, { exitCode, flags: notWaiting(task.flags) }));
      return;
    }
    const code = exitCode ?? (signal ? 128 + signal : null);
    const why = signal ? `the agent was killed by signal ${signal}` : `the agent exited with code ${code}`;
    if (code === 0 && this.gate) {
      const gate = this.gate;
      void this.ctx.locks.run(task.id, () => gate.agentSucceeded(task.id, why, 0)).catch(() => {});
      return;
    }
    const next: TaskState = code === 0 ? 'review' : 'failed';
    // An agent that has exited waits for nothing.
    this.ctx.taskChanged(store.transition(task.id, next, why, { exitCode: code, flags: { ...notWaiting(task.flags), stuck: false } }));
  }

  /**
   * Binds an agent session that was started for this task just before the engine stopped,
   * before it could be recorded: the task runs it again, or takes its exit if it already ended.
   */
  rebind(taskId: string, session: SessionInfo): Task {
    const { store } = this.ctx;
    const task = store.task(taskId);
    const running = store.atomically(() => {
      store.addRun({ id: newId(), taskId, sessionId: session.session, argv: [] }, session.startedAt);
      return store.transition(taskId, 'running', `reattached ${describeAgent(task)}, started just before the engine stopped`, {
        sessionId: session.session,
        exitCode: null,
        flags: { ...notWaiting(task.flags), deliveryUnconfirmed: false, stuck: false },
      });
    });
    this.ctx.taskChanged(running);
    if (!session.alive) this.onSessionExit(session.session, session.exitCode, session.signal);
    return store.task(taskId);
  }

  /**
   * Brings task states in line with the sessions ptyd actually has: a task that is "running"
   * with no session behind it is interrupted, never silently running.
   */
  reconcileSessions(sessions: SessionInfo[]): void {
    const { store } = this.ctx;
    const byId = new Map(sessions.map((s) => [s.session, s]));
    // A task being verified is the gate's to recover (CheckGate.recover).
    for (const task of store.tasksInStates(['running'])) {
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

/**
 * What a start cut short left of this task's branch, made usable again. A checkout git finished
 * (not locked "initializing", its folder there) is taken up: its path is returned. One git never
 * finished, or a branch with no checkout, holds nothing the base lacks: it is removed, so the
 * start makes it afresh. A branch with work of its own is left alone (the start then says so).
 */
async function takeUpLeftover(repo: string, branch: string, baseBranch: string): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  if ((await git(['rev-parse', '--verify', '-q', ref], { cwd: repo, okCodes: [1] })).code !== 0) return null;
  const checkout = (await listCheckouts(repo)).find((c) => c.branch === branch);
  if (checkout && !checkout.locked && !checkout.prunable && fs.existsSync(checkout.path)) return checkout.path;
  const empty = (await git(['merge-base', '--is-ancestor', ref, `refs/heads/${baseBranch}`], { cwd: repo, okCodes: [1, 128] })).code === 0;
  if (!empty) return null;
  if (checkout) {
    await git(['worktree', 'unlock', '--', checkout.path], { cwd: repo, okCodes: [128] });
    await git(['worktree', 'remove', '--force', '--force', '--', checkout.path], { cwd: repo, okCodes: [128] });
    await git(['worktree', 'prune'], { cwd: repo });
  }
  await git(['branch', '-D', '--', branch], { cwd: repo });
  return null;
}
