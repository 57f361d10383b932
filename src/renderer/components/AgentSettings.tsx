/**
 * The Agents settings screen: every profile with what this machine has of it (installed,
 * version, path), and overrides of any profile, or new profiles, for all repositories or for
 * the current one. Saved to `<data dir>/agents.json` through the engine, which checks them.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CUSTOM_PROFILE_ID, PROMPT_MODES, WIRABLE_PROFILES, type AgentList, type AgentOverrides, type AgentOverridesView, type DetectedAgent, type PromptMode } from '../../shared/agents';
import type { Project } from '../../shared/task';
import type { Api } from '../api/client';
import { EMPTY_DRAFT, changedFields, fromDraft, toDraft, type AgentDraft, type DraftErrors } from './agent-draft';
import { Dialog } from './Dialog';
import { probeSummary } from './AgentSelect';
import '../styles/agents.css';

interface Props {
  api: Api;
  /** The repository whose overrides can be edited, besides the global ones. */
  project: Project | null;
  onClose(): void;
}

const PROMPT_MODE_LABELS: Record<PromptMode, string> = {
  argument: 'As an argument ({prompt} in the arguments)',
  typed: 'Typed into the agent after it starts',
  none: 'Not passed',
};

const SOURCE_LABELS: Record<DetectedAgent['source'], string> = { builtin: 'built in', global: 'all repositories', repository: 'this repository' };

type Editing = { isNew: boolean; draft: AgentDraft; errors: DraftErrors };

