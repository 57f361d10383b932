import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangedFile } from '../src/shared/diff';
import { git, gitRaw, makeRepo, runCleanups, scriptedAgent, startEngine, waitForState } from './helpers';

afterEach(runCleanups);

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join('\n') + '\n';
/** Bytes git sees as binary: they hold NUL. */
const binary = (seed: number, n = 300) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 256));

const byPath = (files: ChangedFile[]) => [...files].sort((a, b) => a.path.localeCompare(b.path));

describe('the diff of a task against its merge base', () => {
  it('lists every kind of change, committed and uncommitted, and reads both sides of each', async () => {
    const repo = makeRepo({
      'keep.txt': lines(5, 'keep'),
      'gone.txt': lines(3, 'gone'),
      'moved-as-is.txt': lines(20, 'moved'),
      'moved-and-edited.txt': lines(20, 'edited'),
      'data.bin': binary(7).toString('latin1'),
      'tracked-later.txt': 'before\n',
    });
    // makeRepo wrote the binary as latin1 text; write the real bytes and amend, so the base holds them.
    fs.writeFileSync(path.join(repo, 'data.bin'), binary(7));
    git(repo, 'commit', '-q', '--amend', '-a', '--no-edit');

    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { append: { path: 'keep.txt', content: 'keep line 6\n' } },
      { delete: 'gone.txt' },
      { rename: { from: 'moved-as-is.txt', to: 'moved/as-is.txt' } },
      { rename: { from: 'moved-and-edited.txt', to: 'edited.txt' } },
      { append: { path: 'edited.txt', content: 'one more line\n' } },
      { write: { path: 'data.bin', base64: binary(11).toString('base64') } },
      { write: { path: 'img/logo.png', base64: binary(3, 120).toString('base64') } },
      { write: { path: 'docs/ünï cødé.md', content: 'hello\nworld\n' } },
      { write: { path: 'odd\tname\nwith newline.txt', content: 'one\ntwo\nthree\n' } },
      { commit: 'agent work' },
      // Left uncommitted: a tracked edit, a tracked deletion, and untracked files.
      { write: { path: 'tracked-later.txt', content: 'after\nand more\n' } },
      { delete: 'keep.txt' },
      { write: { path: 'scratch/todo.txt', content: 'todo\n' } },
      { write: { path: 'scratch/blob.bin', base64: binary(5, 50).toString('base64') } },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'All kinds', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'review');

    const diff = await engine.diff(task.id);
    expect(diff.baseBranch).toBe('main');
    expect(diff.mergeBase).toBe(git(repo, 'rev-parse', 'main'));
    expect(diff.head).toBe(git(repo, 'rev-parse', task.branch!));

    const committed = byPath(diff.committed);
    const edited = committed.find((f) => f.path === 'edited.txt')!;
    expect(committed).toEqual([
      { path: 'data.bin', oldPath: null, status: 'modified', additions: null, deletions: null, binary: true, similarity: null },
      { path: 'docs/ünï cødé.md', oldPath: null, status: 'added', additions: 2, deletions: 0, binary: false, similarity: null },
      { path: 'edited.txt', oldPath: 'moved-and-edited.txt', status: 'renamed', additions: 1, deletions: 0, binary: false, similarity: edited.similarity },
      { path: 'gone.txt', oldPath: null, status: 'deleted', additions: 0, deletions: 3, binary: false, similarity: null },
      { path: 'img/logo.png', oldPath: null, status: 'added', additions: null, deletions: null, binary: true, similarity: null },
      { path: 'keep.txt', oldPath: null, status: 'modified', additions: 1, deletions: 0, binary: false, similarity: null },
      { path: 'moved/as-is.txt', oldPath: 'moved-as-is.txt', status: 'renamed', additions: 0, deletions: 0, binary: false, similarity: 100 },
      { path: 'odd\tname\nwith newline.txt', oldPath: null, status: 'added', additions: 3, deletions: 0, binary: false, similarity: null },
    ]);
    // 20 lines kept, one added: similar, but not identical.
    expect(edited.similarity).toBeGreaterThan(80);
    expect(edited.similarity).toBeLessThan(100);

    expect(byPath(diff.uncommitted)).toEqual([
      { path: 'keep.txt', oldPath: null, status: 'deleted', additions: 0, deletions: 6, binary: false, similarity: null },
      { path: 'scratch/blob.bin', oldPath: null, status: 'added', additions: null, deletions: null, binary: true, similarity: null },
      { path: 'scratch/todo.txt', oldPath: null, status: 'added', additions: 1, deletions: 0, binary: false, similarity: null },
      { path: 'tracked-later.txt', oldPath: null, status: 'modified', additions: 2, deletions: 1, binary: false, similarity: null },
    ]);
    // Listing the diff touched neither the worktree's index nor its files.
    expect(gitRaw(task.worktreePath!, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort()).toEqual([
      ' D keep.txt',
      ' M tracked-later.txt',
      '?? scratch/blob.bin',
      '?? scratch/todo.txt',
    ]);

    const side = (group: 'committed' | 'uncommitted', p: string, oldPath: string | null = null) =>
      engine.fileContents({ taskId: task.id, group, path: p, oldPath });
    expect(await side('committed', 'data.bin')).toMatchObject({ original: { kind: 'binary', size: 300 }, modified: { kind: 'binary', size: 300 } });
    // An image shows before and after, from its bytes.
    expect(await side('committed', 'img/logo.png')).toMatchObject({ original: { kind: 'absent' }, modified: { kind: 'image', size: 120, mime: 'image/png' } });
    expect(await side('committed', 'gone.txt')).toMatchObject({ original: { kind: 'text', text: lines(3, 'gone') }, modified: { kind: 'absent' } });
    expect(await side('committed', 'edited.txt', 'moved-and-edited.txt')).toMatchObject({
      original: { kind: 'text', text: lines(20, 'edited') },
      modified: { kind: 'text', text: lines(20, 'edited') + 'one more line\n' },
    });
    expect(await side('committed', 'docs/ünï cødé.md')).toMatchObject({ language: 'markdown', original: { kind: 'absent' }, modified: { kind: 'text', text: 'hello\nworld\n' } });
    expect(await side('uncommitted', 'tracked-later.txt')).toMatchObject({ original: { kind: 'text', text: 'before\n' }, modified: { kind: 'text', text: 'after\nand more\n' } });
    expect(await side('uncommitted', 'keep.txt')).toMatchObject({ original: { kind: 'text', text: lines(5, 'keep') + 'keep line 6\n' }, modified: { kind: 'absent' } });
    expect(await side('uncommitted', 'scratch/blob.bin')).toMatchObject({ original: { kind: 'absent' }, modified: { kind: 'binary', size: 50 } });
  });

  it('compares against the merge base after the base branch moved on', async () => {
    const repo = makeRepo({ 'a.txt': lines(10, 'a'), 'b.txt': 'b\n' });
    const branchPoint = git(repo, 'rev-parse', 'main');
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { write: { path: 'a.txt', content: lines(10, 'a').replace('a line 1\n', 'task line 1\n') } },
      { commit: 'task edits a' },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Moving base', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'review');

    // Meanwhile main gets new work: a new file, and an edit to a.txt far from the task's.
    fs.writeFileSync(path.join(repo, 'c.txt'), 'c\n');
    fs.writeFileSync(path.join(repo, 'a.txt'), lines(10, 'a').replace('a line 10\n', 'main line 10\n'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main moves on');
    expect(git(repo, 'rev-parse', 'main')).not.toBe(branchPoint);

    const diff = await engine.diff(task.id);
    expect(diff.mergeBase).toBe(branchPoint);
    // Against main's tip it would also show c.txt deleted and line 10 reverted; against the merge base it is only the task's work.
    expect(diff.committed.map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([['a.txt', 'modified', 1, 1]]);
    const contents = await engine.fileContents({ taskId: task.id, group: 'committed', path: 'a.txt', oldPath: null });
    expect(contents.original).toMatchObject({ kind: 'text', text: lines(10, 'a') });
    expect(contents.modified).toMatchObject({ kind: 'text', text: lines(10, 'a').replace('a line 1\n', 'task line 1\n') });
  });

  it('refuses file paths that climb out of the repository', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Paths', prompt: '', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: true });
    await waitForState(engine, task.id, 'review');
    for (const bad of ['../outside.txt', '/etc/passwd', 'a/../../b']) {
      await expect(engine.fileContents({ taskId: task.id, group: 'committed', path: bad, oldPath: null })).rejects.toMatchObject({ code: 'invalid-input' });
      await expect(engine.fileContents({ taskId: task.id, group: 'uncommitted', path: 'README.md', oldPath: bad })).rejects.toMatchObject({ code: 'invalid-input' });
    }
  });
});
