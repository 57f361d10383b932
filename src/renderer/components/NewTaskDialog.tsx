/** Create a task: title, prompt, base branch (default: the current branch), agent, "Start now". */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CUSTOM_PROFILE_ID, SHELL_PROFILE_ID } from '../../shared/agents';
import type { Branches } from '../../shared/contract';
import { PROMPT_PLACEHOLDER, type Project, type Task } from '../../shared/task';
import type { Api } from '../api/client';
import { AgentSelect, NotInstalled, agentsOrBuiltins, selectable, useAgentList } from './AgentSelect';
import { Dialog } from './Dialog';
import { ChecksFields, checksFromDraft, draftFromChecks, type ChecksDraft } from './ChecksFields';
import '../styles/attempts.css';

const AGENT_KEY = 'switchyard.lastAgent';
const ATTEMPT_CHOICES = [1, 2, 3, 4] as const;

/** One attempt's agent: a profile id, and the command line when it is the custom one. */
interface AttemptAgent {
  profile: string;
  command: string;
}

interface Props {
  api: Api;
  project: Project;
  onClose(): void;
  /** With attempts, the first of them. */
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
  /** The model and permission mode for this task ('' : the profile's default). */
  const [model, setModel] = useState('');
  const [permissionMode, setPermissionMode] = useState('');
  /** Run the agent on the prompt and let it exit (its non-interactive arguments), rather than open its TUI. */
  const [once, setOnce] = useState(false);
  // Set once the user chooses an agent in this dialog: a late settings answer must not undo it.
  const [picked, setPicked] = useState(false);
  const agentList = useAgentList(api, project.id);
  const agents = agentsOrBuiltins(agentList.list);
  const chosen = agents.find((a) => a.profile.id === profile);
  const [startNow, setStartNow] = useState(true);
  // 1: a normal task; 2–4: attempts, each with its own agent (the same one by default).
  const [attempts, setAttempts] = useState(1);
  const [attemptAgents, setAttemptAgents] = useState<AttemptAgent[]>([]);
  const attemptAgent = (i: number): AttemptAgent => attemptAgents[i] ?? { profile, command };
  const setAttemptAgent = (i: number, patch: Partial<AttemptAgent>): void =>
    setAttemptAgents((cur) => Array.from({ length: Math.max(cur.length, i + 1) }, (_, j) => (j === i ? { ...(cur[j] ?? { profile, command }), ...patch } : (cur[j] ?? { profile, command }))));
  const [checks, setChecks] = useState<ChecksDraft>(() => draftFromChecks({}));
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
      const ownChecks = checksFromDraft(checks);
      const hasChecks = Object.keys(ownChecks).length > 0;
      const toSpec = (a: AttemptAgent) => (a.profile === CUSTOM_PROFILE_ID ? { profile: CUSTOM_PROFILE_ID, command: a.command } : { profile: a.profile });
      if (attempts > 1) {
        const agents = Array.from({ length: attempts }, (_, i) => toSpec(attemptAgent(i)));
        const tasks = await api.call('tasks.createAttempts', { projectId: project.id, title, prompt, baseBranch: baseBranch || undefined, agents, startNow, ...(hasChecks ? { checks: ownChecks } : {}) });
        onCreated(tasks[0]!);
        return;
      }
      const agent = {
        ...toSpec({ profile, command }),
        ...(profile !== CUSTOM_PROFILE_ID && model.trim() ? { model: model.trim() } : {}),
        ...(profile !== CUSTOM_PROFILE_ID && permissionMode ? { permissionMode } : {}),
        ...(profile !== CUSTOM_PROFILE_ID && profile !== SHELL_PROFILE_ID && once ? { interactive: false } : {}),
      };
      localStorage.setItem(AGENT_KEY, JSON.stringify({ profile, command }));
      const task = await api.call('tasks.create', { projectId: project.id, title, prompt, baseBranch: baseBranch || undefined, agent, startNow, ...(hasChecks ? { checks: ownChecks } : {}) });
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
            <span>Attempts</span>
            <select value={attempts} onChange={(e) => setAttempts(Number(e.target.value))} aria-label="Attempts" title="Run the same prompt as 2–4 attempts, each in its own worktree and branch, and merge the best">
              {ATTEMPT_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n === 1 ? '1 — a single task' : `${n} attempts`}
                </option>
              ))}
            </select>
          </label>
        </div>
        {attempts === 1 ? (
          <label className="field">
            <span>Agent</span>
            <AgentSelect
              agents={agents}
              detected={agentList.list !== null}
              value={profile}
              onChange={(id) => {
                setProfile(id);
                setPicked(true);
                // Another agent's model and modes mean nothing to this one.
                setModel('');
                setPermissionMode('');
                setOnce(false);
              }}
            />
          </label>
        ) : (
          <fieldset className="field attempt-agents">
            <legend>Agents, one per attempt</legend>
            {Array.from({ length: attempts }, (_, i) => {
              const a = attemptAgent(i);
              return (
                <div key={i} className="attempt-agent">
                  <span className="muted">Attempt {i + 1}</span>
                  <AgentSelect agents={agents} detected={agentList.list !== null} value={a.profile} onChange={(id) => setAttemptAgent(i, { profile: id })} ariaLabel={`Agent for attempt ${i + 1}`} />
                  {a.profile === CUSTOM_PROFILE_ID && (
                    <input
                      value={a.command}
                      onChange={(e) => setAttemptAgent(i, { command: e.target.value })}
                      placeholder={`my-agent --yes ${PROMPT_PLACEHOLDER}`}
                      spellCheck={false}
                      className="mono"
                      aria-label={`Command for attempt ${i + 1}`}
                    />
                  )}
                </div>
              );
            })}
            <small className="muted">Each attempt gets its own worktree and branch. Merging one closes the others; any with work that would be lost is kept for you.</small>
          </fieldset>
        )}
        {attempts === 1 && chosen && (chosen.profile.modelArgs || Object.keys(chosen.profile.permissionModes).length > 0) && (
          <div className="field-grid">
            {chosen.profile.modelArgs && (
              <label className="field">
                <span>Model</span>
                <input value={model} onChange={(e) => setModel(e.target.value)} placeholder={`${chosen.profile.name}’s default`} spellCheck={false} className="mono" aria-label="Model" />
              </label>
            )}
            {Object.keys(chosen.profile.permissionModes).length > 0 && (
              <label className="field">
                <span>Permission mode</span>
                <select value={permissionMode} onChange={(e) => setPermissionMode(e.target.value)} aria-label="Permission mode">
                  <option value="">Default{chosen.profile.defaultPermissionMode ? ` (${chosen.profile.defaultPermissionMode})` : ''}</option>
                  {Object.keys(chosen.profile.permissionModes).map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        )}
        {attempts === 1 && chosen && profile !== CUSTOM_PROFILE_ID && profile !== SHELL_PROFILE_ID && (
          <label className="check">
            <input type="checkbox" checked={once} onChange={(e) => setOnce(e.target.checked)} aria-label="Run once and exit" /> Run once and exit{' '}
            <small className="muted">
              (<span className="mono">{[chosen.profile.executable, ...chosen.profile.nonInteractiveArgs].join(' ')}</span>: no conversation; the checks run when it exits)
            </small>
          </label>
        )}
        {attempts === 1 && once && chosen && !permissionMode && Object.keys(chosen.profile.permissionModes).length > 0 && (
          <small className="form-warning" role="note">
            Nobody will be there to allow its edits: pick a permission mode that lets it write, or it may exit having written nothing.
          </small>
        )}
        {attempts === 1 && chosen && profile !== CUSTOM_PROFILE_ID && profile !== SHELL_PROFILE_ID && (
          <small className="muted agent-hint">
            {chosen.profile.promptMode === 'typed' ? 'The prompt is typed into the agent once it is up. ' : ''}
            {chosen.profile.hooksHint}
          </small>
        )}
        {agentList.list?.error && <small className="form-error">Agent settings not used: {agentList.list.error}</small>}
        <NotInstalled agents={agentList.list?.agents ?? []} />
        {attempts === 1 && profile === CUSTOM_PROFILE_ID && (
          <label className="field">
            <span>Command</span>
            <input value={command} onChange={(e) => setCommand(e.target.value)} placeholder={`my-agent --yes ${PROMPT_PLACEHOLDER}`} spellCheck={false} className="mono" aria-label="Command" />
            <small className="muted">
              Runs directly, without a shell. <code>{PROMPT_PLACEHOLDER}</code> becomes the prompt, as one argument.
            </small>
          </label>
        )}
        <ChecksFields draft={checks} onChange={setChecks} agents={agents} />
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
            {busy ? 'Creating…' : attempts > 1 ? `Create ${attempts} attempts${startNow ? ' and start' : ''}` : startNow ? 'Create and start' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
