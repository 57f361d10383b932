/**
 * Feedback, one click from review. A running agent gets it typed into its terminal and
 * submitted, and must visibly take it; an agent that has exited is started again in the same
 * worktree with the feedback as its prompt, resuming its session where its profile can.
 * Either way the task is running afterwards, and the feedback is kept in its history.
 */
import type { FeedbackResult } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import { notWaiting, type Task, type TaskState } from '../../shared/task';
import type { EngineContext } from '../context';
import { TaskLocks } from '../tasks/task-locks';
import type { Attention } from './attention';
import { typeAndConfirm, type DeliveryOptions } from './delivery';
import type { NeedsInputMonitor } from './monitor';

/** States whose agent has exited, so feedback restarts it. */
const RESTARTABLE: readonly TaskState[] = ['review', 'failed', 'cancelled', 'interrupted'];

export interface Restarter {
  /** Starts the task's agent again in its worktree with `prompt`, resuming where it can. */
  restartWithPrompt(taskId: string, prompt: string, reason: string): Promise<Task>;
}

export class Feedback {
  /** One feedback at a time per task, without holding the task lock (Stop must stay possible). */
  private readonly queue = new TaskLocks();

  constructor(
    private readonly ctx: EngineContext,
    private readonly runner: Restarter,
    private readonly monitor: NeedsInputMonitor,
    private readonly attention: Attention,
    private readonly delivery: DeliveryOptions = {},
  ) {}

  send(taskId: string, message: string): Promise<FeedbackResult> {
    return this.queue.run(taskId, async () => {
      const task = this.ctx.store.task(taskId);
      if (task.state === 'running' && task.sessionId) return this.typeInto(task, task.sessionId, message);
      if (RESTARTABLE.includes(task.state)) return this.restart(task, message);
      throw new SwitchyardError('bad-state', `feedback needs an agent that runs or has finished; this task is ${task.state}`);
    });
  }

  private async typeInto(task: Task, session: string, message: string): Promise<FeedbackResult> {
    const { store } = this.ctx;
    store.addMessage(task.id, 'feedback', message);
    // The user answered: whatever the agent waited for, and whatever did not arrive before.
    this.clearFlags(task.id);
    this.monitor.pause(task.id);
    let taken: boolean;
    try {
      taken = await typeAndConfirm(() => this.ctx.ptyd(), session, message, this.delivery);
    } finally {
      this.monitor.resume(task.id);
    }
    store.addNote(task.id, taken ? 'feedback typed into the agent, and taken' : 'feedback typed into the agent, but not seen taken');
    if (taken) return { task: store.task(task.id), delivery: 'typed-confirmed' };
    const current = store.task(task.id);
    const flagged = this.ctx.taskChanged(store.patchTask(task.id, { flags: { ...current.flags, deliveryUnconfirmed: true } }));
    this.attention.raise(flagged, 'delivery-unconfirmed', 'Your feedback was typed, but the agent was not seen to take it');
    return { task: flagged, delivery: 'typed-unconfirmed' };
  }

  private async restart(task: Task, message: string): Promise<FeedbackResult> {
    // Kept first: if the restart fails, the user's words are still in the task's history.
    this.ctx.store.addMessage(task.id, 'feedback', message);
    const restarted = await this.runner.restartWithPrompt(task.id, message, 'sent back with feedback');
    return { task: restarted, delivery: 'restarted' };
  }

  private clearFlags(taskId: string): void {
    const t = this.ctx.store.task(taskId);
    if (!t.flags.needsInput && !t.flags.yourTurn && !t.flags.deliveryUnconfirmed) return;
    this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { flags: { ...notWaiting(t.flags), deliveryUnconfirmed: false } }));
  }
}
