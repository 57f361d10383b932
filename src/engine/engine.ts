/**
 * The engine: projects, tasks and their lifecycle, worktrees, agents in ptyd, diffs and
 * merges. It is plain Node and never imports electron; the desktop app and `switchyard serve`
 * run this same class behind their own transport.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { AppInfo, Branches, CleanupResult, EngineEvent, Handlers, MergeResult, ParsedInput, Settings } from '../shared/contract';
import type { FileContents, TaskDiff } from '../shared/diff';
import { SwitchyardError } from '../shared/errors';
import { languageForPath } from '../shared/languages';
import { isSafeRepoPath } from '../shared/paths';
import type { Project, Task, TaskEvent, TaskState } from '../shared/task';
import { parseCommandLine } from './agents/command-line';
import { buildLaunch } from './agents/profiles';
import { listChanges, readSide, snapshotWorktree } from './git/diff';
import { gitLine } from './git/exec';
import { commitAll, mergeIntoBase } from './git/merge';
import { currentBranch, inspectRepository, listBranches, repositoryContaining } from './git/repository';
import { createWorktree, losesNothing, removeWorktreeAndBranch, slugify, uncommittedFiles, whatRemovalWouldLose } from './git/worktrees';
import { newId } from './ids';
import { isInside } from './paths';
import type { PtydClient } from './ptyd/client';
import { connectOrStartPtyd, ptydPaths, type PtydLaunch } from './ptyd/launcher';
import { Store } from './store/store';
import { LIVE_STATES } from './tasks/lifecycle';
import { TerminalRelay, type TerminalSink } from './terminal-relay';

export interface EngineOptions {
  dataDir: string;
  ptydLaunch: PtydLaunch;
  version?: string;
  mode?: AppInfo['mode'];
  /** Initial terminal size for new agents, before a UI resizes them. */
  cols?: number;
  rows?: number;
  /** Extra environment for agents (tests put the scripted agent's script here). */
  agentEnv?: Record<string, string>;
}

export interface EngineEvents {
  event: [EngineEvent];
}

const WORKTREES_DIR_KEY = 'worktreesDir';

export class Engine extends EventEmitter<EngineEvents> {
  readonly store: Store;
  private ptyd: PtydClient | null = null;
  private closing = false;
  /** Worktree snapshot trees by task, so file contents match the listing the user sees. */
  private readonly worktreeTrees = new Map<string, string>();
  /** Sessions the user asked to stop, so their exit reads as a stop, not a failure. */
  private readonly stopping = new Set<string>();
  /**
   * Sessions spawned but not yet recorded on their task, with their exit if it came first:
   * an agent that exits at once can beat the engine to it, and its exit must not be lost.
   */
  private readonly starting = new Map<string, { exitCode: number | null; signal: number | null } | null>();

  private constructor(private readonly options: EngineOptions) {
    super();
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    this.store = new Store(path.join(options.dataDir, 'switchyard.db'));
  }

  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    try {
      await engine.connectPtyd();
    } catch (err) {
      engine.store.close();
      throw err;
    }
    return engine;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  // ---- ptyd connection and reconciliation ----

  private async connectPtyd(): Promise<void> {
    const client = await connectOrStartPtyd(ptydPaths(this.options.dataDir), this.options.ptydLaunch);
    client.on('exit', (session, exitCode, signal) => this.onSessionExit(session, exitCode, signal));
    client.on('close', () => {
      if (this.ptyd === client) this.ptyd = null;
      if (!this.closing) setTimeout(() => void this.reconnectPtyd(), 300);
    });
    // No task can start until reconciliation is done, so none can be mistaken for a lost one.
    await this.reconcile(client);
    this.ptyd = client;
  }

  private async reconnectPtyd(): Promise<void> {
    if (this.closing || this.ptyd) return;
    try {
      await this.connectPtyd();
    } catch {
      setTimeout(() => void this.reconnectPtyd(), 2000);
    }
  }

