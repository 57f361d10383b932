/** One place for everything about a task: prompt, agent, branch, worktree, runs, events, messages. */
import { useEffect, useState } from 'react';
import { isCustomAgent } from '../../shared/agents';
import type { TimelineEntry } from '../../shared/checks';
import type { Run, Task, TaskEvent, TaskMessage } from '../../shared/task';
import { formatDuration } from '../format';
import type { Api } from '../api/client';
import { useToast } from '../toasts';
import { agentLabel } from './TaskCard';
import '../styles/checks.css';

function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

export function TaskDetails({ api, task }: { api: Api; task: Task }) {
  const toast = useToast();
  const [runs, setRuns] = useState<Run[]>([]);
  const [events, setEvents] = useState<TaskEvent[]>([]);
  const [messages, setMessages] = useState<TaskMessage[]>([]);
  const [timeline, setTimeline] = useState<TimelineEntry[] | null>(null);

  useEffect(() => {
    void api.call('tasks.runs', { taskId: task.id }).then(setRuns, () => {});
    void api.call('tasks.events', { taskId: task.id }).then(setEvents, () => {});
    void api.call('tasks.messages', { taskId: task.id }).then(setMessages, () => {});
    void api.call('tasks.timeline', { taskId: task.id }).then(setTimeline, () => setTimeline([]));
  }, [api, task.id, task.updatedAt]);

  const copy = (text: string, what: string): void => {
    void navigator.clipboard?.writeText(text).then(
      () => toast('success', `${what} copied.`),
      () => toast('error', `Could not copy the ${what.toLowerCase()}.`),
    );
  };

  return (
    <div className="details">
      <section className="details-section">
        <h3>Prompt</h3>
        <pre className="details-prompt">{task.prompt || '(no prompt)'}</pre>
      </section>
      <section className="details-section details-grid">
        <span className="muted">Agent</span>
        <span>
          {agentLabel(task)}
          {isCustomAgent(task.agent) && <code className="details-code">{task.agent.command}</code>}
        </span>
        <span className="muted">Branch</span>
        <span className="mono">{task.branch ?? '— (not started)'}</span>
        <span className="muted">Base</span>
        <span className="mono">{task.baseBranch}</span>
        <span className="muted">Worktree</span>
        <span className="details-path">
          <span className="mono" data-testid="worktree-path">
            {task.worktreePath ?? '— (not started)'}
          </span>
          {task.worktreePath && (
            <button className="btn btn-small" onClick={() => copy(task.worktreePath!, 'Worktree path')} aria-label="Copy worktree path">
              Copy
            </button>
          )}
        </span>
        {task.diffStat && (
          <>
            <span className="muted">Changes</span>
            <span>
              {task.diffStat.files} file{task.diffStat.files === 1 ? '' : 's'}, <span className="add">+{task.diffStat.additions}</span>{' '}
              <span className="del">−{task.diffStat.deletions}</span>
            </span>
          </>
        )}
      </section>
      <section className="details-section">
        <h3>Activity</h3>
        {timeline === null ? <p className="muted">Loading…</p> : timeline.length === 0 ? <p className="muted">Nothing has happened yet.</p> : <Timeline entries={timeline} />}
      </section>
      <section className="details-section">
        <h3>Runs</h3>
        {runs.length === 0 ? (
          <p className="muted">The agent has not run yet.</p>
        ) : (
          <table className="details-table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Ended</th>
                <th>Exit</th>
                <th>Command</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>{when(r.startedAt)}</td>
                  <td>{r.endedAt ? when(r.endedAt) : 'running'}</td>
                  <td className={r.exitCode ? 'del' : ''}>{r.exitCode ?? (r.signal ? `signal ${r.signal}` : '—')}</td>
                  <td className="mono details-argv" title={r.argv.join(' ')}>
                    {r.argv.map((a) => a.split('/').pop()).join(' ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {messages.length > 0 && (
        <section className="details-section">
          <h3>Feedback and reports</h3>
          <ul className="details-log">
            {messages.map((m) => (
              <li key={m.id}>
                <span className="muted">{when(m.at)}</span> <strong>{m.kind === 'feedback' ? 'You' : 'Agent'}:</strong> {m.text}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="details-section">
        <h3>Event log</h3>
        <ul className="details-log">
          {events.map((e) => (
            <li key={e.id}>
              <span className="muted">{when(e.at)}</span> {e.fromState ? `${e.fromState} → ` : ''}
              <strong>{e.toState}</strong> — {e.reason}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** The task's activity, oldest first: a time, a tone, what happened, and how long it lasted. */
function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const today = new Date().toDateString();
  return (
    <ol className="timeline" aria-label="Activity" data-testid="timeline">
      {entries.map((e, i) => {
        const d = new Date(e.at);
        const time = d.toDateString() === today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
        return (
          <li key={i} className={`timeline-entry tone-${e.tone}`} data-kind={e.kind} data-tone={e.tone}>
            <span className="timeline-time" title={d.toLocaleString()}>
              {time}
            </span>
            <span className="timeline-dot" aria-hidden />
            <span>
              <span className="timeline-title">{e.title}</span>
              {e.detail && <span className="timeline-detail">{e.detail}</span>}
            </span>
            <span className="timeline-duration">{e.durationMs !== null ? formatDuration(e.durationMs) : e.tone === 'live' ? 'ongoing' : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}
