/**
 * Supervision of running agents: the notify socket agents report through, the needs-input
 * monitor, feedback with checked delivery, and attention events. engine.ts wires this in.
 */
import type { EngineEvent, FeedbackResult } from '../../shared/contract';
import type { Task, TaskFlags, TaskMessage } from '../../shared/task';
import type { EngineContext } from '../context';
import { AgentReports } from './agent-reports';
import { Attention } from './attention';
import { installCliLauncher } from './cli-launcher';
import type { DeliveryOptions } from './delivery';
import { Feedback, type Restarter } from './feedback';
import { NeedsInputMonitor } from './monitor';
import { NotifyServer, notifySocketPath } from './notify-server';
import { Watchdog } from './watchdog';
import type { ChecksResolver } from '../checks/effective';
import type { StartOptions, StopOptions } from '../tasks/runner';

export interface SupervisionOptions {
  /** How often running agents' screens are checked for "needs input". */
  monitorIntervalMs?: number;
  /** How often running agents are checked for being stuck or over budget. */
  watchdogIntervalMs?: number;
  delivery?: DeliveryOptions;
}

/** What supervision needs of the rest of the engine. */
export interface SupervisionDeps {
  runner: Restarter & { stopTask(taskId: string, opts: StopOptions): Promise<Task>; startTask(taskId: string, opts: StartOptions): Promise<Task> };
  checks: ChecksResolver;
  /** A live agent reported done: the verify gate may take it from here. */
  onDone: (taskId: string) => void;
}

export class Supervision {
  private readonly attention: Attention;
  private readonly monitor: NeedsInputMonitor;
  private readonly reports: AgentReports;
  private readonly feedbackSender: Feedback;
  private readonly notifyServer: NotifyServer;
  readonly watchdog: Watchdog;

  constructor(
    private readonly ctx: EngineContext,
    deps: SupervisionDeps,
    opts: SupervisionOptions = {},
  ) {
    const { runner } = deps;
    this.attention = new Attention(ctx.store.tasks(), (e) => ctx.emit(e));
    this.monitor = new NeedsInputMonitor(ctx, (task) => this.attention.raise(task, 'needs-input', 'Waiting for your input'), opts.monitorIntervalMs);
    this.reports = new AgentReports(ctx, this.monitor, this.attention, deps.onDone);
    this.feedbackSender = new Feedback(ctx, runner, this.monitor, this.attention, opts.delivery);
    this.notifyServer = new NotifyServer(notifySocketPath(ctx.options.dataDir), this.reports);
    this.watchdog = new Watchdog(
      ctx,
      {
        checks: deps.checks,
        raise: (task, reason, detail) => this.attention.raise(task, reason, detail),
        nudge: (taskId, message) => this.feedback(taskId, message),
        stop: (taskId, o) => runner.stopTask(taskId, o),
        start: (taskId, o) => runner.startTask(taskId, o),
      },
      opts.watchdogIntervalMs,
    );
  }

  /** Opens the notify socket, writes the `switchyard` launcher, and starts watching. */
  async start(): Promise<void> {
    if (this.ctx.options.cliLaunch) installCliLauncher(this.ctx.options.dataDir, this.ctx.options.cliLaunch);
    await this.notifyServer.listen();
    this.monitor.start();
    this.watchdog.start();
  }

  async close(): Promise<void> {
    this.monitor.stop();
    this.watchdog.stop();
    await this.notifyServer.close();
  }

  onEvent(event: EngineEvent): void {
    this.attention.onEvent(event);
  }

  /** A program in a session asked its terminal for a notification (OSC 9): see AgentReports. */
  terminalNotification(session: string, text: string): void {
    this.reports.terminalNotification(session, text);
  }

  feedback(taskId: string, message: string): Promise<FeedbackResult> {
    return this.feedbackSender.send(taskId, message);
  }

  messages(taskId: string): TaskMessage[] {
    this.ctx.store.task(taskId); // an unknown task is an error, not an empty history
    return this.ctx.store.messages(taskId);
  }

  dismissFlag(taskId: string, flag: keyof TaskFlags): Task {
    const t = this.ctx.store.task(taskId);
    if (flag === 'needsInput' || flag === 'yourTurn') this.monitor.dismiss(taskId);
    const flags: TaskFlags = { ...t.flags, [flag]: flag === 'message' ? null : false, ...(flag === 'needsInput' ? { needsInputSource: null } : {}) };
    if (flag === 'stuck' || flag === 'overBudget') this.watchdog.dismiss(taskId, flag);
    if (flag === 'stuck' || flag === 'overBudget') this.ctx.store.addNote(taskId, `supervision: the user dismissed the ${flag === 'stuck' ? 'stuck' : 'over budget'} flag`);
    return this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { flags }));
  }
}
