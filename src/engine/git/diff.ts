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
/** Images up to this size are shown before and after. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
};

export function imageTypeOf(filePath: string): string | null {
  const dot = filePath.lastIndexOf('.');
  return dot >= 0 ? (IMAGE_TYPES[filePath.slice(dot + 1).toLowerCase()] ?? null) : null;
}

/** One side of a file diff, read lazily from git objects: text, image, binary, too large, or absent. */
export async function readSide(cwd: string, rev: string, filePath: string): Promise<FileSide> {
  const spec = `${rev}:${filePath}`;
  const id = await git(['rev-parse', '--verify', '-q', spec], { cwd, okCodes: [1, 128] });
  if (id.code !== 0) return { kind: 'absent' };
  const blob = id.stdout.trim();
  const bytes = Number((await gitLine(['cat-file', '-s', blob], { cwd })).trim());
  const mime = imageTypeOf(filePath);
  if (mime) {
    if (bytes > MAX_IMAGE_BYTES) return { kind: 'too-large', size: bytes };
    const data = await gitBuffer(['cat-file', 'blob', blob], { cwd });
    return { kind: 'image', size: bytes, mime, dataUrl: `data:${mime};base64,${data.stdout.toString('base64')}`, blob };
  }
  if (bytes > MAX_TEXT_BYTES) return { kind: 'too-large', size: bytes };
  const data = await gitBuffer(['cat-file', 'blob', blob], { cwd });
  if (data.stdout.subarray(0, 8000).includes(0)) return { kind: 'binary', size: bytes };
  return { kind: 'text', text: data.stdout.toString('utf8'), blob };
}
