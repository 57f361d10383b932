/**
 * "Needs input" and "Your turn" on a card, a grid pane or the task panel, with who raised it:
 * the agent's own hook, a `switchyard notify` it ran, or the screen heuristic.
 */
import type { FlagSource, Task } from '../../shared/task';

const SOURCE_LABEL: Record<FlagSource, string> = { hook: 'hook', notify: 'agent', screen: 'screen' };
const SOURCE_TITLE: Record<FlagSource, string> = {
  hook: 'raised by the agent’s own hook',
  notify: 'the agent said so (switchyard notify)',
  screen: 'guessed from its screen: a prompt, and quiet for a while',
};

interface Props {
  task: Task;
  /** A shorter label, for grid panes. */
  compact?: boolean;
  onDismiss?: () => void;
}

export function WaitingFlag({ task, compact, onDismiss }: Props) {
  const { needsInput, yourTurn, needsInputSource, message } = task.flags;
  if (!needsInput && !yourTurn) return null;
  // "Your turn" comes only from a turn-end hook.
  const source: FlagSource = needsInput ? (needsInputSource ?? 'screen') : 'hook';
  const label = needsInput ? (compact ? 'Input' : 'Needs input') : 'Your turn';
  const why = needsInput ? 'The agent is waiting for you' : 'The agent finished its turn: send a follow-up, or mark the task ready';
  return (
    <span className={`flag ${needsInput ? 'flag-input' : 'flag-turn'}`} data-testid={needsInput ? 'flag-needs-input' : 'flag-your-turn'} data-source={source} title={`${message ?? why} — ${SOURCE_TITLE[source]}`}>
      ● {label}
      {!compact && <span className="flag-source">{SOURCE_LABEL[source]}</span>}
      {onDismiss && (
        <button className="flag-dismiss" aria-label={`Dismiss ${needsInput ? 'needs input' : 'your turn'}`} title="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </span>
  );
}
