/**
 * Import a plan file (JSON or YAML): pick a file or paste its text. The engine validates it whole
 * before creating anything, and its message (line, field or cycle) is shown as it is.
 */
import { useState, type FormEvent } from 'react';
import type { PlanView } from '../../shared/contract';
import type { Project } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

const EXAMPLE = `name: Add a settings page
goal: Users can change their preferences
concurrency: 2
tasks:
  - id: api
    title: Settings API
    prompt: Add GET and PUT /settings
    files_scope: [src/server/**]
  - id: ui
    title: Settings page
    depends_on: [api]`;

export function ImportPlanDialog({ api, project, onClose, onImported }: { api: Api; project: Project; onClose(): void; onImported(view: PlanView): void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    setError(null);
    setText(await f.text());
    setFile(f.name);
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onImported(await api.call('plans.import', { projectId: project.id, text, ...(file ? { file } : {}) }));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Import a plan into ${project.name}`} onClose={onClose} wide closable={!busy}>
      <form className="new-task import-plan" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>Plan file</span>
          <input type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onChange={(e) => void pick(e.target.files?.[0])} aria-label="Plan file" />
        </label>
        <label className="field">
          <span>…or paste its YAML or JSON{file ? ` (read from ${file})` : ''}</span>
          <textarea
            className="mono"
            rows={14}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFile(null);
            }}
            placeholder={EXAMPLE}
            spellCheck={false}
            aria-label="Plan text"
          />
        </label>
        {error && (
          <pre className="form-error import-plan-error" role="alert" data-testid="plan-import-error">
            {error}
          </pre>
        )}
        <div className="dialog-actions">
          <span className="hint muted">
            Imported plans start as drafts. The CLI does the same: <code>switchyard plan import FILE</code>
          </span>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
