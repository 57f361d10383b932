/** Retry a failed, stopped or stuck task: in the same worktree, or as a fresh attempt from the base, with its agent or another. */
import { useState, type FormEvent } from 'react';
import { CUSTOM_PROFILE_ID, isCustomAgent, type AgentSpec } from '../../shared/agents';
import { PROMPT_PLACEHOLDER, type Task } from '../../shared/task';
import type { Api } from '../api/client';
import { hasWorktree, type TaskActions } from '../task-actions';
import { AgentSelect, agentsOrBuiltins, useAgentList } from './AgentSelect';
import { Dialog } from './Dialog';
import '../styles/checks.css';

interface Props {
  api: Api;
  task: Task;
  actions: TaskActions;
  onClose(): void;
  /** The task that now runs: the same one, or the new attempt. */
  onDone(task: Task): void;
}

export function RetryDialog({ api, task, actions, onClose, onDone }: Props) {
  const canReuse = hasWorktree(task);
  const [fresh, setFresh] = useState(!canReuse);
  const [profile, setProfile] = useState(task.agent.profile);
  const [command, setCommand] = useState(isCustomAgent(task.agent) ? task.agent.command : '');
  const [busy, setBusy] = useState(false);
  const agentList = useAgentList(api, task.projectId);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    const agent: AgentSpec = profile === CUSTOM_PROFILE_ID ? { profile: CUSTOM_PROFILE_ID, command } : { profile };
    const same = JSON.stringify(agent) === JSON.stringify(task.agent);
    const t = await actions.retry(task, fresh, same ? undefined : agent);
    if (t) onDone(t);
    else setBusy(false);
  };

  return (
    <Dialog title={`Retry “${task.title}”`} onClose={onClose} closable={!busy}>
      <form className="new-task" onSubmit={(e) => void submit(e)}>
        {task.state === 'running' && <p className="muted">The agent looks stuck. Retrying stops it first.</p>}
        <div className="retry-choice" role="radiogroup" aria-label="Where to retry">
          <label>
            <input type="radio" name="retry-where" checked={!fresh} disabled={!canReuse} onChange={() => setFresh(false)} aria-label="Same worktree" />
            <span>
              Same worktree
              <small className="muted">{canReuse ? 'Starts the agent again on the work so far, on its branch.' : 'This task’s worktree is gone.'}</small>
            </span>
          </label>
          <label>
            <input type="radio" name="retry-where" checked={fresh} onChange={() => setFresh(true)} aria-label="Fresh worktree" />
            <span>
              Fresh worktree (new attempt from the base branch)
              <small className="muted">A new task from {task.baseBranch}, with the same prompt. This one stays as it is, to compare.</small>
            </span>
          </label>
        </div>
        <label className="field">
          <span>Agent</span>
          <AgentSelect agents={agentsOrBuiltins(agentList.list)} detected={agentList.list !== null} value={profile} onChange={setProfile} ariaLabel="Retry agent" />
        </label>
        {profile === CUSTOM_PROFILE_ID && (
          <label className="field">
            <span>Command</span>
            <input value={command} onChange={(e) => setCommand(e.target.value)} placeholder={`my-agent --yes ${PROMPT_PLACEHOLDER}`} spellCheck={false} className="mono" aria-label="Retry command" />
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || (profile === CUSTOM_PROFILE_ID && !command.trim())}>
            {busy ? 'Starting…' : fresh ? 'Start a fresh attempt' : 'Retry here'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
