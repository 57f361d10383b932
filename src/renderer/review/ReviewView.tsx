/**
 * Reviewing a task: what it is against (merge base, base tip, one commit), the changed files
 * (filterable, virtualised, with "viewed" marks that survive restarts), a Monaco diff of the
 * chosen file, review comments on lines, and "Send to agent". The prompt stays in view, so the
 * change is judged against the spec.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChangedFile, CommitInfo, DiffAgainst, DiffGroup, FileContents, FileSide, ReviewComment, TaskDiff } from '../../shared/diff';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import type { ThemeName } from '../theme';
import { formatBytes } from '../format';
import { isTypingTarget } from '../keyboard';
import { useToast } from '../toasts';
import { DiffEditor, type DiffEditorHandle, type DiffOptions, type LineSelection } from './DiffEditor';
import { ReviewChecks } from './ReviewChecks';

interface Entry {
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

const OPTIONS_KEY = 'switchyard.diffOptions';
const DEFAULT_OPTIONS: DiffOptions = { sideBySide: true, wordWrap: false, ignoreWhitespace: false, collapseUnchanged: true };

function allEntries(d: TaskDiff): Entry[] {
  return [...d.committed.map((file) => ({ group: 'committed' as const, file })), ...d.uncommitted.map((file) => ({ group: 'uncommitted' as const, file }))];
}

function againstKey(a: DiffAgainst): string {
  return a.kind === 'commit' ? `commit:${a.sha}` : a.kind;
}

/** A file and line to open once the diff is loaded (a reviewer's comment picked in the Checks tab). */
export interface OpenAt {
  path: string;
  line: number;
}

