/**
 * "Let agents work in this repository's task worktrees without asking each time": asked once per
 * repository, for each installed agent that asks about folder trust, saying exactly what is
 * trusted and what is written where. Opened again from Settings to see or undo a decision.
 */
import { useEffect, useState } from 'react';
import type { TrustView } from '../../shared/contract';
import type { Project } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';
import '../styles/trust.css';

interface Props {
  api: Api;
  project: Project;
  /** The agents to ask about (installed, undecided); null: show every decision, to change it. */
  asking: string[] | null;
  onClose(): void;
}

export function TrustDialog({ api, project, asking, onClose }: Props) {
  const [view, setView] = useState<TrustView | null>(null);
  const [checked, setChecked] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.call('projects.trust', { projectId: project.id }).then(
      (v) => {
        setView(v);
        setChecked(Object.fromEntries(v.agents.map((a) => [a.agent, asking ? true : a.decision === 'trusted'])));
      },
      (err: Error) => setError(err.message),
    );
  }, [api, project.id, asking]);

  const shown = view?.agents.filter((a) => asking === null || asking.includes(a.agent)) ?? [];
  const save = async (trustChecked: boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const decisions = Object.fromEntries(shown.map((a) => [a.agent, trustChecked && checked[a.agent] === true]));
      await api.call('projects.trust.set', { projectId: project.id, decisions });
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Agent trust in ${project.name}`} onClose={() => (asking ? void save(false) : onClose())} closable={!busy} wide>
      <div className="trust">
        <p>
          Claude Code, Codex and Gemini CLI ask whether you trust each new folder before they work in it, and every task runs in a new worktree. Let the agents below work in the task
          worktrees of <span className="mono">{view?.checkout ?? project.path}</span> without asking each time?
        </p>
        {error && <p className="form-error">{error}</p>}
        {!view && !error && <p className="muted">Reading…</p>}
        <ul className="trust-list">
          {shown.map((a) => (
            <li key={a.agent}>
              <label className="check">
                <input type="checkbox" checked={checked[a.agent] === true} onChange={(e) => setChecked({ ...checked, [a.agent]: e.target.checked })} aria-label={`Trust ${a.name}`} />
                <strong>{a.name}</strong>
                {asking === null && <span className={`trust-state trust-${a.decision ?? 'none'}`}>{a.decision === 'trusted' ? 'trusted' : a.decision === 'declined' ? 'asks each time' : 'not decided'}</span>}
              </label>
              <p className="muted trust-what">{a.description}</p>
            </li>
          ))}
        </ul>
        <p className="muted">You can change this later in Settings → Agent trust.</p>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => void save(false)} disabled={busy || !view}>
            {asking ? 'Not now — ask in each worktree' : 'Trust none'}
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-primary" onClick={() => void save(true)} disabled={busy || !view}>
            {asking ? 'Trust the checked agents' : 'Save'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
