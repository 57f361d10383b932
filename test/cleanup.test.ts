import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, waitForState } from './helpers';

afterEach(runCleanups);

async function finishedTask(engine: Engine, repo: string, steps: unknown[]) {
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title: 'Cleanup', prompt: '', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
  return waitForState(engine, task.id, 'review');
}

const branchExists = (repo: string, branch: string) => git(repo, 'branch', '--list', branch) !== '';
const worktreeListed = (repo: string, dir: string) => git(repo, 'worktree', 'list', '--porcelain').split('\n').includes(`worktree ${dir}`);

describe('removing a task’s worktree and branch', () => {
  it('asks first when it would lose uncommitted files or unmerged commits, listing exactly those, and deletes nothing', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, [
      { write: { path: 'feature.txt', content: 'f\n' } },
      { commit: 'add the feature' },
      { write: { path: 'a.txt', content: 'a2\n' } },
      { commit: 'tweak a' },
      { write: { path: 'b.txt', content: 'b edited, not committed\n' } },
      { write: { path: 'notes/untracked one.txt', content: 'u\n' } },
    ]);
    const shas = git(repo, 'log', '--format=%H', `main..${task.branch}`).split('\n');
    const tip = git(repo, 'rev-parse', task.branch!);

    const ask = await engine.cleanup(task.id, false);
    if (ask.status !== 'needs-confirmation') throw new Error(`expected a question, got ${JSON.stringify(ask)}`);
    expect([...ask.lost.uncommitted].sort()).toEqual(['b.txt', 'notes/untracked one.txt']);
    expect(ask.lost.unmergedCommits).toEqual([
      { sha: shas[0], subject: 'tweak a' },
      { sha: shas[1], subject: 'add the feature' },
    ]);
    // Nothing was deleted.
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(worktreeListed(repo, task.worktreePath!)).toBe(true);
    expect(git(repo, 'rev-parse', task.branch!)).toBe(tip);
    expect(fs.readFileSync(`${task.worktreePath}/b.txt`, 'utf8')).toBe('b edited, not committed\n');
    expect(engine.store.task(task.id).cleanedUp).toBe(false);

    expect(await engine.cleanup(task.id, true, task.branch!)).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
    expect(worktreeListed(repo, task.worktreePath!)).toBe(false);
    expect(branchExists(repo, task.branch!)).toBe(false);
    expect(engine.store.task(task.id).cleanedUp).toBe(true);
    // The repository's own checkout is as it was.
    expect(git(repo, 'status', '--porcelain')).toBe('');
    await expect(engine.diff(task.id)).rejects.toMatchObject({ code: 'bad-state' });
  });

  it('lists only uncommitted files when every commit is safe elsewhere', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, [{ write: { path: 'a.txt', content: 'dirty\n' } }]);
    const ask = await engine.cleanup(task.id, false);
    expect(ask).toEqual({ status: 'needs-confirmation', lost: { uncommitted: ['a.txt'], unmergedCommits: [] } });
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(branchExists(repo, task.branch!)).toBe(true);
  });

  it('lists only the commits no other branch holds', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, [
      { write: { path: 'one.txt', content: '1\n' } },
      { commit: 'first' },
      { write: { path: 'two.txt', content: '2\n' } },
      { commit: 'second' },
    ]);
    // The user kept the first commit on a branch of their own.
    git(repo, 'branch', 'kept', `${task.branch}~1`);
    const ask = await engine.cleanup(task.id, false);
    expect(ask).toEqual({
      status: 'needs-confirmation',
      lost: { uncommitted: [], unmergedCommits: [{ sha: git(repo, 'rev-parse', task.branch!), subject: 'second' }] },
    });
    expect(branchExists(repo, task.branch!)).toBe(true);
  });

  it('counts commits made on a detached HEAD in the worktree, which removing the worktree would orphan', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, []);
    // Agents run git too: this one detached HEAD and committed there, on no branch at all.
    git(task.worktreePath!, 'checkout', '-q', '--detach');
    fs.writeFileSync(`${task.worktreePath}/detached.txt`, 'd\n');
    git(task.worktreePath!, 'add', '-A');
    git(task.worktreePath!, 'commit', '-q', '-m', 'made while detached');
    const detached = git(task.worktreePath!, 'rev-parse', 'HEAD');

    const ask = await engine.cleanup(task.id, false);
    expect(ask).toEqual({ status: 'needs-confirmation', lost: { uncommitted: [], unmergedCommits: [{ sha: detached, subject: 'made while detached' }] } });
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(await engine.cleanup(task.id, true, task.branch!)).toEqual({ status: 'removed', ignoredRemoved: [] });
  });

  it('removes without asking when nothing would be lost', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, [{ write: { path: 'x.txt', content: 'x\n' } }, { commit: 'x' }]);
    // Its one commit is also on another branch.
    git(repo, 'branch', 'saved', task.branch!);
    expect(await engine.cleanup(task.id, false)).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
    expect(branchExists(repo, task.branch!)).toBe(false);
    expect(branchExists(repo, 'saved')).toBe(true);

    const idle = await finishedTask(engine, repo, []);
    expect(await engine.cleanup(idle.id, false)).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(fs.existsSync(idle.worktreePath!)).toBe(false);
    expect(branchExists(repo, idle.branch!)).toBe(false);
  });

  it('will not remove the worktree of a running agent', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Busy', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    await expect(engine.cleanup(task.id, true, task.branch!)).rejects.toMatchObject({ code: 'bad-state' });
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(branchExists(repo, task.branch!)).toBe(true);
  });
});
