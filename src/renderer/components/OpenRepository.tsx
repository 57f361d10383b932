/** Opening a repository: the native picker on desktop, a path field everywhere. */
import { useState, type FormEvent } from 'react';
import type { Project } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

interface Props {
  api: Api;
  variant: 'page' | 'dialog';
  onOpened(p: Project): void;
  onClose?(): void;
  /** The start screen's "Try the demo": a sample repository and a plan that runs by itself. */
  onDemo?(): Promise<void>;
}

export function OpenRepository({ api, variant, onOpened, onClose, onDemo }: Props) {
  const [demoBusy, setDemoBusy] = useState(false);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const open = async (dir: string): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onOpened(await api.call('projects.open', { path: dir }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (path.trim()) void open(path.trim());
  };
  const pick = api.transport.pickFolder;

  const form = (
    <form className="open-repo" onSubmit={submit}>
      {pick && (
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void pick().then((d) => (d ? open(d) : undefined))}>
          Choose a folder…
        </button>
      )}
      <label className="field">
        <span>Path to a git repository</span>
        <div className="field-row">
          <input
            autoFocus
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/you/code/my-project"
            spellCheck={false}
            aria-label="Repository path"
          />
          <button className="btn btn-primary" type="submit" disabled={busy || !path.trim()}>
            {busy ? 'Opening…' : 'Open'}
          </button>
        </div>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );

  if (variant === 'dialog') {
    return (
      <Dialog title="Open a repository" onClose={onClose ?? (() => {})}>
        {form}
      </Dialog>
    );
  }
  return (
    <div className="welcome">
      <div className="welcome-card">
        <h1>Run agents in parallel. Stay in charge of what merges.</h1>
        <p className="muted">
          Each task gets its own git worktree, branch and terminal. Open a repository to start; nothing in it changes until you
          merge.
        </p>
        {form}
        {onDemo && (
          <div className="welcome-demo">
            <p className="muted">
              No repository at hand? The demo makes a sample one and runs a six-task plan in it with a scripted demo agent (not a model): parallel tasks, a scope overlap, a verify that fails
              once and is fixed, and the merge train.
            </p>
            <button
              className="btn"
              disabled={demoBusy}
              onClick={() => {
                setDemoBusy(true);
                void onDemo().finally(() => setDemoBusy(false));
              }}
            >
              {demoBusy ? 'Preparing the demo…' : 'Try the demo'}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
