/** Which state may follow which. Every transition the engine makes is checked here. */
import type { TaskState } from '../../shared/task';

const NEXT: Record<TaskState, readonly TaskState[]> = {
  // failed: its setup (.switchyard/config.yaml) failed before the agent started.
  queued: ['running', 'cancelled', 'blocked', 'failed'],
  blocked: ['queued', 'cancelled'],
  running: ['review', 'failed', 'interrupted', 'cancelled', 'verifying'],
  // running: a fix round sends the agent back; cancelled: stopped during verify.
  verifying: ['review', 'failed', 'interrupted', 'cancelled', 'running'],
  // verifying: a verify asked for by the user.
  // done: its branch was merged outside Switchyard (MergeFlow.reconcileMergedOutside).
  interrupted: ['running', 'review', 'failed', 'cancelled', 'verifying', 'done'],
  review: ['running', 'merging', 'cancelled', 'done', 'verifying'],
  failed: ['running', 'merging', 'cancelled', 'done', 'verifying'],
  // A merge that does not happen returns the task to where it was.
  merging: ['done', 'review', 'failed', 'cancelled'],
  done: [],
  // A stopped task's work stays reviewable and mergeable (engine.merge allows it).
  cancelled: ['running', 'merging', 'verifying', 'done'],
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return NEXT[from].includes(to);
}

/** States in which an agent process may be alive. */
export const LIVE_STATES: readonly TaskState[] = ['running', 'verifying'];
