/**
 * Import a plan: a plan file (JSON or YAML), Beads issues (`.beads/issues.jsonl` or
 * `bd list --json`) or a Markdown checklist — picked as a file or pasted. What it would create
 * is previewed as you go (the format, the tasks with those already done marked, the edges, and
 * what the importer left out), before anything is created. The engine's message for malformed
 * input (line, field or cycle) is shown as it is.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { IMPORT_FORMATS, type PlanPreview, type PlanView } from '../../shared/contract';
import type { PlanFile } from '../../shared/plan';
import type { Project } from '../../shared/task';
import type { Api } from '../api/client';
import { CUSTOM_PROFILE_ID, SHELL_PROFILE_ID } from '../../shared/agents';
import { AgentSelect, agentsOrBuiltins, useAgentList } from './AgentSelect';
import { Dialog } from './Dialog';
import '../styles/plan-editor.css';

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

type Format = (typeof IMPORT_FORMATS)[number];
const FORMAT_LABEL: Record<Format, string> = { auto: 'Detect', plan: 'Plan file (YAML or JSON)', markdown: 'Markdown checklist', beads: 'Beads issues' };



interface Props {
  api: Api;
  project: Project;
  onClose(): void;
  onImported(view: PlanView): void;
  /** Opens the previewed plan in the editor instead (nothing created yet). */
  onEdit?(plan: PlanFile, origin: string): void;
}

export function ImportPlanDialog({ api, project, onClose, onImported, onEdit }: Props) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const [format, setFormat] = useState<Format>('auto');
  const [preview, setPreview] = useState<{ for: string; result: PlanPreview | { error: string } } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Checklists and Beads issues name no agent: one chosen here becomes the plan's.
  const agentList = useAgentList(api, project.id);
  const [agent, setAgent] = useState({ profile: '', command: '' });

  const pick = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    setError(null);
    setText(await f.text());
    setFile(f.name);
  };

  // The preview follows the input, once typing pauses (a picked file at once).
  const key = `${format}\n${file ?? ''}\n${text}`;
  useEffect(() => {
    if (!text.trim()) {
      setPreview(null);
      return;
    }
    let live = true;
    const timer = setTimeout(
      () =>
        void api.call('plans.preview', { text, format, ...(file ? { file } : {}) }).then(
          (result) => live && setPreview({ for: key, result }),
          (err: Error) => live && setPreview({ for: key, result: { error: err.message } }),
        ),
      file ? 0 : 400,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, key, text, format, file]);

  const current = preview?.for === key ? preview.result : null;
  const shownError = error ?? (current && 'error' in current ? current.error : null);
  const ok = current && !('error' in current) ? current : null;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    // Exactly what was previewed is created, never text typed since.
    if (!ok) return;
    setBusy(true);
    setError(null);
    try {
      const chosen = agent.profile === '' ? null : agent.profile === CUSTOM_PROFILE_ID ? { profile: CUSTOM_PROFILE_ID, command: agent.command } : agent.profile;
      // With an agent chosen here, what is created is the plan previewed, with that agent.
      const input = { text: JSON.stringify(chosen ? { ...ok.plan, agent: chosen } : ok.plan), format: 'plan' as const };
      onImported(await api.call('plans.import', { projectId: project.id, ...input }));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Import a plan into ${project.name}`} onClose={onClose} wide closable={!busy}>
      <form className="new-task import-plan" onSubmit={(e) => void submit(e)}>
        <div className="field-grid">
          <label className="field">
            <span>File</span>
            <input
              type="file"
              accept=".yaml,.yml,.json,.jsonl,.md,.markdown,.txt,application/json,text/yaml,text/markdown"
              onChange={(e) => void pick(e.target.files?.[0])}
              aria-label="Plan file"
            />
          </label>
          <label className="field">
            <span>Format</span>
            <select value={format} onChange={(e) => setFormat(e.target.value as Format)} aria-label="Format">
              {IMPORT_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f === 'auto' && ok ? `Detect (${FORMAT_LABEL[ok.format]})` : FORMAT_LABEL[f]}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          <span>…or paste a plan (YAML or JSON), Beads issues (JSONL or JSON) or a Markdown checklist{file ? ` (read from ${file})` : ''}</span>
          <textarea
            className={ok ? 'mono import-plan-text-short' : 'mono'}
            rows={ok ? 5 : 12}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFile(null);
              setError(null);
            }}
            placeholder={EXAMPLE}
            spellCheck={false}
            aria-label="Plan text"
          />
        </label>
        {shownError && (
          <pre className="form-error import-plan-error" role="alert" data-testid="plan-import-error">
            {shownError}
          </pre>
        )}
        {ok && !error && <Preview preview={ok} format={ok.format} />}
        {ok && !error && ok.plan.agent === undefined && (
          <div className="field-grid">
            <label className="field">
              <span>Agent for tasks that name none</span>
              <AgentSelect
                agents={agentsOrBuiltins(agentList.list)}
                detected={agentList.list !== null}
                value={agent.profile}
                onChange={(profile) => setAgent((a) => ({ ...a, profile }))}
                emptyLabel="The default agent in Settings"
                ariaLabel="Plan agent"
              />
            </label>
            {agent.profile === CUSTOM_PROFILE_ID && (
              <label className="field">
                <span>Command</span>
                <input className="mono" value={agent.command} onChange={(e) => setAgent((a) => ({ ...a, command: e.target.value }))} aria-label="Plan agent command" spellCheck={false} />
              </label>
            )}
            {agent.profile === SHELL_PROFILE_ID && <small className="muted">Each task opens a shell in its worktree, for you to work in.</small>}
          </div>
        )}
        <div className="dialog-actions">
          <span className="hint muted">
            Plans start as drafts. From a terminal: <code>switchyard plan import FILE</code>
          </span>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          {onEdit && (
            <button type="button" className="btn" disabled={busy || !ok} onClick={() => ok && onEdit(ok.plan, file ?? 'the import')}>
              Edit first…
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy || !ok} title={ok ? undefined : 'Wait for the preview: nothing is created before you have seen it'}>
            {busy ? 'Creating…' : 'Import and create plan'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Preview({ preview, format }: { preview: PlanPreview; format: Exclude<Format, 'auto'> }) {
  const { plan, warnings, edges, done } = preview;
  return (
    <section className="import-preview" aria-label="Preview" data-testid="plan-import-preview">
      <div className="import-preview-facts">
        <strong>{plan.name}</strong>
        <span className="chip" data-testid="preview-format">
          {FORMAT_LABEL[format]}
        </span>
        <span className="chip">
          {plan.tasks.length} task{plan.tasks.length === 1 ? '' : 's'}
        </span>
        <span className="chip" data-testid="preview-edges">
          {edges} edge{edges === 1 ? '' : 's'}
        </span>
        {done > 0 && (
          <span className="chip" data-testid="preview-done">
            {done} already done
          </span>
        )}
      </div>
      {warnings.length > 0 && (
        <ul className="import-warnings" data-testid="preview-warnings" aria-label="Warnings">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <ol className="import-preview-tasks" aria-label="Tasks to create">
        {plan.tasks.map((t) => (
          <li key={t.id} className={t.status === 'done' ? 'ip-done' : undefined} data-task={t.id}>
            <span className="mono">#{t.id}</span>
            <span className="ip-title">{t.title}</span>
            {t.depends_on.length > 0 && <span className="ip-deps muted">after {t.depends_on.map((d) => `#${d}`).join(', ')}</span>}
            {t.status === 'done' && <span className="badge badge-done">done</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
