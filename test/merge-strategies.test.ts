/** Merge strategies, targets, preview and conflicts, on real repositories with a real engine. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import type { FeedbackResult } from '../src/shared/contract';
import { allRefs, expectError, filesUnder, git, gitRaw, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

function repoState(...checkouts: string[]) {
  return checkouts.map((dir) => ({
    refs: allRefs(dir),
    head: gitRaw(dir, 'rev-parse', '--symbolic-full-name', 'HEAD') + gitRaw(dir, 'rev-parse', 'HEAD'),
    status: gitRaw(dir, 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'),
    index: gitRaw(dir, 'ls-files', '--stage', '-z'),
    files: filesUnder(dir),
  }));
}

const worktreeCount = (repo: string) => git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;

async function finishedTask(engine: Engine, repo: string, title: string, steps: unknown[], opts: { baseBranch?: string; prompt?: string } = {}) {
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title, prompt: opts.prompt ?? '', baseBranch: opts.baseBranch, agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
  return waitForState(engine, task.id, 'review');
}

function commitOn(repo: string, file: string, content: string, message: string): void {
  fs.writeFileSync(path.join(repo, file), content);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

describe('squash', () => {
  it('makes one commit on the checked-out target with the title and prompt summary, updates the checkout, and cleans up', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(
      engine,
      repo,
      'Add the widget',
      [{ write: { path: 'w1.txt', content: '1\n' } }, { commit: 'wip 1' }, { write: { path: 'w2.txt', content: '2\n' } }, { commit: 'wip 2' }],
      { prompt: 'Build a widget   that shows the time.\n\nDetails nobody needs in the message.' },
    );
    const mainBefore = git(repo, 'rev-parse', 'main');
    const preview = await engine.handlers()['tasks.mergePreview']({ taskId: task.id });
    expect(preview.squashMessage).toBe('Add the widget\n\nBuild a widget that shows the time.');

    const r = await engine.merge(task.id, false, undefined, { strategy: 'squash' });
    if (r.status !== 'merged') throw new Error(JSON.stringify(r));
    expect(r.strategy).toBe('squash');
    expect(r.updatedCheckout).toBe(repo);
    expect(git(repo, 'rev-parse', 'main')).toBe(r.commit);
    expect(git(repo, 'rev-list', '--parents', '-n', '1', r.commit)).toBe(`${r.commit} ${mainBefore}`);
    expect(git(repo, 'log', '-1', '--format=%B', r.commit)).toBe('Add the widget\n\nBuild a widget that shows the time.');
    expect(fs.readFileSync(path.join(repo, 'w2.txt'), 'utf8')).toBe('2\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    // The squashed branch's work is in main by content, so clean-up asked nothing.
    expect(r.cleanup).toEqual({ status: 'removed', ignoredRemoved: [] });
    const done = engine.store.task(task.id);
    expect(done.state).toBe('done');
    expect(engine.store.events(task.id).at(-1)?.reason).toBe(`merged into main by squash as ${r.commit}`);
  });

  it('takes an edited message, and follows the project default strategy', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Edited', [{ write: { path: 'b.txt', content: 'b\n' } }, { commit: 'b' }]);
    const h = engine.handlers();
    expect(await h['projects.mergeStrategy']({ projectId: task.projectId })).toBe('merge');
    await h['projects.setMergeStrategy']({ projectId: task.projectId, strategy: 'squash' });
    expect((await h['tasks.mergePreview']({ taskId: task.id })).strategyDefault).toBe('squash');
    const r = await h['tasks.merge']({ taskId: task.id, commitUncommitted: false, message: 'My own words' });
    if (r.status !== 'merged') throw new Error(JSON.stringify(r));
    expect(r.strategy).toBe('squash');
    expect(git(repo, 'log', '-1', '--format=%B', 'main')).toBe('My own words');
    expect(git(repo, 'rev-list', '--count', 'main')).toBe('2');
  });

  it('refuses a dirty checked-out target, naming the path, and changes nothing', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'notes.txt': 'n\n' });
    const engine = await startEngine();
    for (const strategy of ['squash', 'rebase'] as const) {
      const task = await finishedTask(engine, repo, `Dirty ${strategy}`, [{ write: { path: `${strategy}.txt`, content: 'x\n' } }, { commit: strategy }]);
      fs.writeFileSync(path.join(repo, 'notes.txt'), 'uncommitted\n');
      const before = repoState(repo, task.worktreePath!);
      const r = await engine.merge(task.id, false, undefined, { strategy });
      expect(r).toMatchObject({ status: 'refused', path: repo });
      if (r.status === 'refused') expect(r.reason).toContain('notes.txt');
      expect(repoState(repo, task.worktreePath!)).toEqual(before);
      expect(engine.store.task(task.id).state).toBe('review');
      git(repo, 'checkout', '--', 'notes.txt');
    }
  });
});

describe('rebase', () => {
  it('replays the commits onto a moved target that is checked out nowhere, keeping authors and messages', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    git(repo, 'branch', 'release');
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Two commits', [{ write: { path: 'one.txt', content: '1\n' } }, { commit: 'first' }, { write: { path: 'two.txt', content: '2\n' } }, { commit: 'second' }], { baseBranch: 'main' });
    // release moves on meanwhile, in another place.
    const other = path.join(tempDir(), 'rel');
    git(repo, 'worktree', 'add', '-q', other, 'release');
    commitOn(other, 'r.txt', 'r\n', 'release work');
    git(repo, 'worktree', 'remove', other);
    const releaseBefore = git(repo, 'rev-parse', 'release');
    const [mainBefore] = repoState(repo);
    const worktrees = worktreeCount(repo);

    const preview = await engine.handlers()['tasks.mergePreview']({ taskId: task.id, target: 'release' });
    expect(preview.commits.map((c) => c.subject)).toEqual(['second', 'first']);
    expect(preview.baseMovedBy).toBe(1);
    expect(preview.conflicts).toEqual([]);

    const r = await engine.merge(task.id, false, undefined, { strategy: 'rebase', target: 'release' });
    if (r.status !== 'merged') throw new Error(JSON.stringify(r));
    expect(r).toMatchObject({ strategy: 'rebase', baseBranch: 'release', updatedCheckout: null });
    expect(git(repo, 'rev-parse', 'release')).toBe(r.commit);
    expect(git(repo, 'log', '--format=%s|%an|%P', `${releaseBefore}..release`).split('\n').map((l) => l.split('|').slice(0, 2).join('|'))).toEqual(['second|Dev', 'first|Dev']);
    expect(git(repo, 'rev-list', '--merges', `${releaseBefore}..release`)).toBe('');
    expect(git(repo, 'rev-parse', 'release~2')).toBe(releaseBefore);
    // main and its checkout were not touched; the temporary replay worktree is gone.
    const [mainAfter] = repoState(repo);
    expect(mainAfter!.files).toEqual(mainBefore!.files);
    expect(mainAfter!.head).toBe(mainBefore!.head);
    expect(worktreeCount(repo)).toBe(worktrees - 1);
    // Rebase-merged: clean-up found the work on release by patch id and asked nothing.
    expect(r.cleanup).toEqual({ status: 'removed', ignoredRemoved: [] });
  });

  it('fast-forwards a clean checked-out target through git', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Onto main', [{ write: { path: 'n.txt', content: 'n\n' } }, { commit: 'n' }]);
    commitOn(repo, 'm.txt', 'm\n', 'main moved');
    const r = await engine.merge(task.id, false, undefined, { strategy: 'rebase' });
    if (r.status !== 'merged') throw new Error(JSON.stringify(r));
    expect(r.updatedCheckout).toBe(repo);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(r.commit);
    expect(git(repo, 'log', '--format=%s', '-2')).toBe('n\nmain moved');
    expect(fs.readFileSync(path.join(repo, 'n.txt'), 'utf8')).toBe('n\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('refuses cleanly when one commit conflicts on replay even though the whole merge would not', async () => {
    const repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Back and forth', [
      { write: { path: 'a.txt', content: 'one\nTASK\nthree\n' } },
      { commit: 'change two' },
      { write: { path: 'a.txt', content: 'one\ntwo\nthree\n' } },
      { commit: 'change it back' },
      { write: { path: 'b.txt', content: 'b\n' } },
      { commit: 'add b' },
    ]);
    commitOn(repo, 'a.txt', 'one\nMAIN\nthree\n', 'main changes two');
    const before = repoState(repo, task.worktreePath!);
    const worktrees = worktreeCount(repo);
    const r = await engine.merge(task.id, false, undefined, { strategy: 'rebase' });
    expect(r).toEqual({ status: 'conflict', files: ['a.txt'] });
    expect(repoState(repo, task.worktreePath!)).toEqual(before);
    expect(worktreeCount(repo)).toBe(worktrees);
    expect(engine.store.task(task.id)).toMatchObject({ state: 'review', flags: { conflicts: ['a.txt'] } });
  });
});

describe('conflicts', () => {
  async function conflicting(engine: Engine, repo: string) {
    const task = await finishedTask(engine, repo, 'Conflicts', [
      { write: { path: 'a.txt', content: 'one\nTASK\nthree\n' } },
      { write: { path: 'c.txt', content: 'clean\n' } },
      { commit: 'task edits' },
    ]);
    commitOn(repo, 'a.txt', 'one\nMAIN\nthree\n', 'main edit 1');
    commitOn(repo, 'z.txt', 'z\n', 'main edit 2');
    return task;
  }

  it('leaves every ref and checkout untouched for each strategy, flags the task, and shows the three sides', async () => {
    const repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n' });
    const engine = await startEngine();
    const task = await conflicting(engine, repo);
    const before = repoState(repo, task.worktreePath!);
    for (const strategy of ['merge', 'squash', 'rebase'] as const) {
      const r = await engine.merge(task.id, false, undefined, { strategy });
      expect(r).toEqual({ status: 'conflict', files: ['a.txt'] });
      expect(repoState(repo, task.worktreePath!)).toEqual(before);
    }
    expect(engine.store.task(task.id)).toMatchObject({ state: 'review', flags: { conflicts: ['a.txt'] } });

    const preview = await engine.handlers()['tasks.mergePreview']({ taskId: task.id });
    expect(preview).toMatchObject({ baseMovedBy: 2, conflicts: ['a.txt'], strategyDefault: 'merge' });
    expect(preview.commits.map((c) => [c.subject, c.author])).toEqual([['task edits', 'Dev']]);

    const sides = await engine.handlers()['tasks.conflictContents']({ taskId: task.id, path: 'a.txt' });
    expect(sides).toEqual({ path: 'a.txt', base: 'one\ntwo\nthree\n', ours: 'one\nMAIN\nthree\n', theirs: 'one\nTASK\nthree\n', binary: false });
    const added = await engine.handlers()['tasks.conflictContents']({ taskId: task.id, path: 'c.txt' });
    expect(added).toMatchObject({ base: null, ours: null, theirs: 'clean\n' });
    await expectError(engine.handlers()['tasks.conflictContents']({ taskId: task.id, path: '../etc/passwd' }), 'invalid-input');
  });

  it('rebase onto base starts the rebase in the worktree and leaves it stopped on the conflict', async () => {
    const repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n' });
    const engine = await startEngine();
    const task = await conflicting(engine, repo);
    const mainRefs = allRefs(repo);
    const r = await engine.handlers()['tasks.rebaseOntoBase']({ taskId: task.id });
    expect(r).toMatchObject({ status: 'stopped', onto: 'main', conflicts: ['a.txt'] });
    const gitDir = git(task.worktreePath!, 'rev-parse', '--absolute-git-dir');
    expect(fs.existsSync(path.join(gitDir, 'rebase-merge')) || fs.existsSync(path.join(gitDir, 'rebase-apply'))).toBe(true);
    expect(fs.readFileSync(path.join(task.worktreePath!, 'a.txt'), 'utf8')).toContain('<<<<<<<');
    expect(allRefs(repo)).toBe(mainRefs);
    expect(engine.store.task(task.id).state).toBe('review');
  });

  it('rebase onto base finishes by itself when nothing conflicts', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Behind', [{ write: { path: 'b.txt', content: 'b\n' } }, { commit: 'b' }]);
    commitOn(repo, 'm.txt', 'm\n', 'main moved');
    const r = await engine.handlers()['tasks.rebaseOntoBase']({ taskId: task.id });
    expect(r.status).toBe('rebased');
    expect(git(repo, 'rev-parse', `${task.branch}~1`)).toBe(git(repo, 'rev-parse', 'main'));
    expect((await engine.handlers()['tasks.rebaseOntoBase']({ taskId: task.id })).status).toBe('up-to-date');
  });

  it('sends the conflicting files to a waiting agent through the feedback path', async () => {
    const repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { write: { path: 'a.txt', content: 'one\nTASK\nthree\n' } },
      { commit: 'task edit' },
      { ask: 'What next? ' },
      { write: { path: 'answer.txt', content: '{answer}' } },
      { hang: true },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Waits', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitFor(() => git(repo, 'log', '-1', '--format=%s', task.branch ?? engine.store.task(task.id).branch!) === 'task edit', 'the agent to commit');
    commitOn(repo, 'a.txt', 'one\nMAIN\nthree\n', 'main edit');
    const result: FeedbackResult = await engine.handlers()['tasks.sendConflictsToAgent']({ taskId: task.id });
    expect(result.task.state).toBe('running');
    const answer = path.join(task.worktreePath!, 'answer.txt');
    await waitFor(() => fs.existsSync(answer) && fs.readFileSync(answer, 'utf8').length > 0, 'the agent to take the message');
    expect(fs.readFileSync(answer, 'utf8')).toContain('conflicts in these files');
    const sent = engine.store.messages(task.id).at(-1)!;
    expect(sent.kind).toBe('feedback');
    expect(sent.text).toContain('- a.txt');
    expect(sent.text).toContain('git rebase main');
  });
});
