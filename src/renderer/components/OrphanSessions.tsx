/**
 * Sessions that no task owns, left running in the terminal daemon (a restored database, a task
 * deleted while its agent ran). A slim notice under the top bar says how many; it opens the
 * list, where each can be adopted (bound to its task, or to a new task for the worktree it runs
 * in) or killed (its whole process tree, after a confirmation).
 */
import { useState } from 'react';
import type { OrphanSession } from '../../shared/contract';
import type { Project, Task } from '../../shared/task';
import type { Api } from '../api/client';
import { timeAgo } from '../format';
import { useToast } from '../toasts';
import { Dialog } from './Dialog';
import '../styles/sessions.css';

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** "2 sessions have no task — they were left running in the terminal daemon." */
export function orphanSummary(orphans: OrphanSession[]): string {
  const n = orphans.length;
  const running = orphans.filter((o) => o.alive).length;
  const head = `${n} ${plural(n, 'session has', 'sessions have')} no task — ${plural(n, 'it was', 'they were')} left`;
  if (running === n) return `${head} running in the terminal daemon.`;
  if (running === 0) return `${head} in the terminal daemon (${plural(n, 'it has', 'all have')} exited).`;
  return `${head} in the terminal daemon (${running} still running).`;
}

export function OrphanNotice({ orphans, onOpen }: { orphans: OrphanSession[]; onOpen(): void }) {
  // "Later" hides the notice until the set of sessions changes.
  const key = orphans
    .map((o) => o.session)
    .sort()
    .join(' ');
  const [hidden, setHidden] = useState<string | null>(null);
  if (orphans.length === 0 || hidden === key) return null;
  return (
    <div className="orphan-notice" role="status" data-testid="orphan-notice">
      <span className="orphan-notice-mark" aria-hidden>
        !
      </span>
      <span className="orphan-notice-text">{orphanSummary(orphans)}</span>
      <button className="btn btn-small" onClick={onOpen}>
        Review {plural(orphans.length, 'it', 'them')}…
      </button>
      <button className="btn btn-small btn-ghost" onClick={() => setHidden(key)} title="Hide this until the sessions change">
        Later
      </button>
    </div>
  );
}

interface DialogProps {
  api: Api;
  orphans: OrphanSession[];
  projects: Map<string, Project>;
  tasks: Map<string, Task>;
  onClose(): void;
  onAdopted(task: Task, session: string): void;
  onKilled(session: string): void;
}

export function OrphanSessionsDialog({ api, orphans, projects, tasks, onClose, onAdopted, onKilled }: DialogProps) {
  const toast = useToast();
  const [busy, setBusy] = useState<{ session: string; what: 'adopt' | 'kill' } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirm, setConfirm] = useState<OrphanSession | null>(null);

  const run = async (o: OrphanSession, what: 'adopt' | 'kill'): Promise<void> => {
    setBusy({ session: o.session, what });
    setErrors(({ [o.session]: _gone, ...rest }) => rest);
    try {
      if (what === 'adopt') {
        const task = await api.call('sessions.adopt', { session: o.session });
        toast('success', `Adopted session ${o.session}: it is now the agent of “${task.title}”.`);
        onAdopted(task, o.session);
      } else {
        await api.call('sessions.kill', { session: o.session });
        toast('success', `Killed session ${o.session}: its processes were stopped.`);
        onKilled(o.session);
      }
      setConfirm(null);
    } catch (err) {
      const message = (err as Error).message;
      setErrors((all) => ({ ...all, [o.session]: `Could not ${what} it: ${message}` }));
      toast('error', `Could not ${what} session ${o.session}`, message);
      setConfirm(null);
    } finally {
      setBusy(null);
    }
  };

  if (confirm) {
    const killing = busy?.session === confirm.session;
    return (
      <Dialog title={`Kill session ${confirm.session}?`} onClose={() => setConfirm(null)} closable={!killing}>
        <div className="orphan-confirm">
          {confirm.alive ? (
            <p>
              Its processes will be stopped: pid <span className="mono">{confirm.pid}</span> and everything it started, in{' '}
              <span className="mono orphan-path">{confirm.cwd}</span>. <strong>Anything unsaved in them is lost.</strong>
            </p>
          ) : (
            <p>
              It has already exited ({exitText(confirm)}). Killing it forgets the session and what it printed; anything it started that still runs is stopped, and anything unsaved in those is
              lost.
            </p>
          )}
          <p className="muted">Files it wrote to disk stay where they are.</p>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setConfirm(null)} disabled={killing} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger-solid" onClick={() => void run(confirm, 'kill')} disabled={killing}>
            {killing ? 'Killing…' : 'Kill session'}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Sessions without a task" onClose={onClose} wide>
      <p className="muted orphan-intro">
        These were left in the terminal daemon with no task to own them — from a restored database, or a task removed while its agent ran. Adopt one to get its terminal back on the board, or
        kill it.
      </p>
      {orphans.length === 0 ? (
        <p className="muted">Every session has a task again.</p>
      ) : (
        <ul className="orphan-list">
          {orphans.map((o) => {
            const task = o.taskId ? tasks.get(o.taskId) : undefined;
            const project = o.projectId ? projects.get(o.projectId) : undefined;
            const rowBusy = busy?.session === o.session;
            return (
              <li key={o.session} className="orphan-row" data-session={o.session} aria-label={`Session ${o.session}`}>
                <div className="orphan-main">
                  <div className="orphan-head">
                    <span className={`badge ${o.alive ? 'badge-running' : 'badge-cancelled'}`}>
                      {o.alive && <span className="pulse" aria-hidden />}
                      {o.alive ? 'Running' : `Exited · ${exitText(o)}`}
                    </span>
                    <span className="mono orphan-id">{o.session}</span>
                  </div>
                  <div className="mono orphan-path" title={o.cwd}>
                    {o.cwd}
                  </div>
                  <div className="orphan-meta muted">
                    <span>pid {o.pid}</span>
                    <span title={new Date(o.startedAt).toLocaleString()}>started {timeAgo(o.startedAt)} ago</span>
                    {o.adoptable && (o.taskId || o.projectId) && (
                      <span>
                        {o.taskId
                          ? `goes back to “${task?.title ?? o.taskId}”`
                          : `becomes a new task${project ? ` in ${project.name}` : ''}`}
                      </span>
                    )}
                  </div>
                  {!o.adoptable && o.why && (
                    <div className="orphan-why" data-testid="orphan-why">
                      Cannot adopt: {o.why}
                    </div>
                  )}
                  {errors[o.session] && (
                    <div className="form-error" role="alert">
                      {errors[o.session]}
                    </div>
                  )}
                </div>
                <div className="orphan-actions">
                  <button
                    className="btn btn-small"
                    onClick={() => void run(o, 'adopt')}
                    disabled={!o.adoptable || busy !== null}
                    title={o.adoptable ? (o.taskId ? 'Bind it back to its task' : 'Make a task for the worktree it runs in') : (o.why ?? 'It cannot be adopted')}
                  >
                    {rowBusy && busy?.what === 'adopt' ? 'Adopting…' : 'Adopt'}
                  </button>
                  <button className="btn btn-small btn-danger" onClick={() => setConfirm(o)} disabled={busy !== null} title="Stop its processes and forget it">
                    Kill…
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function exitText(o: OrphanSession): string {
  if (o.signal) return `signal ${o.signal}`;
  return o.exitCode === null ? 'no exit code' : `exit code ${o.exitCode}`;
}
