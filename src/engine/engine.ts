/**
 * The engine: projects, tasks and their lifecycle, worktrees, agents in ptyd, diffs and
 * merges. It is plain Node and never imports electron; the desktop app and `switchyard serve`
 * run this same class behind their own transport. Its parts live in tasks/, review/ and
 * merge/; this class wires them and serves the contract.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Branches, CleanupResult, EngineEvent, Handlers, MergeResult, ParsedInput, Settings } from '../shared/contract';
import type { FileContents, TaskDiff } from '../shared/diff';
import { SwitchyardError } from '../shared/errors';
import type { Project, Task, TaskState } from '../shared/task';
import type { Plan } from '../shared/plan';
import type { EngineContext, EngineOptions } from './context';
import { currentBranch, inspectRepository, listBranches } from './git/repository';
import { newId } from './ids';
import { MergeFlow, type MergeOptions } from './merge/merge-flow';
import type { PtydClient } from './ptyd/client';
import { connectOrStartPtyd, ptydPaths } from './ptyd/launcher';
import { Review } from './review/review';
import { ReviewNotes } from './review/comments';
import { SettingsStore } from './settings';
import { Store } from './store/store';
import { Supervision } from './supervision/supervision';
import { AgentRegistry } from './agents/registry';
import { TaskLocks } from './tasks/task-locks';
import { TaskRunner, type StartOptions } from './tasks/runner';
import { RepoSetup } from './repo-config/repo-setup';
import { ShellTerminals } from './tasks/shells';
import { TaskManager } from './tasks/manage';
import { Attempts } from './tasks/attempts';
import { detectEditors } from './editors/detect';
import { openInEditor } from './editors/open';
import { TerminalRelay, type TerminalSink } from './terminal-relay';
import { CheckGate } from './checks/gate';
import { ChecksStore } from './checks/checks-store';
import { ChecksResolver } from './checks/effective';
import { buildTimeline } from './checks/timeline';
import { SessionWaiter } from './tasks/session-waiter';
import { retryTask } from './tasks/retry';
import { Plans } from './plans/plans';
import { PlanRunner } from './plans/plan-runner';
import { MergeTrain } from './plans/merge-train';
import { finishPlan } from './plans/finish';
import { proposePlan, stopPlanners } from './plans/planner';
import { prepareDemo } from './plans/demo';
import { git } from './git/exec';
import { globError, matchesGlob } from '../shared/globs';
import { acquireEngineLock } from './engine-lock';
import { TerminalTheme } from './sessions/terminal-theme';
import { TrustService } from './agents/trust/trust-service';
import { SessionBook } from './sessions/session-book';
import { readSessionLogTail } from './ptyd/session-log';
import { pruneSessionLogs } from './sessions/log-retention';

/** How much of an ended session's saved output its terminal shows again. */
const SAVED_OUTPUT_REPLAY_BYTES = 2 * 1024 * 1024;

export type { EngineOptions } from './context';

export interface EngineEvents {
  event: [EngineEvent];
}

export class Engine extends EventEmitter<EngineEvents> {
  readonly store: Store;
  private ptyd: PtydClient | null = null;
  private closing = false;
  private readonly ctx: EngineContext;
  private readonly runner: TaskRunner;
  private readonly review: Review;
  private readonly mergeFlow: MergeFlow;
  private readonly supervision: Supervision;
  private readonly shells: ShellTerminals;
  private readonly repoSetup: RepoSetup;
  private readonly notes: ReviewNotes;
  private readonly manager: TaskManager;
  private readonly settingsStore: SettingsStore;
  /** Attempts: one prompt as several tasks; merging one closes the others. */
  readonly attempts: Attempts;
  /** The verify gate, the fix loop and the reviewer agent. */
  readonly gate: CheckGate;
  private readonly checks: ChecksResolver;
  private readonly checkRuns: ChecksStore;
  /** Verify and reviewer sessions being waited for. */
  private readonly checkSessions = new SessionWaiter();
  /** Plans: import, edit, start; the scheduler; the merge train. */
  readonly plans: Plans;
  readonly planRunner: PlanRunner;
  readonly mergeTrain: MergeTrain;
  /** Sessions that outlived their records: rebound, stopped, or shown as orphans. */
  private readonly sessionBook: SessionBook;
  /** The theme windows draw, which ptyd answers programs' colour queries with. */
  private readonly terminalTheme: TerminalTheme;

