/**
 * Merging and clean-up, with every question asked before anything is lost:
 * uncommitted work is shown and committed only after confirmation; conflicts and a dirty
 * base are reported with nothing merged; removal that would lose work lists exactly what.
 */
import { useEffect, useState } from 'react';
import type { CleanupResult, ConflictContents, FeedbackDelivery, LostWork, MergePreview, MergeResult, MergeStrategy } from '../../shared/contract';
import { touchedPaths, type ChangedFile } from '../../shared/diff';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';

type Step =
  | { kind: 'working'; text: string }
  | { kind: 'preview'; preview: MergePreview; branches: string[] }
  | { kind: 'confirm-discard' }
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
  const [strategy, setStrategy] = useState<MergeStrategy>('merge');
  const [target, setTarget] = useState(task.baseBranch);
  const [message, setMessage] = useState('');
  const [threeWay, setThreeWay] = useState<ConflictContents | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'working', text: mode === 'merge' ? 'Checking for conflicts…' : 'Checking what removal would lose…' });

  const afterCleanup = (r: CleanupResult, merged: string | null): void => {
    if (r.status === 'removed') {
      const ignored = r.ignoredRemoved.length > 0 ? ` Ignored files went with it: ${summarize(r.ignoredRemoved)}.` : '';
      onDone(`${merged ? `${merged} The worktree and branch were removed.` : 'Worktree and branch removed.'}${ignored}`);
    } else setStep({ kind: 'confirm-loss', lost: r.lost, merged });
  };

  /** What merging would do, before anything happens: commits, how far the base moved, conflicts. */
  const preview = async (into: string): Promise<void> => {
    setStep({ kind: 'working', text: 'Looking at what merging would do…' });
    try {
      const [p, b] = await Promise.all([api.call('tasks.mergePreview', { taskId: task.id, target: into }), api.call('projects.branches', { projectId: task.projectId })]);
      setStrategy((cur) => (step.kind === 'preview' ? cur : p.strategyDefault));
      setMessage((cur) => cur || p.squashMessage);
      // A conflict found without touching anything is the answer already: show it, with what to do.
      if (p.conflicts.length > 0) setStep({ kind: 'conflict', files: p.conflicts });
      else setStep({ kind: 'preview', preview: p, branches: b.branches.filter((x) => x !== task.branch) });
    } catch (err) {
      setStep({ kind: 'error', message: (err as Error).message });
    }
  };

  const merge = async (commitUncommitted: boolean, expectedFiles?: string[]): Promise<void> => {
    setStep({ kind: 'working', text: commitUncommitted ? 'Committing agent work and merging…' : 'Merging…' });
    try {
      const r: MergeResult = await api.call('tasks.merge', {
        taskId: task.id,
        commitUncommitted,
        expectedFiles,
        strategy,
        target,
        message: strategy === 'squash' && message.trim() ? message : undefined,
      });
      if (r.status === 'merged') {
        afterCleanup(r.cleanup, r.alreadyMerged ? `Nothing to merge: ${r.baseBranch} already has this work.` : `Merged into ${r.baseBranch} (${r.strategy}) as ${r.commit.slice(0, 8)}.`);
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
    if (mode === 'merge') void preview(task.baseBranch);
    // Discarding stops a running agent: ask before anything happens.
    else if (mode === 'discard' && (task.state === 'running' || task.state === 'verifying')) setStep({ kind: 'confirm-discard' });
    else void cleanup(false, null);
    // Runs once, when the flow opens.
  }, []);

  const close = (): void => onDone(null);
  const conflictAction = async (what: 'rebase' | 'agent'): Promise<void> => {
    try {
      if (what === 'rebase') {
        const r = await api.call('tasks.rebaseOntoBase', { taskId: task.id, target });
        onDone(r.status === 'stopped' ? `The rebase stopped on ${r.conflicts.length} conflicting file(s); finish it in the worktree.` : r.status === 'up-to-date' ? 'Already up to date with the base.' : `Rebased onto ${r.onto}.`);
      } else {
        const r = await api.call('tasks.sendConflictsToAgent', { taskId: task.id });
        onDone(conflictsSent(r.delivery));
      }
    } catch (err) {
      setStep({ kind: 'error', message: (err as Error).message });
    }
  };
  const title =
    mode === 'merge' ? `Merge “${task.title}” into ${task.baseBranch}` : mode === 'discard' ? `Discard “${task.title}”` : `Remove the worktree of “${task.title}”`;

  return (
    <Dialog title={title} onClose={close} wide>
      {step.kind === 'working' && <p className="working">{step.text}</p>}
      {step.kind === 'confirm-discard' && (
        <>
          <p>The agent is still running. Discarding stops it, then removes the worktree and branch — asking first if that would lose any work.</p>
          <div className="dialog-actions">
            <button className="btn btn-primary" autoFocus onClick={close}>
              Keep the task
            </button>
            <button className="btn btn-danger" onClick={() => void cleanup(false, null)}>
              Stop and discard
            </button>
          </div>
        </>
      )}
      {step.kind === 'preview' && (
        <div className="merge-preview">
          {task.gate.escalated && (
            <p className="form-error" role="alert" data-testid="merge-gate-warning">
              {task.gate.escalated === 'verify-failed'
                ? 'This work did not pass its verify command. Merge only if you have checked it yourself.'
                : task.gate.escalated === 'changes-requested'
                  ? 'The reviewer agent still asks for changes to this work.'
                  : task.gate.escalated === 'candidate-failed'
                    ? 'The plan’s verify failed when this work was merged with the integration branch.'
                  : 'The reviewer agent’s review failed; this work has not been reviewed by it.'}
            </p>
          )}
          <div className="field-grid">
            <label className="field">
              <span>Into</span>
              <select
                value={target}
                aria-label="Target branch"
                onChange={(e) => {
                  setTarget(e.target.value);
                  void preview(e.target.value);
                }}
              >
                {step.branches.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>How</span>
              <select value={strategy} onChange={(e) => setStrategy(e.target.value as MergeStrategy)} aria-label="Merge strategy">
                <option value="merge">Merge commit</option>
                <option value="squash">Squash into one commit</option>
                <option value="rebase">Rebase, then fast-forward</option>
              </select>
              {strategy !== step.preview.strategyDefault && (
                <button
                  className="link-button"
                  onClick={() =>
                    void api.call('projects.setMergeStrategy', { projectId: task.projectId, strategy }).then(() => setStep({ ...step, preview: { ...step.preview, strategyDefault: strategy } }))
                  }
                >
                  Make this the project’s default
                </button>
              )}
            </label>
          </div>
          {strategy === 'squash' && (
            <label className="field">
              <span>Commit message</span>
              <textarea value={message} onChange={(e) => setMessage(e.target.value)} rows={4} aria-label="Squash message" />
            </label>
          )}
          <p className="muted">
            {step.preview.commits.length} commit{step.preview.commits.length === 1 ? '' : 's'} to merge
            {step.preview.baseMovedBy > 0 ? ` · ${target} has moved ${step.preview.baseMovedBy} commit${step.preview.baseMovedBy === 1 ? '' : 's'} since the task began` : ` · ${target} has not moved`}
            {step.preview.uncommitted.length > 0 ? ` · ${step.preview.uncommitted.length} uncommitted file(s) to commit first` : ''}
          </p>
          {step.preview.commits.length > 0 && <FileList files={step.preview.commits.map((c) => `${c.sha.slice(0, 8)}  ${c.subject}`)} />}
          <p className="success-text">No conflicts.</p>
          <div className="dialog-actions">
            <button className="btn" onClick={close}>
              Cancel
            </button>
            <button className="btn btn-merge" autoFocus onClick={() => void merge(false)}>
              {strategy === 'squash' ? 'Squash and merge' : strategy === 'rebase' ? 'Rebase and merge' : 'Merge'}
            </button>
          </div>
        </div>
      )}
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
          <p>Conflicting files (click one for its three versions):</p>
          <ul className="file-list-plain">
            {step.files.map((f) => (
              <li key={f} className="mono">
                <button className="link-button" onClick={() => void api.call('tasks.conflictContents', { taskId: task.id, path: f, target }).then(setThreeWay, () => {})}>
                  {f}
                </button>
              </li>
            ))}
          </ul>
          {threeWay && (
            <div className="three-way" aria-label={`Three versions of ${threeWay.path}`}>
              {(['base', 'ours', 'theirs'] as const).map((k) => (
                <figure key={k}>
                  <figcaption className="muted">{k === 'base' ? 'Common ancestor' : k === 'ours' ? target : 'This task'}</figcaption>
                  <pre>{threeWay.binary ? '(binary)' : (threeWay[k] ?? '(absent)')}</pre>
                </figure>
              ))}
            </div>
          )}
          <div className="dialog-actions">
            <button className="btn" onClick={() => void api.call('tasks.openInEditor', { taskId: task.id }).then(() => onDone('Opened the worktree in your editor.'), (e: Error) => setStep({ kind: 'error', message: e.message }))}>
              Open in editor
            </button>
            <button className="btn" onClick={() => void conflictAction('rebase')}>
              Rebase onto {target}
            </button>
            <button className="btn" onClick={() => void conflictAction('agent')}>
              Send conflicts to agent
            </button>
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

/** What sending the conflicts to the agent did. */
export function conflictsSent(delivery: FeedbackDelivery): string {
  return delivery === 'restarted' ? 'The agent was restarted to resolve the conflicts.' : 'The conflicts were sent to the agent.';
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
