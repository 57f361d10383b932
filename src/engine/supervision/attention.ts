/**
 * Attention events: the engine tells every UI (and the desktop app's OS notifications) when a
 * task starts needing input, finishes, or did not visibly take feedback.
 */
import type { AttentionReason, EngineEvent } from '../../shared/contract';
import type { Task, TaskState } from '../../shared/task';
import { LIVE_STATES } from '../tasks/lifecycle';

const FINISHED: readonly TaskState[] = ['review', 'failed'];

export class Attention {
  /** Each task's last state seen, to tell "just finished" from "was already finished". */
  private readonly states = new Map<string, TaskState>();

  constructor(
    tasks: Task[],
    private readonly emit: (event: EngineEvent) => void,
  ) {
    for (const t of tasks) this.states.set(t.id, t.state);
  }

  raise(task: Task, reason: AttentionReason, detail: string): void {
    this.emit({ type: 'attention', taskId: task.id, reason, title: task.title, detail });
  }

  /** Watches task events for an agent run ending in review or failed. */
  onEvent(event: EngineEvent): void {
    if (event.type !== 'task') return;
    const { task } = event;
    const prev = this.states.get(task.id);
    this.states.set(task.id, task.state);
    if (prev === undefined || !LIVE_STATES.includes(prev) || !FINISHED.includes(task.state)) return;
    if (task.gate.escalated) {
      this.raise(task, 'verify-failed', `Needs you: ${task.stateReason ?? task.gate.escalated}`);
      return;
    }
    const detail = task.state === 'review' ? (task.gate.verify === 'passed' ? 'Verified: ready for review' : 'Finished: ready for review') : `Failed: ${task.stateReason ?? 'the agent failed'}`;
    this.raise(task, 'finished', detail);
  }
}