  private constructor(
    private readonly options: EngineOptions,
    /** One engine per data folder (engine-lock.ts): released by close(). */
    private readonly releaseLock: () => void,
  ) {
    super();
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    // The data folder holds prompts, the token and the database: private, whoever made it.
    fs.chmodSync(options.dataDir, 0o700);
    this.store = new Store(path.join(options.dataDir, 'switchyard.db'));
    this.settingsStore = new SettingsStore(this.store, options.dataDir);
    this.ctx = {
      store: this.store,
      options,
      locks: new TaskLocks(),
      agents: new AgentRegistry({
        dataDir: options.dataDir,
        env: () => ({ ...process.env, ...options.agentEnv }),
        versionTimeoutMs: options.versionTimeoutMs ?? msFromEnv(process.env.SWITCHYARD_VERSION_TIMEOUT_MS),
        onChange: () => this.emit('event', { type: 'agents' }),
      }),
      trust: new TrustService({ store: this.store, options }),
      ptyd: () => this.ptyd,
      requirePtyd: () => {
        if (!this.ptyd) throw new SwitchyardError('ptyd-unavailable', 'the terminal daemon is not connected; retrying');
        return this.ptyd;
      },
      settings: () => this.settings(),
      emit: (event) => this.emit('event', event),
      taskChanged: (task) => {
        this.emit('event', { type: 'task', task });
        return task;
      },
    };
    // ---- repository config: wiring ----
    this.repoSetup = new RepoSetup(this.ctx, options.portRange);
    this.runner = new TaskRunner(this.ctx, this.repoSetup);
    this.review = new Review(this.ctx);
    this.shells = new ShellTerminals(this.ctx);
    this.mergeFlow = new MergeFlow(
      this.ctx,
      this.review,
      // Before a worktree goes: the trusted teardown runs in it (reported, never blocking), then its terminals close.
      async (taskId) => {
        await this.repoSetup.teardown(taskId);
        await this.shells.closeAll(taskId);
      },
      (taskId, message) => this.supervision.feedback(taskId, message),
    );
    // ---- agents: wiring ----
    // (the agent registry lives on ctx, where the runner finds it; see agents/registry.ts)
    // ---- checks: verify gate, fix loop, reviewer (wiring) ----
    this.checks = new ChecksResolver(this.ctx, this.repoSetup);
    this.checkRuns = new ChecksStore(this.store.db);
    this.gate = new CheckGate(this.ctx, {
      repo: this.repoSetup,
      checks: this.checks,
      runs: this.checkRuns,
      waiter: this.checkSessions,
      start: (taskId, opts) => this.runner.startTask(taskId, opts),
      feedback: (taskId, message) => this.supervision.feedback(taskId, message),
      isStopping: (session) => this.runner.isStopping(session),
    });
    this.runner.setGate(this.gate);
    // ---- supervision: wiring ----
    this.supervision = new Supervision(
      this.ctx,
      { runner: this.runner, checks: this.checks, onDone: (taskId) => this.gate.agentReportedDone(taskId) },
      options.supervision,
    );
    this.on('event', (e) => this.supervision.onEvent(e));
    this.notes = new ReviewNotes(this.ctx, this.review, (taskId, message) => this.supervision.feedback(taskId, message));
    // ---- board and task management: wiring ----
    this.manager = new TaskManager(this.ctx, { runner: this.runner, review: this.review, mergeFlow: this.mergeFlow, shells: this.shells });
    this.on('event', (e) => this.measureWhenFinished(e));
    // ---- attempts: wiring ----
    this.attempts = new Attempts(this.ctx, { runner: this.runner, mergeFlow: this.mergeFlow, manager: this.manager });
    this.on('event', (e) => this.attempts.onEvent(e));
    // ---- plans: wiring ----
    this.plans = new Plans(this.ctx, this.runner, () => this.planRunner.schedule());
    this.mergeTrain = new MergeTrain(this.ctx, this.plans.store, { waiter: this.checkSessions, repo: this.repoSetup });
    this.planRunner = new PlanRunner(this.ctx, this.plans.store, this.runner, (task) => this.mergeTrain.offer(task));
    // ---- sessions: wiring ----
    this.sessionBook = new SessionBook(this.ctx, this.runner);
    const themeSetting = this.settings().theme;
    this.terminalTheme = new TerminalTheme(themeSetting === 'light' ? 'light' : 'dark', () => this.ptyd);
    this.on('event', (e) => {
      this.planRunner.onEvent(e);
      this.mergeTrain.onEvent(e);
    });
    // Running agents' cards show their `+/-` as the work grows; measured only for agents
    // that printed something since last time, so idle agents cost no git work.
    this.diffStatTimer = setInterval(() => void this.measureRunning(), 30_000);
    this.diffStatTimer.unref();
    // ---- merge: automatic clean-up and worktrees deleted outside Switchyard ----
    this.maintenanceTimer = setInterval(() => void this.maintain(), options.maintenanceIntervalMs ?? 10 * 60_000);
    this.maintenanceTimer.unref();
  }

