/** Create a task: title, prompt, base branch (default: the current branch), agent, "Start now". */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CUSTOM_PROFILE_ID, SHELL_PROFILE_ID } from '../../shared/agents';
import type { Branches } from '../../shared/contract';
import { PROMPT_PLACEHOLDER, type Project, type Task } from '../../shared/task';
import type { Api } from '../api/client';
import { AgentSelect, NotInstalled, agentsOrBuiltins, selectable, useAgentList } from './AgentSelect';
import { Dialog } from './Dialog';

const AGENT_KEY = 'switchyard.lastAgent';

interface Props {
  api: Api;
  project: Project;
  onClose(): void;
  onCreated(task: Task): void;
}

export function NewTaskDialog({ api, project, onClose, onCreated }: Props) {
  const [last] = useState(() => JSON.parse(localStorage.getItem(AGENT_KEY) ?? '{}') as { profile?: string; command?: string });
  const [title, setTitle] = useState('');
  const [prompt, setPrompt] = useState('');
  const [branches, setBranches] = useState<Branches | null>(null);
  const [baseBranch, setBaseBranch] = useState('');
  const [profile, setProfile] = useState<string>(last.profile ?? SHELL_PROFILE_ID);
  const [command, setCommand] = useState(last.command ?? '');
  // Set once the user chooses an agent in this dialog: a late settings answer must not undo it.
  const [picked, setPicked] = useState(false);
  const agentList = useAgentList(api, project.id);
  const agents = agentsOrBuiltins(agentList.list);
  const chosen = agents.find((a) => a.profile.id === profile);
  const [startNow, setStartNow] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A default agent in Settings wins over the last one used.
  useEffect(() => {
    if (picked) return;
    let live = true;
    void api.call('settings.get', {}).then((s) => {
      if (!live || !s.defaultAgent) return;
      setProfile(s.defaultAgent.profile);
      if ('command' in s.defaultAgent) setCommand(s.defaultAgent.command);
    }, () => {});
    // Once the user picks, a late answer must not undo it.
    return () => {
      live = false;
    };
  }, [api, picked]);

  // The last-used agent may be gone (uninstalled, or a profile removed): fall back to the shell.
  useEffect(() => {
    if (!agentList.list) return;
    const a = agentList.list.agents.find((x) => x.profile.id === profile);
    if (!a || !selectable(a)) setProfile(SHELL_PROFILE_ID);
  }, [agentList.list, profile]);

  useEffect(() => {
    api.call('projects.branches', { projectId: project.id }).then(
      (b) => {
        setBranches(b);
        setBaseBranch(b.current ?? b.branches[0] ?? '');
      },
      (err: Error) => setError(err.message),
    );
  }, [api, project.id]);

  // A double Ctrl+Enter must not send twice: the state update comes a render too late.
  const inFlight = useRef(false);
  const submit = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const agent = profile === CUSTOM_PROFILE_ID ? { profile: CUSTOM_PROFILE_ID, command } : { profile };
      localStorage.setItem(AGENT_KEY, JSON.stringify({ profile, command }));
      const task = await api.call('tasks.create', { projectId: project.id, title, prompt, baseBranch: baseBranch || undefined, agent, startNow });
      onCreated(task);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
      inFlight.current = false;
    }
  };

  return (
    <Dialog title={`New task in ${project.name}`} onClose={onClose} wide closable={!busy}>
      <form
        className="new-task"
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !busy) void submit();
        }}
      >
        <label className="field">
          <span>Title</span>
          <input autoFocus value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Add retry to the upload client" aria-label="Title" />
        </label>
        <label className="field">
          <span>Prompt</span>
          <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={6} placeholder="What should the agent do? Be as specific as you would be with a colleague." aria-label="Prompt" />
        </label>
        <div className="field-grid">
          <label className="field">
            <span>Base branch</span>
            <select value={baseBranch} onChange={(e) => setBaseBranch(e.target.value)} aria-label="Base branch" disabled={!branches}>
              {branches?.branches.map((b) => (
                <option key={b} value={b}>
                  {b}
                  {b === branches.current ? ' (current)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Agent</span>
            <AgentSelect
              agents={agents}
              detected={agentList.list !== null}
              value={profile}
              onChange={(id) => {
                setProfile(id);
                setPicked(true);
              }}
            />
          </label>
        </div>
        {chosen && profile !== CUSTOM_PROFILE_ID && profile !== SHELL_PROFILE_ID && (
          <small className="muted agent-hint">
            {chosen.profile.promptMode === 'typed' ? 'The prompt is typed into the agent once it is up. ' : ''}
            {chosen.profile.hooksHint}
          </small>
        )}
        {agentList.list?.error && <small className="form-error">Agent settings not used: {agentList.list.error}</small>}
        <NotInstalled agents={agentList.list?.agents ?? []} />
        {profile === CUSTOM_PROFILE_ID && (
          <label className="field">
            <span>Command</span>
            <input value={command} onChange={(e) => setCommand(e.target.value)} placeholder={`my-agent --yes ${PROMPT_PLACEHOLDER}`} spellCheck={false} className="mono" aria-label="Command" />
            <small className="muted">
              Runs directly, without a shell. <code>{PROMPT_PLACEHOLDER}</code> becomes the prompt, as one argument.
            </small>
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={startNow} onChange={(e) => setStartNow(e.target.checked)} /> Start now
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted hint"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> to create</span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>
            {busy ? 'Creating…' : startNow ? 'Create and start' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
