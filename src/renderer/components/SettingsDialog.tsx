/** Global settings: worktrees folder, default agent, notifications, theme, scrollback, editor. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AppInfo, DetectedEditor, DiskUsage as DiskUsageRow, Settings } from '../../shared/contract';
import { formatBytes, secondsToMinutes } from '../format';
import type { Api } from '../api/client';
import { askNotificationPermission, notificationsSupported } from '../notifications';
import type { SettingsState } from '../use-settings';
import { Dialog } from './Dialog';
import { useAgentList } from './AgentSelect';
import { isCustomAgent } from '../../shared/agents';
import { PolicySelect } from './ChecksFields';

/** A number of minutes (fractions allowed) kept as typed, reported as seconds (at least 5), or null when empty. */
function MinutesInput({ seconds, onChange, placeholder, label }: { seconds: number | null; onChange(sec: number | null): void; placeholder: string; label: string }) {
  const [text, setText] = useState(() => secondsToMinutes(seconds));
  return (
    <input
      type="number"
      min={0.1}
      step="any"
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = Number(e.target.value);
        onChange(e.target.value.trim() && Number.isFinite(n) && n > 0 ? Math.max(5, Math.round(n * 60)) : null);
      }}
      aria-label={label}
    />
  );
}

/** A whole number kept within its bounds (the lower bound when the field is emptied). */
function CountInput({ value, min, max, onChange, label }: { value: number; min: number; max: number; onChange(n: number): void; label: string }) {
  return (
    <input type="number" min={min} max={max} value={value} onChange={(e) => onChange(Math.min(max, Math.max(min, Math.round(Number(e.target.value) || min))))} aria-label={label} />
  );
}

interface Props {
  api: Api;
  settings: SettingsState;
  onClose(): void;
  onSaved(message: string): void;
  onOpenAgents?: () => void;
  /** The current repository's agent trust decisions, to see or undo. */
  onOpenTrust?: () => void;
}

