import type { TaskState } from '../../shared/task';

const LABEL: Record<TaskState, string> = {
  queued: 'Queued',
  blocked: 'Blocked',
  running: 'Running',
  verifying: 'Verifying',
  interrupted: 'Interrupted',
  review: 'Review',
  failed: 'Failed',
  merging: 'Merging',
  done: 'Merged',
  cancelled: 'Cancelled',
};

/** On a card, only states that differ from their column's default get a badge. */
const QUIET_ON_CARD: TaskState[] = ['queued', 'review', 'done'];

export function StateBadge({ state, exitCode, compact }: { state: TaskState; exitCode: number | null; compact?: boolean }) {
  if (compact && QUIET_ON_CARD.includes(state)) return null;
  const text = state === 'failed' && exitCode !== null ? `Failed · exit ${exitCode}` : LABEL[state];
  return <span className={`badge badge-${state}`}>{state === 'running' && <span className="pulse" aria-hidden />}{text}</span>;
}