  private maintenanceTimer: NodeJS.Timeout | null = null;
  /** The maintenance pass under way, which close() lets finish before the store closes. */
  private maintaining: Promise<void> | null = null;
  /** Notices worktrees deleted behind Switchyard's back, and runs the automatic clean-up. */
  maintain(): Promise<void> {
    if (this.maintaining || this.closing) return this.maintaining ?? Promise.resolve();
    this.maintaining = this.maintainOnce().finally(() => {
      this.maintaining = null;
    });
    return this.maintaining;
  }

  private async maintainOnce(): Promise<void> {
    try {
      this.mergeFlow.noticeMissingAll();
      await this.mergeFlow.reconcileMergedOutside();
      await this.mergeFlow.autoCleanup();
      const keep = new Set([...this.store.openSessionIds(), ...this.store.tasks().flatMap((t) => (t.sessionId && !t.cleanedUp ? [t.sessionId] : []))]);
      pruneSessionLogs(ptydPaths(this.options.dataDir).sessionLogDir, keep);
    } catch {
      // the next tick tries again
    }
  }

  private diffStatTimer: NodeJS.Timeout | null = null;
  private measuring = false;
  private readonly measuredAtSeq = new Map<string, number>();
  private async measureRunning(): Promise<void> {
    if (this.measuring || this.closing || !this.ptyd) return;
    this.measuring = true;
    try {
      const seqs = new Map((await this.ptyd.list()).map((s) => [s.session, s.seq]));
      for (const t of this.store.tasksInStates(['running'])) {
        if (this.closing) break;
        const seq = t.sessionId ? seqs.get(t.sessionId) : undefined;
        if (seq === undefined || this.measuredAtSeq.get(t.id) === seq) continue;
        this.measuredAtSeq.set(t.id, seq);
        await this.manager.refreshDiffStat(t.id).catch(() => {});
      }
    } catch {
      // ptyd went away mid-way; the next tick tries again.
    } finally {
      this.measuring = false;
    }
  }

  /** Cards show `+/-` once there is a diff: measure when an agent finishes. */
  private readonly lastStates = new Map<string, TaskState>();
  private measureWhenFinished(e: EngineEvent): void {
    if (e.type !== 'task') return;
    const prev = this.lastStates.get(e.task.id);
    this.lastStates.set(e.task.id, e.task.state);
    if (prev === e.task.state || !['review', 'failed', 'cancelled', 'interrupted'].includes(e.task.state)) return;
    void this.manager.refreshDiffStat(e.task.id).catch(() => {});
  }

