/**
 * The trust prompt for `.switchyard/config.yaml`: its setup and teardown commands run only once
 * the user has read and trusted that exact content. A banner (in the board area) while the file
 * has commands and is not trusted, or is broken; it opens a dialog with the file as committed
 * and "Trust this content", which trusts exactly the hash that was shown.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RepoConfigView } from '../../shared/contract';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

export interface ConfigTrustProps {
  api: Api;
  /** The project whose config to check; null (e.g. "All projects") shows nothing. */
  projectId: string | null;
  /** Check again when this changes (e.g. a counter bumped when tasks start or the window regains focus). */
  refreshKey?: unknown;
}

const bannerStyle = {
  display: 'flex',
  gap: '0.75rem',
  alignItems: 'center',
  padding: '0.5rem 0.75rem',
  margin: '0.5rem',
  border: '1px solid var(--border, #c90)',
  borderLeft: '4px solid #d4a017',
  borderRadius: 6,
} as const;

export function ConfigTrust({ api, projectId, refreshKey }: ConfigTrustProps) {
  const [view, setView] = useState<RepoConfigView | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    if (!projectId) {
      setView(null);
      return;
    }
    void api.call('projects.config', { projectId }).then(setView, () => setView(null));
  }, [api, projectId]);
  useEffect(load, [load, refreshKey]);

  if (!view?.present || (!view.error && (view.trusted || !view.hasCommands))) return null;

  const trust = async (): Promise<void> => {
    if (!projectId || !view.hash) return;
    setBusy(true);
    setError(null);
    try {
      setView(await api.call('projects.trustConfig', { projectId, hash: view.hash, branch: view.ref }));
      setOpen(false);
    } catch (err) {
      // The file changed since it was shown: show the new content to review.
      setError((err as Error).message);
      load();
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="config-trust-banner" role="status" style={bannerStyle}>
        <span style={{ flex: 1 }}>
          {view.error ? (
            <>
              <strong>.switchyard/config.yaml cannot be used:</strong> {view.error}
            </>
          ) : (
            <>
              This repository has <code>.switchyard/config.yaml</code> with setup commands. They do not run until you review and trust them.
            </>
          )}
        </span>
        <button className="btn" onClick={() => setOpen(true)}>
          Review{view.error ? '' : ' and trust'}
        </button>
      </div>
      {open && (
        <Dialog title="Trust .switchyard/config.yaml?" onClose={() => setOpen(false)} closable={!busy} wide>
          <p className="muted">
            {view.path} as committed on <code>{view.ref}</code>. Its setup and teardown commands run in each task’s worktree, as you, without a shell.
            Trusting covers exactly this content (sha256 {view.hash?.slice(0, 12)}…); any change asks again.
          </p>
          <pre className="config-trust-content" style={{ maxHeight: '50vh', overflow: 'auto', padding: '0.5rem', border: '1px solid var(--border, #888)', borderRadius: 4 }}>
            {view.content}
          </pre>
          {(error ?? view.error) && (
            <p className="form-error" role="alert">
              {error ?? view.error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
              Not now
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void trust()} disabled={busy || !view.hash || view.error !== null}>
              Trust this content
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
