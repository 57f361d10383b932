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

export interface TaskDiff {
  taskId: string;
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
  | { kind: 'text'; text: string }
  | { kind: 'absent' }
  | { kind: 'binary'; size: number }
  | { kind: 'too-large'; size: number };

/** Every path a set of changes touches (a rename touches its old and its new path). */
export function touchedPaths(files: ChangedFile[]): string[] {
  return files.flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])).sort();
}