  static async start(options: EngineOptions): Promise<Engine> {
    const release = acquireEngineLock(options.dataDir);
    let engine: Engine;
    try {
      engine = new Engine(options, release);
    } catch (err) {
      release();
      throw err;
    }
    try {
      // Agents that outlived the last engine may report at once: listen before anything else.
      await engine.supervision.start();
      await engine.connectGuarded();
      // The store against git: merges cut short, worktrees deleted, and (in the background, as
      // it asks git about every finished task) branches merged elsewhere.
      await engine.mergeFlow.reconcileMerging();
      engine.mergeFlow.noticeMissingAll();
      void engine.maintain();
      // Tasks left verifying by the last engine run their checks again.
      await engine.gate.recover();
      engine.planRunner.schedule();
    } catch (err) {
      // Whatever failed, nothing of this engine stays behind: not its socket, its store or its lock.
      engine.closing = true;
      engine.gate.close();
      engine.planRunner.close();
      await engine.supervision.close().catch(() => {});
      engine.ptyd?.close();
      try {
        engine.store.close();
      } finally {
        engine.releaseLock();
      }
      throw err;
    }
    return engine;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  // ---- ptyd connection ----

  /** Connects to ptyd (starting one if needed) and reconciles; throws if it cannot. */
  private async connectPtyd(): Promise<void> {
    const client = await connectOrStartPtyd(ptydPaths(this.options.dataDir), this.options.ptydLaunch, { replaceOlder: this.options.replacePtyd === true });
    try {
      await this.takeConnection(client);
    } catch (err) {
      if (this.ptyd === client) this.ptyd = null;
      client.close();
      throw err;
    }
    if (this.closing) client.close();
  }

  private async takeConnection(client: PtydClient): Promise<void> {
    client.on('exit', (session, exitCode, signal) => {
      // A setup, teardown, verify or reviewer run being waited for; else a shell; else an agent.
      if (this.repoSetup.onExit(session, exitCode, signal)) return;
      if (this.checkSessions.onExit(session, exitCode, signal)) return;
      if (!this.shells.onExit(session, exitCode, signal)) this.runner.onSessionExit(session, exitCode, signal);
      this.sessionBook.onExit(session);
    });
    client.on('notification', (session, text) => this.supervision.terminalNotification(session, text));
    client.on('close', () => {
      if (this.ptyd === client) this.ptyd = null;
      if (!this.closing) setTimeout(() => void this.reconnectPtyd(), 300).unref();
    });
    await this.terminalTheme.tell(client);
    // No task can start until reconciliation is done, so none can be mistaken for a lost one.
    const sessions = await client.list();
    const held = new Set(sessions.map((s) => s.session));
    const lost = this.store.liveSessionIds().filter((id) => !held.has(id));
    this.runner.reconcileSessions(sessions);
    this.shells.forgetLost(lost);
    this.ptyd = client;
    await this.sessionBook.reconcile(sessions, lost);
  }

  /**
   * One connection attempt at a time: two would start two daemons or handle every exit twice.
   * A close while one is under way is remembered, and tried again once it ends.
   */
  private connecting = false;
  private connectAgain = false;
  private async connectGuarded(): Promise<void> {
    this.connecting = true;
    this.connectAgain = false;
    try {
      await this.connectPtyd();
    } finally {
      this.connecting = false;
    }
    if (!this.closing && (this.connectAgain || !this.ptyd)) setTimeout(() => void this.reconnectPtyd(), 300).unref();
  }

  private async reconnectPtyd(): Promise<void> {
    if (this.closing || this.ptyd) return;
    if (this.connecting) {
      this.connectAgain = true;
      return;
    }
    try {
      await this.connectGuarded();
    } catch {
      if (!this.closing) setTimeout(() => void this.reconnectPtyd(), 2000).unref();
    }
  }

  // ---- terminals ----

  openTerminalChannel(sink: TerminalSink): TerminalRelay {
    const logs = ptydPaths(this.options.dataDir).sessionLogDir;
    return new TerminalRelay(
      {
        ptyd: () => this.ptyd,
        isKnownSession: (session) => this.store.isKnownSession(session),
        isLive: (session) => this.store.isLiveSession(session),
        savedOutput: (session) => readSessionLogTail(logs, session, SAVED_OUTPUT_REPLAY_BYTES),
        cols: this.options.cols ?? 120,
        rows: this.options.rows ?? 32,
      },
      sink,
    );
  }

  // ---- settings ----

  settings(): Settings {
    return this.settingsStore.get();
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const next = await this.settingsStore.update(patch);
    // A theme named outright applies at once, even with no window open to say so.
    if (patch.theme === 'dark' || patch.theme === 'light') await this.terminalTheme.set(patch.theme).catch(() => {});
    // A cap may have changed: the scheduler looks again.
    this.planRunner.schedule();
    return next;
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

  // ---- tasks, review, merge ----

  createTask(input: ParsedInput<'tasks.create'>): Promise<Task> {
    return this.runner.createTask(input);
  }
  startTask(taskId: string, opts: StartOptions = {}): Promise<Task> {
    return this.runner.startTask(taskId, opts);
  }
  stopTask(taskId: string): Promise<Task> {
    return this.runner.stopTask(taskId);
  }
  diff(taskId: string): Promise<TaskDiff> {
    return this.review.diff(taskId);
  }
  fileContents(input: ParsedInput<'tasks.fileContents'>): Promise<FileContents> {
    return this.review.fileContents(input);
  }
  merge(taskId: string, commitUncommitted: boolean, expectedFiles?: string[], more: Omit<MergeOptions, 'commitUncommitted' | 'expectedFiles'> = {}): Promise<MergeResult> {
    const task = this.store.task(taskId);
    if (task.plan) {
      // Around the train, a plan task would skip its candidate verify and its parents' order.
      throw new SwitchyardError('bad-state', `"${task.title}" is part of a plan: merge it through the plan's merge train (Merge in its panel, or switchyard task merge ${taskId})`);
    }
    return this.mergeFlow.merge(taskId, { commitUncommitted, expectedFiles, ...more });
  }
  /** Deleting commits that exist on no other branch needs `confirmBranch`, the branch name as typed. */
  cleanup(taskId: string, confirmLoss: boolean, confirmBranch?: string): Promise<CleanupResult> {
    return this.mergeFlow.cleanup(taskId, { confirmLoss, confirmBranch, requireTypedBranch: true });
  }

  // ---- the contract ----

  handlers(): Handlers {
    return {
      ...this.mergeHandlers(),
      'app.info': async () => ({
        version: this.options.version ?? '0.0.0',
        dataDir: this.options.dataDir,
        worktreesDir: this.settings().worktreesDir,
        mode: this.options.mode ?? 'browser',
      }),
      'settings.get': async () => this.settings(),
      'settings.update': (i) => this.updateSettings(i),
      'ui.theme': async (i) => {
        await this.terminalTheme.set(i.theme);
        return null;
      },
      'projects.list': async () => this.store.projects(),
      'projects.open': (i) => this.openProject(i.path),
      'projects.trust': (i) => this.ctx.trust.view(i.projectId),
      'projects.trust.set': (i) => this.ctx.trust.set(i.projectId, i.decisions),
      'projects.branches': (i) => this.branches(i.projectId),
      'tasks.list': async (i) => {
        this.mergeFlow.noticeMissingAll(i.projectId);
        return this.store.tasks(i.projectId);
      },
      'tasks.create': (i) => this.createTask(i),
      'tasks.start': (i) => this.startTask(i.taskId, { agent: i.agent, resume: i.resume }),
      'tasks.stop': (i) => this.stopTask(i.taskId),
      'tasks.ready': async (i) => {
        if (await this.gate.markReady(i.taskId)) return this.store.task(i.taskId);
        return this.runner.stopTask(i.taskId, { to: 'review', reason: 'marked ready by the user' });
      },
      'tasks.events': async (i) => this.store.events(i.taskId),
      'tasks.diff': (i) => this.review.diff(i.taskId, i.against),
      'tasks.commits': (i) => this.review.commits(i.taskId),
      'review.viewed': async (i) => this.notes.viewed(i.taskId),
      'review.setViewed': async (i) => this.notes.setViewed(i),
      'review.comments': async (i) => this.notes.list(i.taskId),
      'review.addComment': (i) => this.notes.add(i),
      'review.deleteComment': async (i) => this.notes.remove(i.taskId, i.commentId),
      'review.sendComments': (i) => this.notes.send(i.taskId),
      'tasks.fileContents': (i) => this.fileContents(i),
      'tasks.merge': (i) => this.merge(i.taskId, i.commitUncommitted, i.expectedFiles, { strategy: i.strategy, target: i.target, message: i.message }),
      'tasks.cleanup': (i) => this.cleanup(i.taskId, i.confirmLoss, i.confirmBranch),
      // ---- agents: profiles, detection, overrides ----
      'agents.list': (i) => this.ctx.agents.list(i.projectId ? this.store.project(i.projectId).path : null),
      'agents.refresh': (i) => {
        this.ctx.agents.refresh();
        return this.ctx.agents.list(i.projectId ? this.store.project(i.projectId).path : null);
      },
      'agents.overrides.get': async (i) => this.ctx.agents.overrides(i.projectId ? this.store.project(i.projectId).path : null),
      'agents.overrides.save': (i) => this.ctx.agents.save(i.projectId ? this.store.project(i.projectId).path : null, i.overrides),
      // ---- supervision: feedback, flags ----
      'tasks.feedback': (i) => this.supervision.feedback(i.taskId, i.message),
      'tasks.messages': async (i) => this.supervision.messages(i.taskId),
      'tasks.dismissFlag': async (i) => this.supervision.dismissFlag(i.taskId, i.flag),
      // ---- board and task management ----
      'tasks.update': (i) => this.manager.update(i),
      'tasks.archive': async (i) => this.manager.archive(i.taskId, i.archived),
      'tasks.discard': (i) => this.manager.discard(i.taskId, i.confirmLoss, i.confirmBranch),
      'tasks.runs': async (i) => this.store.runs(i.taskId),
      'tasks.terminals': async (i) => this.shells.list(i.taskId),
      'tasks.openShell': (i) => this.shells.open(i.taskId),
      'tasks.closeShell': async (i) => {
        await this.shells.close(i.taskId, i.session);
        return null;
      },
      'tasks.refreshDiffStat': (i) => this.manager.refreshDiffStat(i.taskId),
      // ---- attempts ----
      'tasks.createAttempts': (i) => this.attempts.create(i),
      'tasks.attempts': (i) => this.attempts.group(i.taskId),
      'tasks.compareAttempts': (i) => this.attempts.compare(i.a, i.b),
      'tasks.compareFileContents': (i) => this.attempts.fileContents(i),
      'editors.list': async () => detectEditors(),
      // ---- checks: verify gate, reviewer, retries, timeline ----
      'tasks.checks': (i) => this.checks.forTask(i.taskId, true),
      'tasks.verify': (i) => this.gate.verifyNow(i.taskId),
      'tasks.verifyRuns': async (i) => {
        this.store.task(i.taskId);
        return this.checkRuns.verifyRuns(i.taskId);
      },
      'tasks.verifyLog': async (i) => this.checkRuns.verifyLog(i.taskId, i.runId),
      'tasks.reviewerRuns': async (i) => {
        this.store.task(i.taskId);
        return this.checkRuns.reviewerRuns(i.taskId);
      },
      'tasks.retry': (i) => retryTask(this.ctx, this.runner, i.taskId, i.fresh, i.agent),
      // ---- plans ----
      'plans.list': async (i) => this.plans.list(i.projectId),
      'plans.get': async (i) => this.plans.get(i.planId),
      'plans.import': (i) => this.emitPlan(this.plans.importText(i.projectId, i.text, i.file, i.format)),
      'plans.preview': async (i) => this.plans.preview(i.text, i.format, i.file),
      'plans.propose': (i) => proposePlan(this.ctx, i.projectId, i.goal, i.agent, i.base),
      'demo.create': () => this.createDemo(),
      'sessions.orphans': () => this.sessionBook.list(),
      'sessions.adopt': (i) => this.sessionBook.adopt(i.session),
      'sessions.kill': (i) => this.sessionBook.kill(i.session),
      'projects.matchGlobs': async (i) => {
        const project = this.store.project(i.projectId);
        const ref = i.ref ?? (await currentBranch(project.path)) ?? 'HEAD';
        const files = (await git(['ls-tree', '-r', '-z', '--name-only', ref], { cwd: project.path })).stdout.split('\0').filter(Boolean);
        return i.globs.map((glob) => {
          const error = globError(glob);
          if (error) return { glob, files: [], total: 0, error };
          const matched = files.filter((f) => matchesGlob(glob, f));
          return { glob, files: matched.slice(0, i.limit), total: matched.length, error: null };
        });
      },
      'plans.export': async (i) => this.plans.exportText(i.planId, i.format),
      'plans.update': (i) => this.emitPlan(Promise.resolve(this.plans.update(i.planId, i.version, i.plan))),
      'plans.start': async (i) => this.emitPlan(Promise.resolve({ plan: this.plans.start(i.planId, { autoMerge: i.autoMerge }) })).then((v) => v.plan),
      'plans.pause': async (i) => this.emitPlan(Promise.resolve({ plan: this.plans.pause(i.planId) })).then((v) => v.plan),
      'plans.stop': async (i) => this.emitPlan(this.plans.stop(i.planId).then((plan) => ({ plan }))).then((v) => v.plan),
      'plans.mergeTask': (i) => this.mergeTrain.merge(i.taskId),
      'plans.finish': (i) => finishPlan(this.ctx, this.plans.store, i.planId, i.how, this.options.toolPath ?? process.env.PATH ?? ''),
      'tasks.timeline': async (i) =>
        buildTimeline({
          events: this.store.events(i.taskId),
          runs: this.store.runs(i.taskId),
          verifyRuns: this.checkRuns.verifyRuns(i.taskId),
          reviewerRuns: this.checkRuns.reviewerRuns(i.taskId),
          messages: this.store.messages(i.taskId),
          now: Date.now(),
        }),
      // ---- repository config: trust, setup, ports ----
      'projects.config': (i) => this.repoSetup.view(i.projectId, i.branch),
      'projects.trustConfig': (i) => this.repoSetup.trust(i.projectId, i.hash, i.branch),
      'tasks.openInEditor': (i) => {
        const task = this.store.task(i.taskId);
        if (!task.worktreePath || task.cleanedUp) throw new SwitchyardError('bad-state', 'the task has no worktree to open; start it first');
        return openInEditor(task.worktreePath, this.settings(), { openTerminal: (file, args, title) => this.shells.open(i.taskId, { file, args, title }) }, i.editor);
      },
    };
  }

  /** The demo (plans/demo.ts): its repository opened as a project, its plan imported and started. */
  async createDemo(root?: string): Promise<{ projectId: string; planId: string; repo: string }> {
    const { repo, plan } = await prepareDemo(root);
    const project = await this.openProject(repo);
    const view = await this.emitPlan(this.plans.create(project.id, plan));
    const started = this.plans.start(view.plan.id, { autoMerge: true });
    this.emit('event', { type: 'plan', plan: started });
    return { projectId: project.id, planId: view.plan.id, repo };
  }

  /** Tells every UI a plan changed, and passes the result on. */
  private async emitPlan<T extends { plan: Plan }>(p: Promise<T>): Promise<T> {
    const v = await p;
    this.emit('event', { type: 'plan', plan: v.plan });
    return v;
  }

  /** Runs the automatic clean-up now (as its timer does), as of `now`; returns the tasks cleaned up. */
  autoCleanup(now?: number): Promise<string[]> {
    return this.mergeFlow.autoCleanup(now);
  }

  // ---- merge: strategies, preview, conflicts, remotes (handlers) ----
  private mergeHandlers(): Pick<
    Handlers,
    | 'tasks.mergePreview'
    | 'tasks.conflictContents'
    | 'tasks.rebaseOntoBase'
    | 'tasks.sendConflictsToAgent'
    | 'projects.mergeStrategy'
    | 'projects.setMergeStrategy'
    | 'tasks.diskUsage'
    | 'tasks.cleanupMany'
    | 'tasks.push'
    | 'tasks.createPullRequest'
  > {
    const m = this.mergeFlow;
    return {
      'tasks.mergePreview': (i) => m.preview(i.taskId, i.target),
      'tasks.conflictContents': (i) => m.conflictContents(i.taskId, i.path, i.target),
      'tasks.rebaseOntoBase': (i) => m.rebaseOntoBase(i.taskId, i.target),
      'tasks.sendConflictsToAgent': (i) => m.sendConflictsToAgent(i.taskId),
      'projects.mergeStrategy': async (i) => m.strategyFor(i.projectId),
      'projects.setMergeStrategy': async (i) => m.setStrategy(i.projectId, i.strategy),
      'tasks.diskUsage': (i) => m.diskUsage(i.projectId),
      'tasks.cleanupMany': (i) => m.cleanupMany(i.taskIds),
      'tasks.push': (i) => m.push(i.taskId),
      'tasks.createPullRequest': (i) => m.createPullRequest(i.taskId, i),
    };
  }

  /** Closes the engine. Agents keep running in ptyd unless `stopPtyd` is set. */
  async close(opts: { stopPtyd?: boolean } = {}): Promise<void> {
    this.closing = true;
    if (this.diffStatTimer) clearInterval(this.diffStatTimer);
    // Attempts being closed after a merge finish first: they write to the store.
    await this.attempts.idle().catch(() => {});
    this.gate.close();
    this.planRunner.close();
    stopPlanners();
    // Starts under way finish first (they write to the store); a candidate verify is stopped,
    // and its task left merging for the next engine to settle.
    await this.planRunner.idle().catch(() => {});
    await this.mergeTrain.close();
    await this.mergeTrain.idle().catch(() => {});
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    await this.maintaining;
    await this.supervision.close();
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
    this.releaseLock();
  }
}

/** A positive whole number of milliseconds from an environment variable, or undefined. */
function msFromEnv(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}
