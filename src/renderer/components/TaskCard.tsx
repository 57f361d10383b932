import { isCustomAgent } from '../../shared/agents';
import { parseCommandLine } from '../../shared/command-line';
import type { Task } from '../../shared/task';
import { timeAgo } from '../format';
import { StateBadge } from './StateBadge';

export function agentLabel(task: Task): string {
  if (!isCustomAgent(task.agent)) return task.agent.profile === 'shell' ? 'Shell' : task.agent.profile;
  try {
    const [exe] = parseCommandLine(task.agent.command);
    return exe?.split('/').pop() || 'Custom';
  } catch {
    return 'Custom';
  }
}

export function TaskCard({ task, selected, onSelect }: { task: Task; selected: boolean; onSelect(): void }) {
  return (
    <button className={`card${selected ? ' card-selected' : ''} card-${task.state}`} onClick={onSelect} data-task-id={task.id} aria-pressed={selected}>
      <div className="card-top">
        <span className="card-title">{task.title}</span>
        <StateBadge state={task.state} exitCode={task.exitCode} compact />
      </div>
      <div className="card-meta">
        <span className="card-agent" title={isCustomAgent(task.agent) ? task.agent.command : task.agent.profile}>
          {agentLabel(task)}
        </span>
        <span className="card-time" title={new Date(task.stateChangedAt).toLocaleString()}>
          {timeAgo(task.stateChangedAt)}
        </span>
      </div>
      {task.branch && (
        <div className="card-branch" title={task.branch}>
          {task.branch}
        </div>
      )}
    </button>
  );
}