export function ReviewView({ api, task, theme, openAt: initialOpenAt }: { api: Api; task: Task; theme: ThemeName; openAt?: OpenAt | null }) {
  const toast = useToast();
  const [against, setAgainst] = useState<DiffAgainst>({ kind: 'merge-base' });
  const [commits, setCommits] = useState<CommitInfo[]>([]);
  const [diff, setDiff] = useState<TaskDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Entry | null>(null);
  const [contents, setContents] = useState<FileContents | null>(null);
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState('');
  const [statusFilter, setStatusFilter] = useState<ChangedFile['status'] | 'all'>('all');
  const [viewed, setViewed] = useState<Record<string, string>>({});
  const [comments, setComments] = useState<ReviewComment[]>([]);
  const [selection, setSelection] = useState<LineSelection | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [options, setOptions] = useState<DiffOptions>(() => ({ ...DEFAULT_OPTIONS, ...(JSON.parse(localStorage.getItem(OPTIONS_KEY) ?? '{}') as Partial<DiffOptions>) }));
  const editorRef = useRef<DiffEditorHandle>(null);
  // A reviewer comment's line to show once its file is open.
  const [reveal, setReveal] = useState<{ path: string; line: number } | null>(null);

  useEffect(() => localStorage.setItem(OPTIONS_KEY, JSON.stringify(options)), [options]);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [d, v, c, cs] = await Promise.all([
        api.call('tasks.diff', { taskId: task.id, against }),
        api.call('review.viewed', { taskId: task.id }),
        api.call('review.comments', { taskId: task.id }),
        api.call('tasks.commits', { taskId: task.id }),
      ]);
      setDiff(d);
      setViewed(v);
      setComments(c);
      setCommits(cs);
      setError(null);
      setSelected((cur) => {
        const all = allEntries(d);
        const still = cur && all.find((e) => e.group === cur.group && e.file.path === cur.file.path);
        return still ?? all[0] ?? null;
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [api, task.id, against]);

  // Reload when the task changes (the agent finished, work was committed) or the view changes.
  useEffect(() => {
    void load();
  }, [load, task.state, task.updatedAt]);

  // File contents are loaded lazily, one file at a time, from git objects.
  useEffect(() => {
    if (!selected) {
      setContents(null);
      return;
    }
    let live = true;
    api
      .call('tasks.fileContents', { taskId: task.id, group: selected.group, path: selected.file.path, oldPath: selected.file.oldPath, against })
      .then((c) => live && setContents(c), (err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [api, task.id, selected, against, diff]);

  const entries = useMemo<Entry[]>(() => {
    if (!diff) return [];
    const all = allEntries(diff);
    const text = filter.trim().toLowerCase();
    return all.filter((e) => (statusFilter === 'all' || e.file.status === statusFilter) && (!text || e.file.path.toLowerCase().includes(text)));
  }, [diff, filter, statusFilter]);

  const step = useCallback(
    (delta: 1 | -1) => {
      if (entries.length === 0) return;
      const i = selected ? entries.findIndex((e) => e.group === selected.group && e.file.path === selected.file.path) : -1;
      setSelected(entries[(i + delta + entries.length) % entries.length]!);
    },
    [entries, selected],
  );

  // ] and [ walk the files; . and , walk the hunks of the open file.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (isTypingTarget(e.target) && !(e.target instanceof HTMLElement && e.target.closest('.monaco-editor'))) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ']') step(1);
      else if (e.key === '[') step(-1);
      else if (e.key === '.') editorRef.current?.goToHunk('next');
      else if (e.key === ',') editorRef.current?.goToHunk('previous');
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [step]);

  const sideBlob = (c: FileContents | null): string | null => (c && (c.modified.kind === 'text' || c.modified.kind === 'image') ? c.modified.blob : null);
  const toggleViewed = async (entry: Entry, blob: string | null, on: boolean): Promise<void> => {
    const key = entry.file.path;
    const apply = (viewedNow: boolean): void =>
      setViewed((v) => {
        const next = { ...v };
        if (viewedNow) next[key] = blob ?? 'deleted';
        else delete next[key];
        return next;
      });
    // Shown at once; put back if the engine could not keep it.
    apply(on);
    try {
      await api.call('review.setViewed', { taskId: task.id, path: key, blob: blob ?? 'deleted', viewed: on });
    } catch (err) {
      apply(!on);
      toast('error', 'Could not mark the file', (err as Error).message);
    }
  };

  const revisionFor = (sel: LineSelection): string | null => {
    if (!diff || !selected) return null;
    if (selected.group === 'uncommitted') return sel.side === 'modified' ? diff.worktreeTree : diff.head;
    return sel.side === 'modified' ? diff.to : diff.from;
  };

  const addComment = async (): Promise<void> => {
    if (!selection || !selected || !draft?.trim()) return;
    const revision = revisionFor(selection);
    if (!revision) return;
    try {
      const c = await api.call('review.addComment', { taskId: task.id, path: selected.file.path, side: selection.side, startLine: selection.startLine, endLine: selection.endLine, revision, body: draft });
      setComments((all) => [...all, c]);
      setDraft(null);
    } catch (err) {
      toast('error', 'Could not add the comment', (err as Error).message);
    }
  };

  /** A reviewer's comment: select its file in the diff and scroll to its line. */
  const openAt = (path: string, line: number): void => {
    const all = diff ? allEntries(diff) : [];
    const hit = all.find((e) => e.file.path === path);
    if (!hit) {
      toast('info', `${path} is not among the changed files.`);
      return;
    }
    setFilter('');
    setStatusFilter('all');
    setSelected(hit);
    setReveal({ path, line });
  };

  // A comment picked elsewhere opens here once the files are known.
  const pending = useRef(initialOpenAt ?? null);
  useEffect(() => {
    if (!diff || !pending.current) return;
    const { path, line } = pending.current;
    pending.current = null;
    openAt(path, line);
  });

  const openComments = comments.filter((c) => c.status === 'open');
  const sendComments = async (): Promise<void> => {
    try {
      const r = await api.call('review.sendComments', { taskId: task.id });
      toast(r.delivery === 'typed-unconfirmed' ? 'error' : 'success', r.delivery === 'typed-unconfirmed' ? 'The comments were typed in, but the agent was not seen to take them.' : `${openComments.length} comment${openComments.length === 1 ? '' : 's'} sent to the agent.`);
      setComments(await api.call('review.comments', { taskId: task.id }));
    } catch (err) {
      toast('error', 'Could not send the comments', (err as Error).message);
    }
  };

  if (error && !diff) return <div className="empty-state form-error">{error}</div>;
  if (!diff) return <div className="empty-state">Loading changes…</div>;
  const total = diff.committed.length + diff.uncommitted.length;
  const fileComments = selected ? comments.filter((c) => c.path === selected.file.path) : [];
  const currentBlob = sideBlob(contents);

  return (
    <div className="review-wrap">
      <div className="review-toolbar">
        <label className="review-against">
          <span className="muted">Against</span>
          <select
            aria-label="Compare against"
            value={againstKey(against)}
            onChange={(e) => {
              const v = e.target.value;
              setAgainst(v.startsWith('commit:') ? { kind: 'commit', sha: v.slice(7) } : v === 'base-tip' ? { kind: 'base-tip' } : { kind: 'merge-base' });
            }}
          >
            <option value="merge-base">Merge base — what the agent did</option>
            <option value="base-tip">{`${task.baseBranch} now — what merging would do`}</option>
            {commits.map((c) => (
              <option key={c.sha} value={`commit:${c.sha}`}>
                {`${c.sha.slice(0, 8)} ${c.subject}`}
              </option>
            ))}
          </select>
        </label>
        <Toggle label="Side by side" on={options.sideBySide} set={(v) => setOptions({ ...options, sideBySide: v })} />
        <Toggle label="Wrap" on={options.wordWrap} set={(v) => setOptions({ ...options, wordWrap: v })} />
        <Toggle label="Ignore whitespace" on={options.ignoreWhitespace} set={(v) => setOptions({ ...options, ignoreWhitespace: v })} />
        <Toggle label="Collapse unchanged" on={options.collapseUnchanged} set={(v) => setOptions({ ...options, collapseUnchanged: v })} />
        <span className="review-toolbar-spacer" />
        {openComments.length > 0 && (
          <button className="btn btn-primary btn-small" onClick={() => void sendComments()}>
            Send {openComments.length} comment{openComments.length === 1 ? '' : 's'} to agent
          </button>
        )}
      </div>
      <ReviewChecks api={api} task={task} onOpenComment={openAt} />
      {task.prompt && (
        <details className="review-prompt" open={total === 0}>
          <summary>The task: {task.title}</summary>
          <pre>{task.prompt}</pre>
        </details>
      )}
      <div className="review">
        <aside className="review-files" aria-label="Changed files">
          <div className="review-files-head">
            <span>
              {total} file{total === 1 ? '' : 's'} · {Object.keys(viewed).filter((p) => entries.some((e) => e.file.path === p)).length} viewed
            </span>
            <button className="btn btn-small btn-ghost" onClick={() => void load()} disabled={loading} title="Refresh" aria-label="Refresh changes">
              {loading ? '…' : '↻'}
            </button>
          </div>
          <div className="review-filters">
            <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter by path" aria-label="Filter files" />
            <select value={statusFilter} onChange={(e) => setStatusFilter(e.target.value as typeof statusFilter)} aria-label="Filter by status">
              <option value="all">All</option>
              <option value="added">Added</option>
              <option value="modified">Modified</option>
              <option value="deleted">Deleted</option>
              <option value="renamed">Renamed</option>
            </select>
          </div>
          {total === 0 && <p className="muted pad">No changes against {diff.baseBranch} yet.</p>}
          <FileTree entries={entries} selected={selected} viewed={viewed} comments={comments} onSelect={setSelected} filtering={filter.trim() !== '' || statusFilter !== 'all'} />
        </aside>
        <div className="review-diff">
          {selected && contents && contents.path === selected.file.path ? (
            <>
              <div className="file-diff-head">
                <span className="mono file-diff-path">{selected.file.oldPath ? `${selected.file.oldPath} → ${selected.file.path}` : selected.file.path}</span>
                {selected.file.similarity !== null && <span className="muted">{selected.file.similarity}% similar</span>}
                {selected.group === 'uncommitted' && <span className="badge badge-review">uncommitted</span>}
                <span className="review-toolbar-spacer" />
                {selection && contents.modified.kind === 'text' && draft === null && (
                  <button className="btn btn-small" onClick={() => setDraft('')}>
                    Comment on line{selection.startLine === selection.endLine ? ` ${selection.startLine}` : `s ${selection.startLine}–${selection.endLine}`}
                  </button>
                )}
                <label className="check viewed-check">
                  <input
                    type="checkbox"
                    checked={viewed[selected.file.path] !== undefined && viewed[selected.file.path] === (currentBlob ?? 'deleted')}
                    onChange={(e) => void toggleViewed(selected, currentBlob, e.target.checked)}
                    aria-label="Viewed"
                  />
                  Viewed
                </label>
              </div>
              {draft !== null && selection && (
                <div className="comment-form">
                  <span className="muted">
                    {selection.side === 'original' ? 'Before' : 'After'}, line{selection.startLine === selection.endLine ? ` ${selection.startLine}` : `s ${selection.startLine}–${selection.endLine}`}
                  </span>
                  <textarea
                    autoFocus
                    value={draft}
                    onChange={(e) => setDraft(e.target.value)}
                    rows={3}
                    aria-label="Comment"
                    placeholder="What should change here?"
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void addComment();
                      if (e.key === 'Escape') setDraft(null);
                    }}
                  />
                  <div className="dialog-actions">
                    <button className="btn btn-small" onClick={() => setDraft(null)}>
                      Cancel
                    </button>
                    <button className="btn btn-small btn-primary" onClick={() => void addComment()} disabled={!draft.trim()}>
                      Add comment
                    </button>
                  </div>
                </div>
              )}
              <FileBody
                contents={contents}
                theme={theme}
                options={options}
                comments={fileComments}
                onSelection={setSelection}
                editorRef={editorRef}
                revealLine={reveal && reveal.path === contents.path ? reveal.line : null}
              />
              {fileComments.length > 0 && (
                <ul className="comment-list" aria-label="Comments on this file">
                  {fileComments.map((c) => (
                    <li key={c.id} className={`comment comment-${c.status}${c.outdated ? ' comment-outdated' : ''}`}>
                      <div className="comment-head">
                        <span className="mono">
                          {c.side === 'original' ? 'before' : 'after'} {c.startLine === c.endLine ? `L${c.startLine}` : `L${c.startLine}–${c.endLine}`}
                        </span>
                        {c.outdated && <span className="badge badge-failed">outdated</span>}
                        {c.status === 'sent' && <span className="badge badge-done">sent</span>}
                        <span className="review-toolbar-spacer" />
                        <button className="btn btn-small btn-ghost" aria-label="Delete comment" onClick={() => void api.call('review.deleteComment', { taskId: task.id, commentId: c.id }).then(() => setComments((all) => all.filter((x) => x.id !== c.id)))}>
                          ×
                        </button>
                      </div>
                      <pre className="comment-quote">{c.quote}</pre>
                      <p className="comment-body">{c.body}</p>
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <div className="empty-state">{total > 0 ? 'Loading…' : 'Nothing to show.'}</div>
          )}
        </div>
      </div>
    </div>
  );
}

function Toggle({ label, on, set }: { label: string; on: boolean; set(v: boolean): void }) {
  return (
    <label className="check chip">
      <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} aria-label={label} />
      {label}
    </label>
  );
}

type TreeRow =
  | { kind: 'group'; key: string; label: string; count: number }
  | { kind: 'dir'; key: string; name: string; depth: number; count: number; collapsed: boolean }
  | { kind: 'file'; key: string; entry: Entry; depth: number };

/** Folders first, then files, as a tree; a folder with one child folder is shown joined ("src/lib"). */
function buildRows(entries: Entry[], collapsed: Set<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const group of ['committed', 'uncommitted'] as const) {
    const files = entries.filter((e) => e.group === group);
    if (files.length === 0) continue;
    if (group === 'uncommitted' || entries.some((e) => e.group === 'uncommitted')) {
      rows.push({ kind: 'group', key: `g:${group}`, label: group === 'committed' ? 'Committed' : 'Uncommitted', count: files.length });
    }
    type Node = { dirs: Map<string, Node>; files: Entry[]; count: number };
    const root: Node = { dirs: new Map(), files: [], count: 0 };
    for (const e of files) {
      const parts = e.file.path.split('/');
      let node = root;
      node.count++;
      for (const part of parts.slice(0, -1)) {
        let next = node.dirs.get(part);
        if (!next) node.dirs.set(part, (next = { dirs: new Map(), files: [], count: 0 }));
        next.count++;
        node = next;
      }
      node.files.push(e);
    }
    const walk = (node: Node, prefix: string, depth: number): void => {
      for (const [name, child] of [...node.dirs].sort(([a], [b]) => a.localeCompare(b))) {
        let label = name;
        let dir = child;
        let full = `${prefix}${name}/`;
        while (dir.files.length === 0 && dir.dirs.size === 1) {
          const [n, c] = [...dir.dirs][0]!;
          label = `${label}/${n}`;
          full = `${full}${n}/`;
          dir = c;
        }
        const key = `${group}:${full}`;
        const isCollapsed = collapsed.has(key);
        rows.push({ kind: 'dir', key, name: label, depth, count: dir.count, collapsed: isCollapsed });
        if (!isCollapsed) walk(dir, full, depth + 1);
      }
      for (const e of [...node.files].sort((a, b) => a.file.path.localeCompare(b.file.path))) {
        rows.push({ kind: 'file', key: `${group}:f:${e.file.path}`, entry: e, depth });
      }
    };
    walk(root, '', 0);
  }
  return rows;
}

/** The changed files as a tree, virtualised so a thousand of them scroll as smoothly as ten. */
function FileTree(p: { entries: Entry[]; selected: Entry | null; viewed: Record<string, string>; comments: ReviewComment[]; onSelect(e: Entry): void; filtering: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  // While filtering, every match shows.
  const rows = useMemo(() => buildRows(p.entries, p.filtering ? new Set() : collapsed), [p.entries, collapsed, p.filtering]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 30, overscan: 16 });
  const selectedIndex = p.selected ? rows.findIndex((r) => r.kind === 'file' && r.entry.group === p.selected!.group && r.entry.file.path === p.selected!.file.path) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);
  const toggle = (key: string): void =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <div className="file-tree" ref={scroller} role="tree" aria-label="Changed files">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          const style = { transform: `translateY(${item.start}px)`, height: item.size };
          if (r.kind === 'group') {
            return (
              <div key={r.key} className="file-slot file-group-title" style={style}>
                {r.label} <span className="column-count">{r.count}</span>
              </div>
            );
          }
          if (r.kind === 'dir') {
            return (
              <div key={r.key} className="file-slot" style={style}>
                <button className="dir-row" style={{ paddingLeft: 10 + r.depth * 14 }} onClick={() => toggle(r.key)} aria-expanded={!r.collapsed} role="treeitem">
                  <span className="dir-caret">{r.collapsed ? '▸' : '▾'}</span>
                  <span className="dir-name">{r.name}</span>
                  <span className="muted dir-count">{r.count}</span>
                </button>
              </div>
            );
          }
          const e = r.entry;
          const active = item.index === selectedIndex;
          const notes = p.comments.filter((c) => c.path === e.file.path && c.status === 'open').length;
          return (
            <div key={r.key} className="file-slot" style={style}>
              <button
                className={`file-row${active ? ' active' : ''}${p.viewed[e.file.path] ? ' viewed' : ''}`}
                style={{ paddingLeft: 10 + r.depth * 14 }}
                onClick={() => p.onSelect(e)}
                title={e.file.oldPath ? `${e.file.oldPath} → ${e.file.path}` : e.file.path}
                data-path={e.file.path}
                role="treeitem"
              >
                <span className={`status status-${e.file.status}`} title={e.file.status}>
                  {STATUS_LETTER[e.file.status]}
                </span>
                <span className="file-name">
                  <span className="file-base">{e.file.path.split('/').pop()}</span>
                  {e.file.oldPath && <span className="file-dir">from {e.file.oldPath}</span>}
                </span>
                {notes > 0 && (
                  <span className="file-notes" title={`${notes} open comment(s)`}>
                    ● {notes}
                  </span>
                )}
                <span className="counts">
                  {e.file.binary ? (
                    <span className="muted">binary</span>
                  ) : (
                    <>
                      <span className="add">+{e.file.additions}</span>
                      <span className="del">−{e.file.deletions}</span>
                    </>
                  )}
                </span>
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function FileBody(p: {
  contents: FileContents;
  theme: ThemeName;
  options: DiffOptions;
  comments: ReviewComment[];
  onSelection(s: LineSelection | null): void;
  editorRef: React.RefObject<DiffEditorHandle | null>;
  revealLine: number | null;
}) {
  const { original, modified } = p.contents;
  if (original.kind === 'image' || modified.kind === 'image') {
    return (
      <div className="image-diff">
        <ImageSide label="Before" side={original} />
        <ImageSide label="After" side={modified} />
      </div>
    );
  }
  const summary = (side: FileSide): string | null => {
    if (side.kind === 'binary') return `binary, ${formatBytes(side.size)}`;
    if (side.kind === 'too-large') return `too large to show, ${formatBytes(side.size)}`;
    return null;
  };
  const o = summary(original);
  const m = summary(modified);
  if (o || m) {
    return (
      <div className="binary-summary">
        <p>This file is not shown as text.</p>
        <p className="muted">Before: {original.kind === 'absent' ? 'did not exist' : (o ?? 'text')}</p>
        <p className="muted">After: {modified.kind === 'absent' ? 'deleted' : (m ?? 'text')}</p>
      </div>
    );
  }
  return (
    <DiffEditor
      ref={p.editorRef}
      original={original.kind === 'text' ? original.text : ''}
      modified={modified.kind === 'text' ? modified.text : ''}
      language={p.contents.language}
      theme={p.theme}
      options={p.options}
      commented={p.comments.map((c) => ({ side: c.side, startLine: c.startLine, endLine: c.endLine }))}
      onSelection={p.onSelection}
      revealLine={p.revealLine}
    />
  );
}

function ImageSide({ label, side }: { label: string; side: FileSide }) {
  return (
    <figure className="image-side">
      <figcaption className="muted">
        {label}
        {side.kind === 'image' ? ` · ${formatBytes(side.size)}` : ''}
      </figcaption>
      {side.kind === 'image' ? <img src={side.dataUrl} alt={label} /> : <div className="muted">{side.kind === 'absent' ? 'none' : side.kind}</div>}
    </figure>
  );
}
