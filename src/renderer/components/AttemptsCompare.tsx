/**
 * The attempts of a task's group, side by side: each with its state, agent and `+/−`, and a
 * "Merge this one" button (merging one closes the others); below, the diff between any two of
 * them, file by file, in the Monaco diff editor.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChangedFile, FileContents, FileSide } from '../../shared/diff';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { formatBytes } from '../format';
import { DiffEditor, type DiffOptions } from '../review/DiffEditor';
import type { ThemeName } from '../theme';
import { StateBadge } from './StateBadge';
import { GateEscalated, GateMark } from './GateMark';
import { agentLabel } from './TaskCard';
import '../styles/attempts.css';

export interface AttemptsCompareProps {
  api: Api;
  /** Any attempt of the group. */
  task: Task;
  theme: ThemeName;
  /** Opens the merge flow for that attempt (merging it closes the others). */
  onMerge(task: Task): void;
  /** Opens that attempt's own panel, where given. */
  onOpen?(task: Task): void;
}

const OPTIONS: DiffOptions = { sideBySide: true, wordWrap: false, ignoreWhitespace: false, collapseUnchanged: true };
const MERGEABLE: readonly Task['state'][] = ['review', 'failed', 'cancelled'];
const STATUS_MARK: Record<ChangedFile['status'], string> = { added: 'A', deleted: 'D', modified: 'M', renamed: 'R', copied: 'C', typechange: 'T' };

/** Whether a task's branch can be compared (it has one, and it was not removed). */
const comparable = (t: Task): boolean => t.branch !== null && !t.cleanedUp;

