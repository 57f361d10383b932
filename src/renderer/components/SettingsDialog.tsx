/** Settings: where task worktrees are created (outside every repository). */
import { useEffect, useState, type FormEvent } from 'react';
import type { AppInfo } from '../../shared/contract';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

export function SettingsDialog({ api, onClose, onSaved }: { api: Api; onClose(): void; onSaved(message: string): void }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [worktreesDir, setWorktreesDir] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([api.call('app.info', {}), api.call('settings.get', {})]).then(
      ([i, s]) => {
        setInfo(i);
        setWorktreesDir(s.worktreesDir);
      },
      (err: Error) => setError(err.message),
    );
  }, [api]);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api.call('settings.update', { worktreesDir: worktreesDir.trim() });
      onSaved(`New worktrees will be created under ${s.worktreesDir}.`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Settings" onClose={onClose} wide>
      <form className="new-task" onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>Worktrees folder</span>
          <input value={worktreesDir} onChange={(e) => setWorktreesDir(e.target.value)} spellCheck={false} className="mono" aria-label="Worktrees folder" autoFocus />
          <small className="muted">Each task’s worktree is created here. It must be outside your repositories. Existing worktrees stay where they are.</small>
        </label>
        {info && (
          <p className="muted">
            Switchyard {info.version} · {info.mode === 'desktop' ? 'desktop app' : 'browser mode'} · data in <span className="mono">{info.dataDir}</span>
          </p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !worktreesDir.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
