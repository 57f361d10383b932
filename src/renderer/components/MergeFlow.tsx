/**
 * Merging and clean-up, with every question asked before anything is lost:
 * uncommitted work is shown and committed only after confirmation; conflicts and a dirty
 * base are reported with nothing merged; removal that would lose work lists exactly what.
 */
import { useEffect, useState } from 'react';
import type { CleanupResult, LostWork, MergeResult } from '../../shared/contract';
import { touchedPaths, type ChangedFile } from '../../shared/diff';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

type Step =
  | { kind: 'working'; text: string }
  | { kind: 'needs-commit'; files: ChangedFile[]; changed: boolean }
  | { kind: 'conflict'; files: string[] }
  | { kind: 'refused'; reason: string; path: string | null }
  | { kind: 'confirm-loss'; lost: LostWork; merged: string | null }
  | { kind: 'error'; message: string };

interface Props {
  api: Api;
  task: Task;
  mode: 'merge' | 'cleanup' | 'discard';
  onDone(message: string | null): void;
}

export function MergeFlow({ api, task, mode, onDone }: Props) {
  const [typed, setTyped] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'working', text: mode === 'merge' ? 'Checking for conflicts…' : 'Checking what removal would lose…' });

  const afterCleanup = (r: CleanupResult, merged: string | null): void => {
    if (r.status === 'removed') {
      const ignored = r.ignoredRemoved.length > 0 ? ` Ignored files went with it: ${summarize(r.ignoredRemoved)}.` : '';
      onDone(`${merged ? `${merged} The worktree and branch were removed.` : 'Worktree and branch removed.'}${ignored}`);
    } else setStep({ kind: 'confirm-loss', lost: r.lost, merged });
  };

  const merge = async (commitUncommitted: boolean, expectedFiles?: string[]): Promise<void> => {
    setStep({ kind: 'working', text: commitUncommitted ? 'Committing agent work and merging…' : 'Checking for conflicts…' });
    try {
      const r: MergeResult = await api.call('tasks.merge', { taskId: task.id, commitUncommitted, expectedFiles });
      if (r.status === 'merged') {
        afterCleanup(r.cleanup, r.alreadyMerged ? `Nothing to merge: ${r.baseBranch} already has this work.` : `Merged into ${r.baseBranch} as ${r.commit.slice(0, 8)}.`);
      } else if (r.status === 'needs-commit') setStep({ kind: 'needs-commit', files: r.files, changed: expectedFiles !== undefined });
      else if (r.status === 'conflict') setStep({ kind: 'conflict', files: r.files });
      else setStep({ kind: 'refused', reason: r.reason, path: r.path });
    } catch (err) {
      setStep({ kind: 'error', message: (err as Error).message });
    }
  };

  const cleanup = async (confirmLoss: boolean, merged: string | null, confirmBranch?: string): Promise<void> => {
    setStep({ kind: 'working', text: mode === 'discard' ? 'Stopping the agent and removing its worktree…' : 'Removing the worktree and branch…' });
    try {
      const r =
        mode === 'discard'
          ? (await api.call('tasks.discard', { taskId: task.id, confirmLoss, confirmBranch })).cleanup
          : await api.call('tasks.cleanup', { taskId: task.id, confirmLoss, confirmBranch });
      afterCleanup(r, merged);
    } catch (err) {
      setStep({ kind: 'error', message: (err as Error).message });
    }
  };

  useEffect(() => {
    if (mode === 'merge') void merge(false);
    else void cleanup(false, null);
    // Runs once, when the flow opens.
  }, []);

  const close = (): void => onDone(null);
  const title =
    mode === 'merge' ? `Merge “${task.title}” into ${task.baseBranch}` : mode === 'discard' ? `Discard “${task.title}”` : `Remove the worktree of “${task.title}”`;

  return (
    <Dialog title={title} onClose={close} wide>
      {step.kind === 'working' && <p className="working">{step.text}</p>}
      {step.kind === 'needs-commit' && (
        <>
          {step.changed && <p className="form-error">The uncommitted files changed since you looked. Here is the list as it is now.</p>}
          <p>
            The agent left <strong>{step.files.length}</strong> uncommitted change{step.files.length === 1 ? '' : 's'}. They will be committed on{' '}
            <span className="mono">{task.branch}</span> as “agent work: {task.title}”, then merged.
          </p>
          <FileList files={step.files.map((f) => `${f.status.padEnd(8)} ${f.path}`)} />
          <div className="dialog-actions">
            <button className="btn" onClick={close}>
              Cancel
            </button>
            <button className="btn btn-merge" autoFocus onClick={() => void merge(true, touchedPaths(step.files))}>
              Commit and merge
            </button>
          </div>
        </>
      )}
      {step.kind === 'conflict' && (
        <>
          <p className="form-error">Merging would conflict. Nothing was merged, and no branch or checkout was touched.</p>
          <p>Conflicting files:</p>
          <FileList files={step.files} />
          <div className="dialog-actions">
            <button className="btn btn-primary" autoFocus onClick={close}>
              OK
            </button>
          </div>
        </>
      )}
      {step.kind === 'refused' && (
        <>
          <p className="form-error">The merge was refused. Nothing was merged.</p>
          <p>{step.reason}</p>
          <div className="dialog-actions">
            <button className="btn btn-primary" autoFocus onClick={close}>
              OK
            </button>
          </div>
        </>
      )}
      {step.kind === 'confirm-loss' && (
        <>
          {step.merged && <p className="success-text">{step.merged}</p>}
          <p>Removing the worktree and branch would lose work that exists nowhere else:</p>
          {step.lost.uncommitted.length > 0 && (
            <>
              <h3 className="list-title">Uncommitted files</h3>
              <FileList files={step.lost.uncommitted} />
            </>
          )}
          {step.lost.unmergedCommits.length > 0 && (
            <>
              <h3 className="list-title">Commits on no other branch</h3>
              <FileList files={step.lost.unmergedCommits.map((c) => `${c.sha.slice(0, 8)}  ${c.subject}`)} />
            </>
          )}
          {step.lost.unmergedCommits.length > 0 && (
            <label className="field">
              <span>
                These commits exist on no other branch. Type <code>{task.branch}</code> to delete them.
              </span>
              <input value={typed} onChange={(e) => setTyped(e.target.value)} className="mono" aria-label="Branch name to confirm" spellCheck={false} />
            </label>
          )}
          <div className="dialog-actions">
            <button className="btn btn-primary" autoFocus onClick={close}>
              Keep them
            </button>
            <button className="btn btn-danger" disabled={step.lost.unmergedCommits.length > 0 && typed !== task.branch} onClick={() => void cleanup(true, step.merged, typed || undefined)}>
              Delete anyway
            </button>
          </div>
        </>
      )}
      {step.kind === 'error' && (
        <>
          <p className="form-error">{step.message}</p>
          <div className="dialog-actions">
            <button className="btn btn-primary" autoFocus onClick={close}>
              OK
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function summarize(paths: string[]): string {
  return paths.length <= 4 ? paths.join(', ') : `${paths.slice(0, 4).join(', ')} and ${paths.length - 4} more`;
}

function FileList({ files }: { files: string[] }) {
  return (
    <ul className="file-list-plain">
      {files.map((f) => (
        <li key={f} className="mono">
          {f}
        </li>
      ))}
    </ul>
  );
}