export function AttemptsCompare({ api, task, theme, onMerge, onOpen }: AttemptsCompareProps) {
  const [attempts, setAttempts] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [a, setA] = useState<string>('');
  const [b, setB] = useState<string>('');
  const [files, setFiles] = useState<ChangedFile[] | null>(null);
  const [compareError, setCompareError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ChangedFile | null>(null);
  const [contents, setContents] = useState<FileContents | null>(null);
  const [options, setOptions] = useState<DiffOptions>(OPTIONS);

  const load = useCallback(async () => {
    setError(null);
    try {
      setAttempts(await api.call('tasks.attempts', { taskId: task.id }));
    } catch (err) {
      setError((err as Error).message);
    }
  }, [api, task.id]);

  // Again whenever the task changes (a state, a merge closing the others).
  useEffect(() => void load(), [load, task.updatedAt]);

  // The default pair: this task against the next comparable attempt.
  const usable = useMemo(() => (attempts ?? []).filter(comparable), [attempts]);
  useEffect(() => {
    if (usable.length < 2) return;
    const ids = usable.map((t) => t.id);
    const first = ids.includes(a) ? a : ids[0]!;
    setA(first);
    if (!ids.includes(b) || b === first) setB(ids.find((x) => x !== first)!);
  }, [usable, a, b]);

  useEffect(() => {
    setFiles(null);
    setSelected(null);
    setContents(null);
    setCompareError(null);
    if (!a || !b || a === b) return;
    let live = true;
    api.call('tasks.compareAttempts', { a, b }).then(
      (f) => live && setFiles(f),
      (err: Error) => live && setCompareError(err.message),
    );
    return () => {
      live = false;
    };
  }, [api, a, b]);

  useEffect(() => {
    setContents(null);
    if (!selected) return;
    let live = true;
    api.call('tasks.compareFileContents', { a, b, path: selected.path, oldPath: selected.oldPath }).then(
      (c) => live && setContents(c),
      (err: Error) => live && setCompareError(err.message),
    );
    return () => {
      live = false;
    };
  }, [api, a, b, selected]);

  if (error) return <p className="form-error" role="alert">{error}</p>;
  if (!attempts) return <p className="muted attempts-empty">Loading attempts…</p>;
  if (!task.attemptGroup) return <p className="muted attempts-empty">This task was not started as attempts.</p>;

  const label = (t: Task): string => `Attempt ${t.attemptIndex ?? '?'} — ${agentLabel(t)}`;
  return (
    <div className="attempts" aria-label="Attempts">
      <table className="attempts-table">
        <thead>
          <tr>
            <th>Attempt</th>
            <th>Agent</th>
            <th>State</th>
            <th>Changes</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {attempts.map((t) => (
            <tr key={t.id} className={t.id === task.id ? 'attempts-current' : undefined} data-task-id={t.id}>
              <td>
                {onOpen ? (
                  <button type="button" className="link-button" onClick={() => onOpen(t)} title={t.title}>
                    {t.attemptIndex ?? '?'}/{attempts.length}
                  </button>
                ) : (
                  <span title={t.title}>
                    {t.attemptIndex ?? '?'}/{attempts.length}
                  </span>
                )}
              </td>
              <td>{agentLabel(t)}</td>
              <td>
                <StateBadge state={t.state} exitCode={t.exitCode} compact /> {t.gate.escalated ? <GateEscalated task={t} /> : <GateMark task={t} />}
                {t.stateReason && <small className="muted attempts-reason" title={t.stateReason}>{t.stateReason}</small>}
              </td>
              <td className="counts">
                {t.diffStat ? (
                  <>
                    <span className="add">+{t.diffStat.additions}</span> <span className="del">−{t.diffStat.deletions}</span>{' '}
                    <span className="muted">{t.diffStat.files} file(s)</span>
                  </>
                ) : (
                  <span className="muted">{t.cleanedUp ? 'removed' : '—'}</span>
                )}
              </td>
              <td>
                {t.state === 'done' ? (
                  <span className="muted">merged</span>
                ) : (
                  <button type="button" className="btn btn-small" disabled={!MERGEABLE.includes(t.state) || !comparable(t)} onClick={() => onMerge(t)} aria-label={`Merge attempt ${t.attemptIndex ?? ''}`}>
                    Merge this one
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="attempts-compare">
        <div className="review-toolbar">
          <strong>Compare</strong>
          {usable.length < 2 ? (
            <span className="muted">Two attempts with branches are needed to compare.</span>
          ) : (
            <>
              <select value={a} onChange={(e) => setA(e.target.value)} aria-label="Compare from">
                {usable.map((t) => (
                  <option key={t.id} value={t.id}>
                    {label(t)}
                  </option>
                ))}
              </select>
              <span aria-hidden>→</span>
              <select value={b} onChange={(e) => setB(e.target.value)} aria-label="Compare to">
                {usable.map((t) => (
                  <option key={t.id} value={t.id} disabled={t.id === a}>
                    {label(t)}
                  </option>
                ))}
              </select>
              <span className="review-toolbar-spacer" />
              <label className="check">
                <input type="checkbox" checked={options.sideBySide} onChange={(e) => setOptions({ ...options, sideBySide: e.target.checked })} /> Side by side
              </label>
              <label className="check">
                <input type="checkbox" checked={options.ignoreWhitespace} onChange={(e) => setOptions({ ...options, ignoreWhitespace: e.target.checked })} /> Ignore whitespace
              </label>
            </>
          )}
        </div>
        {compareError && <p className="form-error" role="alert">{compareError}</p>}
        {files && (
          <div className="attempts-diff">
            <ul className="attempts-files" aria-label="Files that differ">
              {files.length === 0 && <li className="muted">The two attempts' branches hold the same files.</li>}
              {files.map((f) => (
                <li key={`${f.oldPath ?? ''}→${f.path}`}>
                  <button type="button" className={selected?.path === f.path ? 'attempts-file selected' : 'attempts-file'} onClick={() => setSelected(f)} title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}>
                    <span className={`status status-${f.status}`}>{STATUS_MARK[f.status]}</span>
                    <span className="attempts-path">{f.path}</span>
                    {f.binary ? (
                      <span className="muted">binary</span>
                    ) : (
                      <span className="counts">
                        <span className="add">+{f.additions}</span>
                        <span className="del">−{f.deletions}</span>
                      </span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
            <div className="attempts-file-view">
              {!selected && files.length > 0 && <p className="muted attempts-empty">Choose a file to see how it differs.</p>}
              {selected && !contents && <p className="muted attempts-empty">Loading…</p>}
              {contents && <Sides contents={contents} theme={theme} options={options} />}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

function Sides({ contents, theme, options }: { contents: FileContents; theme: ThemeName; options: DiffOptions }) {
  const { original, modified } = contents;
  const text = (s: FileSide): string | null => (s.kind === 'text' ? s.text : s.kind === 'absent' ? '' : null);
  const o = text(original);
  const m = text(modified);
  if (o === null || m === null) {
    return (
      <div className="attempts-summary">
        <SideSummary label="From" side={original} />
        <SideSummary label="To" side={modified} />
      </div>
    );
  }
  return <DiffEditor original={o} modified={m} language={contents.language} theme={theme} options={options} commented={[]} onSelection={() => {}} />;
}

function SideSummary({ label, side }: { label: string; side: FileSide }) {
  let what: string;
  switch (side.kind) {
    case 'absent':
      what = 'absent';
      break;
    case 'text':
      what = 'text';
      break;
    case 'image':
      return (
        <figure>
          <figcaption className="muted">
            {label}: {side.mime}, {formatBytes(side.size)}
          </figcaption>
          <img src={side.dataUrl} alt={`${label} image`} />
        </figure>
      );
    case 'binary':
      what = `binary, ${formatBytes(side.size)}`;
      break;
    case 'too-large':
      what = `too large to show, ${formatBytes(side.size)}`;
      break;
  }
  return (
    <p>
      <strong>{label}:</strong> <span className="muted">{what}</span>
    </p>
  );
}
