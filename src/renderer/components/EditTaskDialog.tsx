/** A queued task can still be changed: its title, prompt and base branch. */
import { useEffect, useState, type FormEvent } from 'react';
import type { Branches } from '../../shared/contract';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

export function EditTaskDialog({ api, task, onClose, onSaved }: { api: Api; task: Task; onClose(): void; onSaved(t: Task): void }) {
  const [title, setTitle] = useState(task.title);
  const [prompt, setPrompt] = useState(task.prompt);
  const [baseBranch, setBaseBranch] = useState(task.baseBranch);
  const [branches, setBranches] = useState<Branches | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.call('projects.branches', { projectId: task.projectId }).then(setBranches, (e: Error) => setError(e.message));
  }, [api, task.projectId]);
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      onSaved(await api.call('tasks.update', { taskId: task.id, title, prompt, baseBranch }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title="Edit queued task" onClose={onClose} wide>
      <form className="new-task" onSubmit={(e) => void save(e)}>
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
