/**
 * Editing a task. While it is queued: its title, prompt, base branch and checks. Once it has
 * started (until it is done), only its checks: verify, reviewer, budget and stuck watch.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Branches } from '../../shared/contract';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';
import { agentsOrBuiltins, useAgentList } from './AgentSelect';
import { ChecksFields, checksFromDraft, draftFromChecks, type ChecksDraft } from './ChecksFields';

export function EditTaskDialog({ api, task, onClose, onSaved }: { api: Api; task: Task; onClose(): void; onSaved(t: Task): void }) {
  const queued = task.state === 'queued';
  const [title, setTitle] = useState(task.title);
  const [prompt, setPrompt] = useState(task.prompt);
  const [baseBranch, setBaseBranch] = useState(task.baseBranch);
  const [checks, setChecks] = useState<ChecksDraft>(() => draftFromChecks(task.checks));
  const [branches, setBranches] = useState<Branches | null>(null);
  const [error, setError] = useState<string | null>(null);
  const agentList = useAgentList(api, task.projectId);
  useEffect(() => {
    if (!queued) return;
    void api.call('projects.branches', { projectId: task.projectId }).then(setBranches, (e: Error) => setError(e.message));
  }, [api, task.projectId, queued]);
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      const own = checksFromDraft(checks);
      onSaved(await api.call('tasks.update', queued ? { taskId: task.id, title, prompt, baseBranch, checks: own } : { taskId: task.id, checks: own }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title={queued ? 'Edit queued task' : `Checks of “${task.title}”`} onClose={onClose} wide>
      <form className="new-task" onSubmit={(e) => void save(e)}>
        {queued ? (
          <>
            <label className="field">
              <span>Title</span>
              <input autoFocus value={title} onChange={(e) => setTitle(e.target.value)} aria-label="Title" />
            </label>
            <label className="field">
              <span>Prompt</span>
              <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={6} aria-label="Prompt" />
            </label>
            <label className="field">
              <span>Base branch</span>
              <select value={baseBranch} onChange={(e) => setBaseBranch(e.target.value)} aria-label="Base branch">
                {(branches?.branches ?? [task.baseBranch]).map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <p className="muted locked-summary">The task has started: its title and prompt stay as they are. Its checks apply from the next verify, and its budget and stuck watch at once.</p>
        )}
        <ChecksFields draft={checks} onChange={setChecks} agents={agentsOrBuiltins(agentList.list)} open={!queued} />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!title.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