export function SettingsDialog({ api, settings, onClose, onSaved, onOpenAgents, onOpenTrust }: Props) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [editors, setEditors] = useState<DetectedEditor[]>([]);
  const [draft, setDraft] = useState<Settings | null>(settings.settings);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const agentList = useAgentList(api, null);

  useEffect(() => {
    void api.call('app.info', {}).then(setInfo, () => {});
    void api.call('editors.list', {}).then(setEditors, () => {});
  }, [api]);
  useEffect(() => {
    if (!draft && settings.settings) setDraft(settings.settings);
  }, [settings.settings, draft]);

  if (!draft) return null;
  const set = <K extends keyof Settings>(key: K, value: Settings[K]): void => setDraft({ ...draft, [key]: value });

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (draft.notifications && info?.mode === 'browser' && notificationsSupported()) await askNotificationPermission();
      const s = await settings.save({
        worktreesDir: draft.worktreesDir.trim(),
        notifications: draft.notifications,
        theme: draft.theme,
        defaultAgent: draft.defaultAgent,
        scrollback: draft.scrollback,
        needsInputQuietMs: draft.needsInputQuietMs,
        autoCleanupDays: draft.autoCleanupDays,
        fetchBeforeBranching: draft.fetchBeforeBranching,
        editor: draft.editor,
        editorCommand: draft.editorCommand?.trim() || null,
        stuckAfterSec: draft.stuckAfterSec,
        stuckPolicy: draft.stuckPolicy,
        budgetSec: draft.budgetSec,
        budgetPolicy: draft.budgetPolicy,
        autoRetryLimit: draft.autoRetryLimit,
        maxParallelAgents: draft.maxParallelAgents,
      });
      onSaved(`Settings saved. New worktrees go under ${s.worktreesDir}.`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <Dialog title="Settings" onClose={onClose} wide>
      <form className="new-task settings" onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>Worktrees folder</span>
          <input value={draft.worktreesDir} onChange={(e) => set('worktreesDir', e.target.value)} spellCheck={false} className="mono" aria-label="Worktrees folder" autoFocus />
          <small className="muted">Each task’s worktree is created here. It must be outside your repositories. Existing worktrees stay where they are.</small>
        </label>
        <div className="field-grid">
          <label className="field">
            <span>Default agent</span>
            <select
              value={draft.defaultAgent && !isCustomAgent(draft.defaultAgent) ? draft.defaultAgent.profile : ''}
              onChange={(e) => set('defaultAgent', e.target.value ? { profile: e.target.value } : null)}
              aria-label="Default agent"
            >
              <option value="">The last one used</option>
              {(agentList.list?.agents ?? [])
                .filter((a) => a.profile.id !== 'custom')
                .map((a) => (
                  <option key={a.profile.id} value={a.profile.id} disabled={!a.installed}>
                    {a.profile.name}
                    {a.installed ? '' : ' (not installed)'}
                  </option>
                ))}
            </select>
          </label>
          <label className="field">
            <span>Theme</span>
            <select value={draft.theme} onChange={(e) => set('theme', e.target.value as Settings['theme'])} aria-label="Theme">
              <option value="system">Follow the system</option>
              <option value="dark">Dark</option>
              <option value="light">Light</option>
            </select>
          </label>
          <label className="field">
            <span>Terminal scrollback (lines)</span>
            <input type="number" min={100} max={100000} value={draft.scrollback} onChange={(e) => set('scrollback', Number(e.target.value))} aria-label="Scrollback" />
            <small className="muted">Lines of scrollback kept for each terminal — by the terminal daemon and in the UI; applies to sessions started from now on.</small>
          </label>
          <label className="field">
            <span>Editor</span>
            <select value={draft.editor ?? ''} onChange={(e) => set('editor', e.target.value || null)} aria-label="Editor">
              <option value="">First one found</option>
              {editors.map((ed) => (
                <option key={ed.id} value={ed.id} disabled={!ed.installed}>
                  {ed.name}
                  {ed.installed ? '' : ' (not installed)'}
                </option>
              ))}
              <option value="custom">Custom command</option>
            </select>
          </label>
          <label className="field">
            <span>“Needs input” after quiet for (seconds)</span>
            <input
              type="number"
              min={1}
              max={600}
              value={Math.round(draft.needsInputQuietMs / 1000)}
              onChange={(e) => set('needsInputQuietMs', Math.max(1, Number(e.target.value)) * 1000)}
              aria-label="Needs input quiet period"
            />
          </label>
          <label className="field">
            <span>Agents at once across plans</span>
            <CountInput value={draft.maxParallelAgents} min={1} max={64} onChange={(n) => set('maxParallelAgents', n)} label="Agents at once across plans" />
            <small className="muted">Plan tasks running at the same time, all plans together; each plan has its own cap too.</small>
          </label>
        </div>
        {draft.editor === 'custom' && (
          <label className="field">
            <span>Custom editor command</span>
            <input value={draft.editorCommand ?? ''} onChange={(e) => set('editorCommand', e.target.value)} className="mono" placeholder="my-editor --new-window {path}" aria-label="Custom editor command" />
            <small className="muted">Runs without a shell; {'{path}'} becomes the worktree path.</small>
          </label>
        )}
        <div className="field-grid">
          <label className="field">
            <span>Remove worktrees of done tasks after (days)</span>
            <input
              type="number"
              min={1}
              max={3650}
              placeholder="never"
              value={draft.autoCleanupDays ?? ''}
              onChange={(e) => set('autoCleanupDays', e.target.value ? Math.max(1, Number(e.target.value)) : null)}
              aria-label="Automatic clean-up days"
            />
            <small className="muted">Empty: never. Only worktrees that would lose nothing are removed.</small>
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.fetchBeforeBranching} onChange={(e) => set('fetchBeforeBranching', e.target.checked)} aria-label="Fetch before branching" /> Fetch the base
            branch from its remote before a task branches from it
          </label>
        </div>
        <fieldset className="field settings-group" aria-label="Supervision">
          <legend>Supervision</legend>
          <small className="muted">Defaults for every task; a repository’s <code>.switchyard/config.yaml</code> and each task’s checks can override them.</small>
          <div className="field-grid">
            <label className="field">
              <span>Stuck after (minutes without output or file changes)</span>
              <div className="field-with-off">
                <MinutesInput seconds={draft.stuckAfterSec} onChange={(sec) => set('stuckAfterSec', sec)} placeholder="never" label="Stuck after minutes" />
                <PolicySelect value={draft.stuckPolicy} onChange={(v) => v && set('stuckPolicy', v)} label="Stuck policy" />
              </div>
              <small className="muted">Empty: never flag a task as stuck.</small>
            </label>
            <label className="field">
              <span>Time budget per task (minutes)</span>
              <div className="field-with-off">
                <MinutesInput seconds={draft.budgetSec} onChange={(sec) => set('budgetSec', sec)} placeholder="none" label="Time budget minutes" />
                <PolicySelect value={draft.budgetPolicy} onChange={(v) => v && set('budgetPolicy', v)} label="Budget policy" />
              </div>
              <small className="muted">Empty: no budget. Counts the agents’ running time.</small>
            </label>
            <label className="field">
              <span>Automatic restarts per task</span>
              <CountInput value={draft.autoRetryLimit} min={0} max={20} onChange={(n) => set('autoRetryLimit', n)} label="Automatic restarts per task" />
              <small className="muted">How often the “restart” policy may restart one task.</small>
            </label>
          </div>
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={draft.notifications} onChange={(e) => set('notifications', e.target.checked)} aria-label="Notifications" /> Notify me when a task needs input or finishes
        </label>
        <DiskUsage api={api} />
        {onOpenAgents && (
          <p>
            <button type="button" className="btn" onClick={onOpenAgents}>
              Agents…
            </button>{' '}
            <span className="muted">Profiles, detection and overrides.</span>
          </p>
        )}
        {onOpenTrust && (
          <p>
            <button type="button" className="btn" onClick={onOpenTrust}>
              Agent trust…
            </button>{' '}
            <span className="muted">Which agents skip their folder-trust question in this repository’s worktrees.</span>
          </p>
        )}
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
          <button type="submit" className="btn btn-primary" disabled={busy || !draft.worktreesDir.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Each task's worktree size, with clean-up of the ones that would lose nothing. */
function DiskUsage({ api }: { api: Api }) {
  const [rows, setRows] = useState<DiskUsageRow[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const load = (): void => void api.call('tasks.diskUsage', {}).then(setRows, (e: Error) => setNote(e.message));
  const total = (rows ?? []).reduce((n, r) => n + r.bytes, 0);
  const cleanable = (rows ?? []).filter((r) => ['done', 'cancelled', 'failed'].includes(r.state));
  return (
    <details className="disk-usage" onToggle={(e) => (e.currentTarget.open && rows === null ? load() : undefined)}>
      <summary>Disk usage of worktrees</summary>
      {rows === null ? (
        <p className="muted">Measuring…</p>
      ) : (
        <>
          <p className="muted">
            {rows.length} worktree{rows.length === 1 ? '' : 's'}, {formatBytes(total)} in all.
          </p>
          <ul className="file-list-plain">
            {rows.map((r) => (
              <li key={r.taskId}>
                {formatBytes(r.bytes)}
                {r.truncated ? '+' : ''} · {r.title} <span className="muted">({r.state})</span>
              </li>
            ))}
          </ul>
          {cleanable.length > 0 && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                void api.call('tasks.cleanupMany', { taskIds: cleanable.map((r) => r.taskId) }).then((res) => {
                  const removed = res.filter((r) => 'status' in r.result && r.result.status === 'removed').length;
                  setNote(`${removed} removed; ${res.length - removed} kept because removing them would lose work (remove those one by one).`);
                  load();
                })
              }
            >
              Clean up {cleanable.length} finished task{cleanable.length === 1 ? '' : 's'}
            </button>
          )}
        </>
      )}
      {note && <p className="muted">{note}</p>}
    </details>
  );
}