export function AgentSettings({ api, project, onClose }: Props) {
  const [scope, setScope] = useState<'global' | 'repository'>('global');
  const projectId = scope === 'repository' && project ? project.id : undefined;
  const [list, setList] = useState<AgentList | null>(null);
  const [stored, setStored] = useState<AgentOverridesView | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (refresh = false) => {
      setError(null);
      try {
        const input = projectId ? { projectId } : {};
        const [l, o] = await Promise.all([api.call(refresh ? 'agents.refresh' : 'agents.list', input), api.call('agents.overrides.get', input)]);
        setList(l);
        setStored(o);
      } catch (err) {
        setError((err as Error).message);
      }
    },
    [api, projectId],
  );

  useEffect(() => {
    setEditing(null);
    void load();
  }, [load]);

  // A version probe answered after the list did.
  useEffect(() => api.transport.onEvent((e) => e.type === 'agents' && void load()), [api, load]);

  const save = async (overrides: AgentOverrides): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      setList(await api.call('agents.overrides.save', { ...(projectId ? { projectId } : {}), overrides }));
      setStored(await api.call('agents.overrides.get', projectId ? { projectId } : {}));
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!editing || !stored || !list) return;
    const parsed = fromDraft(editing.draft);
    if ('errors' in parsed) {
      setEditing({ ...editing, errors: parsed.errors });
      return;
    }
    const id = editing.draft.id.trim();
    let patch;
    if (editing.isNew) {
      if (list.agents.some((a) => a.profile.id === id)) {
        setEditing({ ...editing, errors: { id: `there is already a profile "${id}"; edit that one` } });
        return;
      }
      patch = parsed.profile;
    } else {
      const current = list.agents.find((a) => a.profile.id === id)!.profile;
      patch = { ...stored.overrides[id], ...changedFields(current, parsed.profile) };
    }
    if (await save({ ...stored.overrides, [id]: patch })) setEditing(null);
  };

  const reset = async (id: string): Promise<void> => {
    if (!stored) return;
    const next = { ...stored.overrides };
    delete next[id];
    if (await save(next)) setEditing(null);
  };

  const where = scope === 'repository' && project ? `in ${project.name}` : 'in all repositories';
  return (
    <Dialog title="Agents" onClose={onClose} wide>
      <div className="agent-settings">
        <div className="agent-settings-bar">
          <div role="radiogroup" aria-label="Overrides apply to" className="agent-scope">
            <label className="check">
              <input type="radio" name="agent-scope" checked={scope === 'global'} onChange={() => setScope('global')} /> All repositories
            </label>
            <label className="check">
              <input type="radio" name="agent-scope" checked={scope === 'repository'} disabled={!project} onChange={() => setScope('repository')} />
              {project ? `Only ${project.name}` : 'This repository (open one first)'}
            </label>
          </div>
          <span className="spacer" />
          <button type="button" className="btn btn-small" onClick={() => void load(true)} disabled={busy}>
            Detect again
          </button>
          <button type="button" className="btn btn-small" onClick={() => setEditing({ isNew: true, draft: { ...EMPTY_DRAFT }, errors: {} })} disabled={!list || busy}>
            Add profile…
          </button>
        </div>

        {list?.error && (
          <p className="form-error" role="alert">
            The agent settings file is not used, built-in profiles apply: {list.error}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}

        {editing ? (
          <AgentForm
            editing={editing}
            where={where}
            busy={busy}
            overridden={!editing.isNew && stored !== null && editing.draft.id in stored.overrides}
            onChange={(draft) => setEditing({ ...editing, draft })}
            onSubmit={(e) => void submit(e)}
            onReset={() => void reset(editing.draft.id)}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <table className="agent-table">
            <thead>
              <tr>
                <th>Agent</th>
                <th>On this machine</th>
                <th>Profile from</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {!list && (
                <tr>
                  <td colSpan={4} className="muted">
                    Looking for agents…
                  </td>
                </tr>
              )}
              {list?.agents.map((a) => (
                <tr key={a.profile.id}>
                  <td>
                    <strong>{a.profile.name}</strong> <span className="muted mono">{a.profile.id}</span>
                  </td>
                  <td>
                    {a.profile.id === CUSTOM_PROFILE_ID ? (
                      <span className="muted">a command line per task</span>
                    ) : a.installed ? (
                      <>
                        <span className="agent-installed">{a.version ? `installed, ${a.version}` : 'installed'}</span>
                        {probeSummary(a) && <span className={`agent-probe agent-probe-${a.probe}`}> · {probeSummary(a)}</span>}
                        {a.path && <div className="muted mono agent-path">{a.path}</div>}
                        {a.probeNote && <div className="muted agent-path">{a.probeNote}</div>}
                      </>
                    ) : (
                      <>
                        <span className="agent-missing">not installed</span>
                        <div className="muted mono agent-path">{a.profile.installHint}</div>
                      </>
                    )}
                  </td>
                  <td className="muted">{SOURCE_LABELS[a.source]}</td>
                  <td>
                    {a.profile.id !== CUSTOM_PROFILE_ID && (
                      <button type="button" className="btn btn-small" onClick={() => setEditing({ isNew: false, draft: toDraft(a.profile), errors: {} })} aria-label={`Edit ${a.profile.name}`}>
                        Edit
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list && !editing && <p className="muted agent-file">Saved in <span className="mono">{list.settingsFile}</span>; you can edit that file too.</p>}
      </div>
    </Dialog>
  );
}

interface FormProps {
  editing: Editing;
  where: string;
  busy: boolean;
  overridden: boolean;
  onChange(d: AgentDraft): void;
  onSubmit(e: FormEvent): void;
  onReset(): void;
  onCancel(): void;
}

function AgentForm({ editing, where, busy, overridden, onChange, onSubmit, onReset, onCancel }: FormProps) {
  const { draft, errors, isNew } = editing;
  const set = <K extends keyof AgentDraft>(key: K, value: AgentDraft[K]): void => onChange({ ...draft, [key]: value });
  // Only the agents whose hooks Switchyard knows how to wire have the switch.
  const canWire = !isNew && WIRABLE_PROFILES.includes(draft.id);
  const text = (key: Exclude<keyof AgentDraft, 'promptMode' | 'wireHooks' | 'permissionModes'>, labelText: string, hint?: string, mono = true) => (
    <label className="field">
      <span>{labelText}</span>
      <input value={draft[key]} onChange={(e) => set(key, e.target.value)} className={mono ? 'mono' : undefined} spellCheck={false} aria-label={labelText} aria-invalid={errors[key] ? true : undefined} />
      {errors[key] ? <small className="form-error">{errors[key]}</small> : hint && <small className="muted">{hint}</small>}
    </label>
  );
  return (
    <form className="new-task agent-form" onSubmit={onSubmit}>
      <h3>{isNew ? `New profile ${where}` : `${draft.name} ${where}`}</h3>
      <div className="field-grid">
        {isNew ? text('id', 'Id', 'lower-case letters, digits and -') : text('name', 'Name', undefined, false)}
        {isNew ? text('name', 'Name', undefined, false) : text('executable', 'Executable', 'a name on PATH, or an absolute path')}
      </div>
      {isNew && text('executable', 'Executable', 'a name on PATH, or an absolute path')}
      <label className="field">
        <span>Prompt</span>
        <select value={draft.promptMode} onChange={(e) => set('promptMode', e.target.value as PromptMode)} aria-label="Prompt">
          {PROMPT_MODES.map((m) => (
            <option key={m} value={m}>
              {PROMPT_MODE_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      {text('interactiveArgs', 'Interactive arguments', 'quoted as in a shell, but no shell runs them; {prompt} becomes the prompt as one argument')}
      {text('nonInteractiveArgs', 'Non-interactive arguments')}
      {text('resumeArgs', 'Resume arguments', 'empty: the agent cannot resume its session')}
      {text('resumeSessionArgs', 'Resume a session by id', '{session} becomes the id the agent’s hooks reported; empty: resume uses the arguments above')}
      {text('versionArgs', 'Version arguments')}
      {text('modelArgs', 'Model arguments', '{model} becomes the model a task names; empty: the agent has no model switch')}
      <label className="field">
        <span>Permission modes</span>
        <textarea value={draft.permissionModes} onChange={(e) => set('permissionModes', e.target.value)} rows={3} className="mono" spellCheck={false} placeholder="name: arguments, one a line" aria-label="Permission modes" aria-invalid={errors.permissionModes ? true : undefined} />
        {errors.permissionModes ? <small className="form-error">{errors.permissionModes}</small> : <small className="muted">a mode with no arguments is the agent’s own default</small>}
      </label>
      {text('defaultPermissionMode', 'Default permission mode', 'the mode a task gets when it names none')}
      <label className="field">
        <span>Environment</span>
        <textarea value={draft.env} onChange={(e) => set('env', e.target.value)} rows={3} className="mono" spellCheck={false} placeholder="KEY=value, one a line" aria-label="Environment" aria-invalid={errors.env ? true : undefined} />
        {errors.env && <small className="form-error">{errors.env}</small>}
      </label>
      {text('installHint', 'How to install', undefined)}
      {text('hooksHint', 'Hooks', 'what is wired, or how to wire the agent’s hooks to `switchyard notify`', false)}
      {canWire && (
        <label className="check">
          <input type="checkbox" checked={draft.wireHooks} onChange={(e) => set('wireHooks', e.target.checked)} aria-label="Wire hooks" />
          <span>
            Wire this agent’s own hooks at launch <small className="muted">(off: Switchyard only watches the screen to tell when it waits)</small>
          </span>
        </label>
      )}
      <div className="dialog-actions">
        {overridden && (
          <button type="button" className="btn btn-danger" onClick={onReset} disabled={busy}>
            Remove override {where}
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="btn" onClick={onCancel}>
          Back
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
