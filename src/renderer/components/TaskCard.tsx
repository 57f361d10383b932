import type { Task } from '../../shared/task';
import { timeAgo } from '../format';
import { StateBadge } from './StateBadge';

export function agentLabel(task: Task): string {
  if (task.agent.profile === 'shell') return 'Shell';
  const cmd = task.agent.command ?? '';
  const exe = cmd.trim().split(/\s+/)[0] ?? 'custom';
  return exe.split('/').pop() || 'Custom';
}

export function TaskCard({ task, selected, onSelect }: { task: Task; selected: boolean; onSelect(): void }) {
  return (
    <button className={`card${selected ? ' card-selected' : ''} card-${task.state}`} onClick={onSelect} data-task-id={task.id} aria-pressed={selected}>
      <div className="card-top">
        <span className="card-title">{task.title}</span>
        <StateBadge state={task.state} exitCode={task.exitCode} compact />
      </div>
      <div className="card-meta">
        <span className="card-agent" title={task.agent.command ?? 'Login shell'}>
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