  /**
   * Brings task states in line with the sessions ptyd actually has: a task that is "running"
   * with no session behind it is interrupted, never silently running.
   */
  private async reconcile(client: PtydClient): Promise<void> {
    const sessions = new Map((await client.list()).map((s) => [s.session, s]));
    for (const task of this.store.tasksInStates(LIVE_STATES)) {
      const s = task.sessionId ? sessions.get(task.sessionId) : undefined;
      if (s?.alive) continue;
      if (s) {
        this.onSessionExit(s.session, s.exitCode, s.signal);
        continue;
      }
      this.store.endRun(task.sessionId ?? '', null, null);
      this.changed(this.store.transition(task.id, 'interrupted', 'its agent session was lost when the engine or the terminal daemon stopped'));
    }
    for (const task of this.store.tasksInStates(['merging'])) {
      this.changed(this.store.transition(task.id, 'review', 'a merge was interrupted before it finished; nothing was merged'));
    }
  }

  private onSessionExit(session: string, exitCode: number | null, signal: number | null): void {
    if (this.starting.has(session)) {
      this.starting.set(session, { exitCode, signal });
      return;
    }
    const task = this.store.tasks().find((t) => t.sessionId === session);
    this.store.endRun(session, exitCode, signal);
    if (!task || !LIVE_STATES.includes(task.state)) return;
    if (this.stopping.delete(session)) {
      this.changed(this.store.transition(task.id, 'cancelled', 'stopped by the user', { exitCode }));
      return;
    }
    const code = exitCode ?? (signal ? 128 + signal : null);
    const next: TaskState = code === 0 ? 'review' : 'failed';
    const why = signal ? `the agent was killed by signal ${signal}` : `the agent exited with code ${code}`;
    this.changed(this.store.transition(task.id, next, why, { exitCode: code }));
  }

  private changed(task: Task): Task {
    this.emit('event', { type: 'task', task });
    return task;
  }

  private requirePtyd(): PtydClient {
    if (!this.ptyd) throw new SwitchyardError('ptyd-unavailable', 'the terminal daemon is not connected; retrying');
    return this.ptyd;
  }

  // ---- terminals ----

  openTerminalChannel(sink: TerminalSink): TerminalRelay {
    return new TerminalRelay(
      {
        ptyd: () => this.ptyd,
        isKnownSession: (session) => this.store.tasks().some((t) => t.sessionId === session),
      },
      sink,
    );
  }

  // ---- settings ----

  settings(): Settings {
    return { worktreesDir: this.store.setting(WORKTREES_DIR_KEY) ?? path.join(this.options.dataDir, 'worktrees') };
  }

  async updateSettings(s: Settings): Promise<Settings> {
    if (!path.isAbsolute(s.worktreesDir)) throw new SwitchyardError('invalid-input', 'the worktrees folder must be an absolute path');
    // Any repository, not only opened ones: worktrees inside one would show up in its status
    // and be swept away by its next `git clean`.
    const holders = [...this.store.projects().map((p) => p.path), await repositoryContaining(s.worktreesDir)];
    for (const repo of holders) {
      if (repo && isInside(repo, s.worktreesDir)) {
        throw new SwitchyardError('invalid-input', `the worktrees folder must be outside your repositories; it is inside ${repo}`);
      }
    }
    this.store.setSetting(WORKTREES_DIR_KEY, path.resolve(s.worktreesDir));
    return this.settings();
  }

  // ---- projects ----

  async openProject(dir: string): Promise<Project> {
    const info = await inspectRepository(dir);
    const existing = this.store.projectByPath(info.root);
    if (existing) return existing;
    const project = this.store.addProject({ id: newId(), name: path.basename(info.root), path: info.root, createdAt: Date.now() });
    this.emit('event', { type: 'project', project });
    return project;
  }

  async branches(projectId: string): Promise<Branches> {
    const p = this.store.project(projectId);
    return { current: await currentBranch(p.path), branches: await listBranches(p.path) };
  }

  // ---- tasks ----

