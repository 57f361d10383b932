/** What the review view shows: the files a task changed, against its merge base. */
export type FileChangeStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied' | 'typechange';

export interface ChangedFile {
  path: string;
  /** The path before a rename or copy. */
  oldPath: string | null;
  status: FileChangeStatus;
  /** Null for binary files: git cannot count their lines. */
  additions: number | null;
  deletions: number | null;
  binary: boolean;
  /** Rename or copy similarity, 0–100. */
  similarity: number | null;
}

/**
 * What the diff is against: the merge base ("what the agent did", the default), the base's tip
 * ("what merging would do"), or one commit of the task branch against its parent.
 */
export type DiffAgainst = { kind: 'merge-base' } | { kind: 'base-tip' } | { kind: 'commit'; sha: string };

export interface CommitInfo {
  sha: string;
  subject: string;
  author: string;
  /** Unix ms. */
  date: number;
}

export interface TaskDiff {
  taskId: string;
  against: DiffAgainst;
  /** The two revisions of the committed group: `from` … `to`. */
  from: string;
  to: string;
  baseBranch: string;
  mergeBase: string;
  head: string;
  /** Committed on the task branch since the merge base. */
  committed: ChangedFile[];
  /** Uncommitted in the worktree (tracked edits and untracked files), against the branch head. */
  uncommitted: ChangedFile[];
  /** A tree object holding the worktree as it is now; the source of uncommitted file contents. */
  worktreeTree: string | null;
}

export type DiffGroup = 'committed' | 'uncommitted';

export interface FileContents {
  path: string;
  language: string;
  original: FileSide;
  modified: FileSide;
}

export type FileSide =
  | { kind: 'text'; text: string; blob: string }
  /** An image small enough to show before and after. */
  | { kind: 'image'; size: number; mime: string; dataUrl: string; blob: string }
  | { kind: 'absent' }
  | { kind: 'binary'; size: number }
  | { kind: 'too-large'; size: number };

/** Every path a set of changes touches (a rename touches its old and its new path). */
export function touchedPaths(files: ChangedFile[]): string[] {
  return files.flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])).sort();
}

/** A review comment on a line or a range of one side of a file's diff. */
export interface ReviewComment {
  id: number;
  taskId: string;
  path: string;
  side: 'original' | 'modified';
  startLine: number;
  endLine: number;
  /** The revision (commit or worktree tree) the comment was made on. */
  revision: string;
  /** The lines as they were when commented on. */
  quote: string;
  body: string;
  status: 'open' | 'sent';
  createdAt: number;
  /** The lines changed since: the comment is kept, and marked. */
  outdated: boolean;
}
