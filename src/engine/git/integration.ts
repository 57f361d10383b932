/**
 * What a branch's work has in common with a target branch: the commits a merge would bring,
 * how far the target moved, whether the work already arrived by a squash or a rebase, and the
 * three sides of a conflicting file. Objects only: no ref, index or checkout is touched.
 */
import { git, gitBuffer, gitLine } from './exec';
import { checkMerge } from './merge';

export interface CommitSummary {
  sha: string;
  subject: string;
  author: string;
  /** Author date, ms since the epoch. */
  date: number;
}

/** Commits reachable from `tip` and not from `target`, newest first. */
export async function commitsBetween(repo: string, target: string, tip: string): Promise<CommitSummary[]> {
  const out = await git(['log', '--format=%H%x00%an%x00%at%x00%s', tip, '--not', target], { cwd: repo });
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', author = '', at = '0', ...subject] = line.split('\0');
      return { sha, author, date: Number(at) * 1000, subject: subject.join('\0') };
    });
}

/** How many commits `target` has gained since it and `tip` parted. */
export async function commitsAhead(repo: string, target: string, tip: string): Promise<number> {
  return Number(await gitLine(['rev-list', '--count', target, '--not', tip], { cwd: repo }));
}

/** `git patch-id --stable` of each non-merge commit in a range, as a set. Empty commits have none. */
async function patchIds(repo: string, range: string[]): Promise<Set<string>> {
  const shas = (await git(['rev-list', '--no-merges', ...range], { cwd: repo })).stdout.split('\n').filter(Boolean);
  if (shas.length === 0) return new Set();
  // `git show` of every commit, fed to patch-id: one process each, however many commits.
  const patches = await git(['show', '--no-color', '--binary', '--format=commit %H', '--patch', ...shas], { cwd: repo });
  const ids = await git(['patch-id', '--stable'], { cwd: repo, input: patches.stdout });
  return new Set(
    ids.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[0]!),
  );
}

/**
 * Whether everything `tip` holds is already in `target`, even if not by ancestry: merging it
 * would change nothing (a squash merge, or a target that moved on), or every one of its commits
 * has a twin with the same patch id on the target (a rebase or cherry-pick merge).
 */
export async function workIsIn(repo: string, target: string, tip: string): Promise<boolean> {
  const ancestor = await git(['merge-base', '--is-ancestor', tip, target], { cwd: repo, okCodes: [1, 128] });
  if (ancestor.code === 0) return true;
  if (ancestor.code !== 1) return false;
  const check = await checkMerge(repo, target, tip);
  if (check.clean && check.tree === (await gitLine(['rev-parse', `${target}^{tree}`], { cwd: repo }))) return true;
  const mine = await patchIds(repo, [tip, '--not', target]);
  if (mine.size === 0) return false;
  // Bounded: a target that moved by more than this is compared on its newest commits only.
  const theirs = await patchIds(repo, ['--max-count=5000', target, '--not', tip]);
  return [...mine].every((id) => theirs.has(id));
}

export interface ConflictSides {
  path: string;
  /** The merge base's version, or null where the file did not exist. */
  base: string | null;
  /** The target's version. */
  ours: string | null;
  /** The task's version. */
  theirs: string | null;
  /** Any side holds a NUL byte: shown as a summary, not as text. */
  binary: boolean;
}

async function blobAt(repo: string, commit: string, file: string): Promise<Buffer | null> {
  const r = await gitBuffer(['cat-file', 'blob', `${commit}:${file}`], { cwd: repo, okCodes: [128] });
  return r.code === 0 ? r.stdout : null;
}

/** The three sides of `file` for a merge of `tip` into `target`, read from git objects. */
export async function conflictSides(repo: string, target: string, tip: string, file: string): Promise<ConflictSides> {
  const base = await gitLine(['merge-base', target, tip], { cwd: repo });
  const [b, o, t] = await Promise.all([blobAt(repo, base, file), blobAt(repo, target, file), blobAt(repo, tip, file)]);
  const binary = [b, o, t].some((x) => x !== null && x.subarray(0, 8000).includes(0));
  const text = (x: Buffer | null): string | null => (x === null ? null : binary ? '' : x.toString('utf8'));
  return { path: file, base: text(b), ours: text(o), theirs: text(t), binary };
}