  async createTask(input: ParsedInput<'tasks.create'>): Promise<Task> {
    const project = this.store.project(input.projectId);
    // A command line that could never run (a pipe, a `;`) is bad input: refuse it before a
    // task exists. Whether the program is installed is checked when the task starts.
    if (input.agent.profile === 'custom') parseCommandLine(input.agent.command);
    const baseBranch = input.baseBranch ?? (await currentBranch(project.path));
    if (!baseBranch) {
      throw new SwitchyardError('unknown-branch', `${project.path} has a detached HEAD; choose a base branch for the task`);
    }
    const branches = await listBranches(project.path);
    if (!branches.includes(baseBranch)) throw new SwitchyardError('unknown-branch', `the base branch "${baseBranch}" does not exist`);
    const task = this.changed(
      this.store.createTask({ id: newId(), projectId: project.id, title: input.title, prompt: input.prompt, baseBranch, agent: input.agent }),
    );
    if (!input.startNow) return task;
    return this.startTask(task.id);
  }

  async startTask(taskId: string): Promise<Task> {
    let task = this.store.task(taskId);
    if (LIVE_STATES.includes(task.state)) throw new SwitchyardError('bad-state', 'the task is already running');
    if (!['queued', 'interrupted', 'failed', 'review', 'cancelled'].includes(task.state)) {
      throw new SwitchyardError('bad-state', `a task that is ${task.state} cannot be started`);
    }
    if (task.cleanedUp) throw new SwitchyardError('bad-state', 'the task’s worktree was removed; create a new task instead');
    const project = this.store.project(task.projectId);
    const ptyd = this.requirePtyd();

    if (!task.branch || !task.worktreePath) {
      const slug = slugify(task.title);
      const branch = `sy/${slug}-${task.id.slice(0, 6)}`;
      const worktreesDir = this.settings().worktreesDir;
      const worktreePath = path.join(worktreesDir, `${slugify(project.name, 30)}-${project.id.slice(0, 6)}`, `${slug}-${task.id.slice(0, 6)}`);
      if (isInside(project.path, worktreePath)) {
        throw new SwitchyardError('invalid-input', `the worktrees folder ${worktreesDir} is inside the repository; choose one outside it in settings`);
      }
      // Resolve the agent before creating anything, so a missing agent leaves nothing behind.
      buildLaunch(task.agent, task.prompt, project.path, this.agentEnv(task, worktreePath));
      await createWorktree({ repo: project.path, branch, baseBranch: task.baseBranch, worktreePath });
      task = this.store.patchTask(task.id, { branch, worktreePath });
    } else if (!fs.existsSync(task.worktreePath)) {
      throw new SwitchyardError('bad-state', `the task’s worktree ${task.worktreePath} is missing`);
    }

    const worktreePath = task.worktreePath!;
    const env = this.agentEnv(task, worktreePath);
    const launch = buildLaunch(task.agent, task.prompt, worktreePath, env);
    const sessionId = `${task.id}-${newId(6)}`;
    if (task.sessionId) await ptyd.dispose(task.sessionId).catch(() => {});
    this.starting.set(sessionId, null);
    try {
      await ptyd.spawn({
        session: sessionId,
        file: launch.file,
        args: launch.args,
        cwd: worktreePath,
        env,
        cols: this.options.cols ?? 120,
        rows: this.options.rows ?? 32,
      });
      this.store.addRun({ id: newId(), taskId: task.id, sessionId, argv: [launch.file, ...launch.args] });
      const why = task.state === 'queued' ? `started ${describeAgent(task)}` : `restarted ${describeAgent(task)}`;
      this.changed(this.store.transition(task.id, 'running', why, { sessionId, exitCode: null }));
    } finally {
      const early = this.starting.get(sessionId);
      this.starting.delete(sessionId);
      if (early) this.onSessionExit(sessionId, early.exitCode, early.signal);
    }
    return this.store.task(task.id);
  }

