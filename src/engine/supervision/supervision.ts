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

export interface SupervisionOptions {
  /** How often running agents' screens are checked for "needs input". */
  monitorIntervalMs?: number;
  delivery?: DeliveryOptions;
}

export class Supervision {
  private readonly attention: Attention;
  private readonly monitor: NeedsInputMonitor;
  private readonly reports: AgentReports;
  private readonly feedbackSender: Feedback;
  private readonly notifyServer: NotifyServer;

  constructor(
    private readonly ctx: EngineContext,
    runner: Restarter,
    opts: SupervisionOptions = {},
  ) {
    this.attention = new Attention(ctx.store.tasks(), (e) => ctx.emit(e));
    this.monitor = new NeedsInputMonitor(ctx, (task) => this.attention.raise(task, 'needs-input', 'Waiting for your input'), opts.monitorIntervalMs);
    this.reports = new AgentReports(ctx, this.monitor, this.attention);
    this.feedbackSender = new Feedback(ctx, runner, this.monitor, this.attention, opts.delivery);
    this.notifyServer = new NotifyServer(notifySocketPath(ctx.options.dataDir), this.reports);
  }

  /** Opens the notify socket, writes the `switchyard` launcher, and starts watching. */
  async start(): Promise<void> {
    if (this.ctx.options.cliLaunch) installCliLauncher(this.ctx.options.dataDir, this.ctx.options.cliLaunch);
    await this.notifyServer.listen();
    this.monitor.start();
  }

  async close(): Promise<void> {
    this.monitor.stop();
    await this.notifyServer.close();
  }

  onEvent(event: EngineEvent): void {
    this.attention.onEvent(event);
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
    if (flag === 'needsInput') this.monitor.dismiss(taskId);
    const flags: TaskFlags = { ...t.flags, [flag]: flag === 'message' ? null : false };
    return this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { flags }));
  }
}
