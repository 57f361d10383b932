/**
 * What a task changed: committed work against the merge base, and uncommitted work in the
 * worktree against the branch head. Both come from `git diff --raw --numstat -z`, so renames,
 * binaries and odd file names (spaces, unicode, newlines) are all read the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChangedFile, FileChangeStatus, FileSide } from '../../shared/diff';
import { git, gitBuffer, gitLine } from './exec';

const STATUS: Record<string, FileChangeStatus> = {
  A: 'added',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'typechange',
};

/** Lists changed files between two tree-ish revisions. */
export async function listChanges(cwd: string, from: string, to: string): Promise<ChangedFile[]> {
  const out = await git(
    ['diff', '--raw', '--numstat', '-z', '-M', '--no-ext-diff', '--no-textconv', '--ignore-submodules=none', from, to, '--'],
    { cwd },
  );
  return parseRawNumstat(out.stdout);
}

export function parseRawNumstat(text: string): ChangedFile[] {
  const tokens = text.split('\0');
  const files: ChangedFile[] = [];
  const byPath = new Map<string, ChangedFile>();
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i]!;
    if (tok === '') {
      i++;
      continue;
    }
    if (tok.startsWith(':')) {
      // :oldmode newmode oldsha newsha STATUS[score]
      const statusField = tok.split(' ')[4] ?? '';
      const letter = statusField[0] ?? 'M';
      const score = statusField.length > 1 ? Number(statusField.slice(1)) : null;
      const twoPaths = letter === 'R' || letter === 'C';
      const oldPath = twoPaths ? tokens[i + 1]! : null;
      const filePath = twoPaths ? tokens[i + 2]! : tokens[i + 1]!;
      i += twoPaths ? 3 : 2;
      const file: ChangedFile = {
        path: filePath,
        oldPath,
        status: STATUS[letter] ?? 'modified',
        additions: 0,
        deletions: 0,
        binary: false,
        similarity: twoPaths && score !== null && !Number.isNaN(score) ? score : null,
      };
      files.push(file);
      byPath.set(filePath, file);
      continue;
    }
    // numstat: "add\tdel\tpath" or, for a rename, "add\tdel\t" followed by old and new paths.
    // Split at the first two tabs only: a file name may hold tabs of its own.
    const tab1 = tok.indexOf('\t');
    const tab2 = tok.indexOf('\t', tab1 + 1);
    const add = tok.slice(0, tab1);
    const del = tok.slice(tab1 + 1, tab2);
    const rest = tok.slice(tab2 + 1);
    let filePath: string;
    if (rest === '') {
      filePath = tokens[i + 2]!;
      i += 3;
    } else {
      filePath = rest;
      i += 1;
    }
    const file = byPath.get(filePath);
    if (!file) continue;
    if (add === '-' || del === '-') {
      file.binary = true;
      file.additions = null;
      file.deletions = null;
    } else {
      file.additions = Number(add);
      file.deletions = Number(del);
    }
  }
  return files;
}

/**
 * A tree object holding the worktree exactly as it is (tracked edits and untracked files),
 * written through a copy of the worktree's index so the real index is never touched.
 */
export async function snapshotWorktree(worktreePath: string): Promise<string> {
  const indexPath = await gitLine(['rev-parse', '--path-format=absolute', '--git-path', 'index'], { cwd: worktreePath });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-index-'));
  const tmpIndex = path.join(tmpDir, 'index');
  try {
    if (fs.existsSync(indexPath)) fs.copyFileSync(indexPath, tmpIndex);
    const env = { GIT_INDEX_FILE: tmpIndex };
    await git(['add', '-A', '--', '.'], { cwd: worktreePath, env });
    return await gitLine(['write-tree'], { cwd: worktreePath, env });
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Files above this size are summarised rather than loaded into the diff editor. */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** One side of a file diff, read from git objects: text, binary, too large, or absent. */
export async function readSide(cwd: string, rev: string, filePath: string): Promise<FileSide> {
  const spec = `${rev}:${filePath}`;
  const size = await git(['cat-file', '-s', spec], { cwd, okCodes: [128] });
  if (size.code !== 0) return { kind: 'absent' };
  const bytes = Number(size.stdout.trim());
  if (bytes > MAX_TEXT_BYTES) return { kind: 'too-large', size: bytes };
  const blob = await gitBuffer(['cat-file', 'blob', spec], { cwd });
  if (blob.stdout.subarray(0, 8000).includes(0)) return { kind: 'binary', size: bytes };
  return { kind: 'text', text: blob.stdout.toString('utf8') };
}