  private agentEnv(task: Task, worktreePath: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || k.startsWith('ELECTRON_') || k === 'SWITCHYARD_TOKEN') continue;
      env[k] = v;
    }
    return {
      ...env,
      ...this.options.agentEnv,
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      SWITCHYARD_TASK_ID: task.id,
      SWITCHYARD_WORKTREE: worktreePath,
    };
  }

  async stopTask(taskId: string): Promise<Task> {
    const task = this.store.task(taskId);
    if (!LIVE_STATES.includes(task.state) || !task.sessionId) {
      throw new SwitchyardError('bad-state', 'the task has no running agent to stop');
    }
    this.stopping.add(task.sessionId);
    await this.requirePtyd().kill(task.sessionId);
    return this.store.task(taskId);
  }

  // ---- review ----

  private reviewable(taskId: string): { task: Task; project: Project; branch: string; worktreePath: string } {
    const task = this.store.task(taskId);
    if (!task.branch || !task.worktreePath) throw new SwitchyardError('bad-state', 'the task has not started: it has no branch yet');
    if (task.cleanedUp) throw new SwitchyardError('bad-state', 'the task’s worktree and branch were removed after it finished');
    return { task, project: this.store.project(task.projectId), branch: task.branch, worktreePath: task.worktreePath };
  }

  async diff(taskId: string): Promise<TaskDiff> {
    const { task, project, branch, worktreePath } = this.reviewable(taskId);
    const head = await gitLine(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], { cwd: project.path });
    const mergeBase = await gitLine(['merge-base', `refs/heads/${task.baseBranch}`, head], { cwd: project.path });
    const committed = await listChanges(project.path, mergeBase, head);
    let uncommitted: TaskDiff['uncommitted'] = [];
    let worktreeTree: string | null = null;
    if (fs.existsSync(worktreePath)) {
      worktreeTree = await snapshotWorktree(worktreePath);
      this.worktreeTrees.set(taskId, worktreeTree);
      uncommitted = await listChanges(worktreePath, 'HEAD', worktreeTree);
    }
    return { taskId, baseBranch: task.baseBranch, mergeBase, head, committed, uncommitted, worktreeTree };
  }

  async fileContents(input: ParsedInput<'tasks.fileContents'>): Promise<FileContents> {
    const { task, project, branch, worktreePath } = this.reviewable(input.taskId);
    for (const p of [input.path, input.oldPath]) {
      if (p !== null && !isSafeRepoPath(p)) throw new SwitchyardError('invalid-input', `"${p}" is not a path inside the repository`);
    }
    const originalPath = input.oldPath ?? input.path;
    let original;
    let modified;
    if (input.group === 'committed') {
      const head = `refs/heads/${branch}`;
      const mergeBase = await gitLine(['merge-base', `refs/heads/${task.baseBranch}`, head], { cwd: project.path });
      [original, modified] = await Promise.all([readSide(project.path, mergeBase, originalPath), readSide(project.path, head, input.path)]);
    } else {
      const tree = this.worktreeTrees.get(task.id) ?? (await snapshotWorktree(worktreePath));
      [original, modified] = await Promise.all([readSide(worktreePath, 'HEAD', originalPath), readSide(worktreePath, tree, input.path)]);
    }
    return { path: input.path, language: languageForPath(input.path), original, modified };
  }

  // ---- merge and clean-up ----

  async merge(taskId: string, commitUncommitted: boolean): Promise<MergeResult> {
    const { task, project, branch, worktreePath } = this.reviewable(taskId);
    if (!['review', 'failed', 'cancelled'].includes(task.state)) {
      throw new SwitchyardError('bad-state', task.state === 'running' ? 'the agent is still running; stop it or wait for it to finish' : `a task that is ${task.state} cannot be merged`);
    }
    const pending = await uncommittedFiles(worktreePath);
    if (pending.length > 0) {
      if (!commitUncommitted) return { status: 'needs-commit', files: (await this.diff(taskId)).uncommitted };
      await commitAll(worktreePath, `agent work: ${task.title}`);
      this.worktreeTrees.delete(taskId);
    }
    const before = task.state;
    this.changed(this.store.transition(taskId, 'merging', `merging into ${task.baseBranch}`));
    let outcome;
    try {
      outcome = await mergeIntoBase(project.path, task.baseBranch, branch, `Merge ${branch}: ${task.title}`);
    } catch (err) {
      this.changed(this.store.transition(taskId, before === 'failed' ? 'failed' : 'review', `the merge failed: ${(err as Error).message}`));
      throw err;
    }
    if (outcome.status === 'conflict') {
      this.changed(this.store.transition(taskId, before === 'failed' ? 'failed' : 'review', `merge conflicts in ${outcome.files.length} file(s); nothing was merged`));
      return outcome;
    }
    if (outcome.status === 'refused') {
      this.changed(this.store.transition(taskId, before === 'failed' ? 'failed' : 'review', outcome.reason));
      return outcome;
    }
    this.changed(this.store.transition(taskId, 'done', `merged into ${task.baseBranch} as ${outcome.commit.slice(0, 10)}`));
    const cleanup = await this.cleanup(taskId, false);
    return { status: 'merged', commit: outcome.commit, baseBranch: task.baseBranch, updatedCheckout: outcome.updatedCheckout, cleanup };
  }

  async cleanup(taskId: string, confirmLoss: boolean): Promise<CleanupResult> {
    const { task, project, branch, worktreePath } = this.reviewable(taskId);
    if (LIVE_STATES.includes(task.state) || task.state === 'merging') {
      throw new SwitchyardError('bad-state', 'stop the agent before removing its worktree');
    }
    const lost = await whatRemovalWouldLose(project.path, worktreePath, branch);
    if (!losesNothing(lost) && !confirmLoss) return { status: 'needs-confirmation', lost };
    if (task.sessionId) await this.ptyd?.dispose(task.sessionId).catch(() => {});
    await removeWorktreeAndBranch(project.path, worktreePath, branch);
    this.worktreeTrees.delete(taskId);
    this.changed(this.store.patchTask(taskId, { cleanedUp: true }));
    return { status: 'removed' };
  }

  // ---- the contract ----

  handlers(): Handlers {
    return {
      'app.info': async () => ({
        version: this.options.version ?? '0.0.0',
        dataDir: this.options.dataDir,
        worktreesDir: this.settings().worktreesDir,
        mode: this.options.mode ?? 'browser',
      }),
      'settings.get': async () => this.settings(),
      'settings.update': (i) => this.updateSettings(i),
      'projects.list': async () => this.store.projects(),
      'projects.open': (i) => this.openProject(i.path),
      'projects.branches': (i) => this.branches(i.projectId),
      'tasks.list': async (i) => this.store.tasks(i.projectId),
      'tasks.create': (i) => this.createTask(i),
      'tasks.start': (i) => this.startTask(i.taskId),
      'tasks.stop': (i) => this.stopTask(i.taskId),
      'tasks.events': async (i): Promise<TaskEvent[]> => this.store.events(i.taskId),
      'tasks.diff': (i) => this.diff(i.taskId),
      'tasks.fileContents': (i) => this.fileContents(i),
      'tasks.merge': (i) => this.merge(i.taskId, i.commitUncommitted),
      'tasks.cleanup': (i) => this.cleanup(i.taskId, i.confirmLoss),
    };
  }

  /** Closes the engine. Agents keep running in ptyd unless `stopPtyd` is set. */
  async close(opts: { stopPtyd?: boolean } = {}): Promise<void> {
    this.closing = true;
    const client = this.ptyd;
    this.ptyd = null;
    if (client) {
      // Exits from now on are this shutdown's own doing, or the next engine's to reconcile:
      // a closing engine records none of them (and its store is about to close).
      client.removeAllListeners('exit');
      if (opts.stopPtyd && !client.isClosed) {
        const gone = new Promise<void>((resolve) => {
          client.once('close', resolve);
          setTimeout(resolve, 10_000).unref();
        });
        await client.shutdown().catch(() => {});
        // ptyd drops its clients only once every session is dead and it has stopped listening.
        // Waiting for that means the next engine cannot reach a daemon on its way out.
        await gone;
      }
      client.close();
    }
    this.store.close();
  }
}

function describeAgent(task: Task): string {
  return task.agent.profile === 'custom' ? `the custom agent "${task.agent.command}"` : 'a login shell';
}

