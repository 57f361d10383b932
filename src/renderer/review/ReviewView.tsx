/** The task's changes: every changed file with its status and counts, and a Monaco diff of the chosen one. */
import { useCallback, useEffect, useState } from 'react';
import type { ChangedFile, DiffGroup, FileContents, TaskDiff } from '../../shared/diff';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import type { ThemeName } from '../theme';
import { formatBytes, splitPath } from '../format';
import { DiffEditor } from './DiffEditor';

interface Selection {
  group: DiffGroup;
  file: ChangedFile;
}

const STATUS_LETTER: Record<ChangedFile['status'], string> = {
  added: 'A',
  deleted: 'D',
  modified: 'M',
  renamed: 'R',
  copied: 'C',
  typechange: 'T',
};

export function ReviewView({ api, task, theme }: { api: Api; task: Task; theme: ThemeName }) {
  const [diff, setDiff] = useState<TaskDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [contents, setContents] = useState<FileContents | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const d = await api.call('tasks.diff', { taskId: task.id });
      setDiff(d);
      setError(null);
      setSelection((cur) => {
        const still = cur && (cur.group === 'committed' ? d.committed : d.uncommitted).find((f) => f.path === cur.file.path);
        if (still && cur) return { group: cur.group, file: still };
        const first = d.committed[0] ? { group: 'committed' as const, file: d.committed[0] } : d.uncommitted[0] ? { group: 'uncommitted' as const, file: d.uncommitted[0] } : null;
        return first;
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [api, task.id]);

  // Reload when the task changes state (e.g. the agent finished, or work was committed).
  useEffect(() => {
    void load();
  }, [load, task.state, task.updatedAt]);

  useEffect(() => {
    if (!selection) {
      setContents(null);
      return;
    }
    let live = true;
    api
      .call('tasks.fileContents', { taskId: task.id, group: selection.group, path: selection.file.path, oldPath: selection.file.oldPath })
      .then((c) => live && setContents(c), (err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [api, task.id, selection, diff]);

  if (error && !diff) return <div className="empty-state form-error">{error}</div>;
  if (!diff) return <div className="empty-state">Loading changes…</div>;
  const total = diff.committed.length + diff.uncommitted.length;

  return (
    <div className="review">
      <aside className="review-files" aria-label="Changed files">
        <div className="review-files-head">
          <span>
            {total} file{total === 1 ? '' : 's'} changed
          </span>
          <button className="btn btn-small btn-ghost" onClick={() => void load()} disabled={loading} title="Refresh">
            {loading ? '…' : '↻'}
          </button>
        </div>
        {total === 0 && <p className="muted pad">No changes against {diff.baseBranch} yet.</p>}
        <FileGroup title="Committed" files={diff.committed} group="committed" selection={selection} onSelect={setSelection} />
        <FileGroup title="Uncommitted" files={diff.uncommitted} group="uncommitted" selection={selection} onSelect={setSelection} />
      </aside>
      <div className="review-diff">
        {selection && contents && contents.path === selection.file.path ? (
          <FileDiff contents={contents} file={selection.file} theme={theme} />
        ) : (
          <div className="empty-state">{total > 0 ? 'Loading…' : 'Nothing to show.'}</div>
        )}
      </div>
    </div>
  );
}

function FileGroup(p: { title: string; files: ChangedFile[]; group: DiffGroup; selection: Selection | null; onSelect(s: Selection): void }) {
  if (p.files.length === 0) return null;
  return (
    <div className="file-group">
      <div className="file-group-title">
        {p.title} <span className="column-count">{p.files.length}</span>
      </div>
      <ul>
        {p.files.map((f) => {
          const { dir, base } = splitPath(f.path);
          const active = p.selection?.group === p.group && p.selection.file.path === f.path;
          return (
            <li key={f.path}>
              <button className={`file-row${active ? ' active' : ''}`} onClick={() => p.onSelect({ group: p.group, file: f })} title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path} data-path={f.path}>
                <span className={`status status-${f.status}`} title={f.status}>
                  {STATUS_LETTER[f.status]}
                </span>
                <span className="file-name">
                  <span className="file-base">{base}</span>
                  {dir && <span className="file-dir">{dir}</span>}
                </span>
                <span className="counts">
                  {f.binary ? (
                    <span className="muted">binary</span>
                  ) : (
                    <>
                      <span className="add">+{f.additions}</span>
                      <span className="del">−{f.deletions}</span>
                    </>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function FileDiff({ contents, file, theme }: { contents: FileContents; file: ChangedFile; theme: ThemeName }) {
  const { original, modified } = contents;
  const summary = (side: FileContents['original']): string | null => {
    if (side.kind === 'binary') return `binary, ${formatBytes(side.size)}`;
    if (side.kind === 'too-large') return `too large to show, ${formatBytes(side.size)}`;
    return null;
  };
  const o = summary(original);
  const m = summary(modified);
  return (
    <div className="file-diff">
      <div className="file-diff-head">
        <span className="mono">{file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}</span>
        {file.similarity !== null && <span className="muted">{file.similarity}% similar</span>}
      </div>
      {o || m ? (
        <div className="binary-summary">
          <p>This file is not shown as text.</p>
          <p className="muted">Before: {original.kind === 'absent' ? 'did not exist' : (o ?? 'text')}</p>
          <p className="muted">After: {modified.kind === 'absent' ? 'deleted' : (m ?? 'text')}</p>
        </div>
      ) : (
        <DiffEditor
          original={original.kind === 'text' ? original.text : ''}
          modified={modified.kind === 'text' ? modified.text : ''}
          language={contents.language}
          theme={theme}
        />
      )}
    </div>
  );
}
