import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import { allRefs, filesUnder, git, gitRaw, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

/** Everything a merge must leave alone when it does not happen: refs, HEADs, index, files. */
function repoState(...checkouts: string[]) {
  return checkouts.map((dir) => ({
    refs: allRefs(dir),
    head: gitRaw(dir, 'rev-parse', '--symbolic-full-name', 'HEAD') + gitRaw(dir, 'rev-parse', 'HEAD'),
    status: gitRaw(dir, 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'),
    index: gitRaw(dir, 'ls-files', '--stage', '-z'),
    files: filesUnder(dir),
    merging: fs.existsSync(path.join(gitRaw(dir, 'rev-parse', '--absolute-git-dir').trim(), 'MERGE_HEAD')),
  }));
}

async function finishedTask(engine: Engine, repo: string, title: string, steps: unknown[], baseBranch?: string) {
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title, prompt: '', baseBranch, agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
  return waitForState(engine, task.id, 'review');
}

describe('merging a task', () => {
  it('into a base that is checked out nowhere moves only that ref', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    git(repo, 'branch', 'release');
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'For release', [{ write: { path: 'a.txt', content: 'release a\n' } }, { commit: 'change a' }], 'release');
    const releaseBefore = git(repo, 'rev-parse', 'release');
    const taskTip = git(repo, 'rev-parse', task.branch!);
    const [checkoutBefore] = repoState(repo);

    const result = await engine.merge(task.id, false);
    if (result.status !== 'merged') throw new Error(`expected a merge, got ${JSON.stringify(result)}`);
    expect(result.updatedCheckout).toBeNull();
    expect(result.baseBranch).toBe('release');
    expect(git(repo, 'rev-parse', 'release')).toBe(result.commit);
    expect(git(repo, 'rev-list', '--parents', '-n', '1', result.commit)).toBe(`${result.commit} ${releaseBefore} ${taskTip}`);
    expect(git(repo, 'show', 'release:a.txt')).toBe('release a');
    // main, its checkout and its files did not move; only release and the removed task branch changed.
    const [checkoutAfter] = repoState(repo);
    expect(checkoutAfter!.files).toEqual(checkoutBefore!.files);
    expect(checkoutAfter!.status).toBe(checkoutBefore!.status);
    expect(checkoutAfter!.head).toBe(checkoutBefore!.head);
    const refsWithout = (refs: string) => refs.split('\n').filter((l) => !l.includes('refs/heads/release') && !l.includes(task.branch!));
    expect(refsWithout(checkoutAfter!.refs)).toEqual(refsWithout(checkoutBefore!.refs));
    expect(engine.store.task(task.id).state).toBe('done');
  });

  it('stops at a conflict with every ref, HEAD, index and file byte-for-byte untouched', async () => {
    const repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Conflicts', [
      { write: { path: 'a.txt', content: 'one\nTASK\nthree\n' } },
      { write: { path: 'b.txt', content: 'task b\n' } },
      { write: { path: 'c.txt', content: 'c\nand a clean task line\n' } },
      { commit: 'task edits' },
    ]);
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\nMAIN\nthree\n');
    fs.rmSync(path.join(repo, 'b.txt'));
    git(repo, 'commit', '-q', '-am', 'main edits');
    // A dirty, untracked file in the checkout must survive too.
    fs.writeFileSync(path.join(repo, 'untracked.txt'), 'mine\n');
    const before = repoState(repo, task.worktreePath!);
    const eventsBefore = engine.store.events(task.id).length;

    const result = await engine.merge(task.id, false);
    expect(result).toEqual({ status: 'conflict', files: ['a.txt', 'b.txt'] });
    expect(repoState(repo, task.worktreePath!)).toEqual(before);
    const after = engine.store.task(task.id);
    expect(after.state).toBe('review');
    expect(after.stateReason).toContain('conflict');
    expect(engine.store.events(task.id).slice(eventsBefore).map((e) => e.toState)).toEqual(['merging', 'review']);
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
  });

  it('refuses when the checked-out base has uncommitted changes, naming where, and changes nothing', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'notes.txt': 'notes\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Dirty base', [{ write: { path: 'a.txt', content: 'task a\n' } }, { commit: 'task a' }]);
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'work in progress\n');
    const before = repoState(repo, task.worktreePath!);

    const result = await engine.merge(task.id, false);
    if (result.status !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
    expect(result.path).toBe(repo);
    expect(result.reason).toContain(repo);
    expect(result.reason).toContain('notes.txt');
    expect(repoState(repo, task.worktreePath!)).toEqual(before);
    expect(fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8')).toBe('work in progress\n');
    expect(engine.store.task(task.id).state).toBe('review');
  });

  it('refuses when the base is checked out, dirty, in another worktree', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const other = path.join(tempDir(), 'release checkout');
    git(repo, 'worktree', 'add', '-q', '-b', 'release', other);
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Into release', [{ write: { path: 'b.txt', content: 'b\n' } }, { commit: 'b' }], 'release');
    fs.writeFileSync(path.join(other, 'a.txt'), 'edited in the other checkout\n');
    const before = repoState(repo, other, task.worktreePath!);

    const result = await engine.merge(task.id, false);
    expect(result).toMatchObject({ status: 'refused', path: other });
    if (result.status === 'refused') expect(result.reason).toContain(other);
    expect(repoState(repo, other, task.worktreePath!)).toEqual(before);
  });

  it('refuses rather than overwrite an untracked file in the checked-out base', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Adds new.txt', [{ write: { path: 'new.txt', content: 'from the task\n' } }, { commit: 'new' }]);
    fs.writeFileSync(path.join(repo, 'new.txt'), 'the user’s own, untracked\n');
    const before = repoState(repo, task.worktreePath!);

    const result = await engine.merge(task.id, false);
    expect(result).toMatchObject({ status: 'refused', path: repo });
    expect(repoState(repo, task.worktreePath!)).toEqual(before);
    expect(engine.store.task(task.id).state).toBe('review');
  });

  it('asks before committing uncommitted agent work, then commits it as "agent work: <title>" and merges', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Left it uncommitted', [
      { write: { path: 'a.txt', content: 'edited a\n' } },
      { write: { path: 'fresh/new.txt', content: 'new\n' } },
    ]);
    const before = repoState(repo, task.worktreePath!);
    const eventsBefore = engine.store.events(task.id);

    const ask = await engine.merge(task.id, false);
    if (ask.status !== 'needs-commit') throw new Error(`expected needs-commit, got ${JSON.stringify(ask)}`);
    expect(ask.files.map((f) => [f.path, f.status]).sort()).toEqual([
      ['a.txt', 'modified'],
      ['fresh/new.txt', 'added'],
    ]);
    expect(repoState(repo, task.worktreePath!)).toEqual(before);
    expect(engine.store.task(task.id).state).toBe('review');
    expect(engine.store.events(task.id)).toEqual(eventsBefore);

    const mainBefore = git(repo, 'rev-parse', 'main');
    const merged = await engine.merge(task.id, true);
    if (merged.status !== 'merged') throw new Error(`expected a merge, got ${JSON.stringify(merged)}`);
    expect(merged.updatedCheckout).toBe(repo);
    const [, agentCommit] = git(repo, 'rev-list', '--parents', '-n', '1', merged.commit).split(' ').slice(1);
    expect(git(repo, 'rev-parse', `${merged.commit}^1`)).toBe(mainBefore);
    expect(git(repo, 'log', '-1', '--format=%s', agentCommit!)).toBe('agent work: Left it uncommitted');
    expect(fs.readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('edited a\n');
    expect(fs.readFileSync(path.join(repo, 'fresh/new.txt'), 'utf8')).toBe('new\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(merged.cleanup).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(engine.store.task(task.id).state).toBe('done');
  });

  it('merges the work of a task the user stopped', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([{ write: { path: 'a.txt', content: 'partial\n' } }, { print: 'READY' }, { hang: true }]);
    const task = await engine.createTask({ projectId: project.id, title: 'Stopped', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitFor(() => fs.existsSync(path.join(task.worktreePath!, 'a.txt')) && fs.readFileSync(path.join(task.worktreePath!, 'a.txt'), 'utf8') === 'partial\n', 'the agent to write');
    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');

    const merged = await engine.merge(task.id, true);
    expect(merged.status).toBe('merged');
    expect(fs.readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('partial\n');
    expect(engine.store.task(task.id).state).toBe('done');
  });

  it('refuses to merge while the agent is still running', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Busy', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    const refs = allRefs(repo);
    await expect(engine.merge(task.id, true)).rejects.toMatchObject({ code: 'bad-state' });
    expect(allRefs(repo)).toBe(refs);
    expect(engine.store.task(task.id).state).toBe('running');
  });
});
