/** Clean-up that never loses work: squash and rebase merges, the typed branch name, missing worktrees, bulk and automatic clean-up, disk usage. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import { expectError, git, makeRepo, runCleanups, scriptedAgent, startEngine, waitForState } from './helpers';

afterEach(runCleanups);

async function finishedTask(engine: Engine, repo: string, title: string, steps: unknown[]) {
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title, prompt: '', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
  return waitForState(engine, task.id, 'review');
}

const branchExists = (repo: string, branch: string) => git(repo, 'branch', '--list', branch) !== '';
const twoCommits = [{ write: { path: 'one.txt', content: '1\n' } }, { commit: 'first' }, { write: { path: 'two.txt', content: '2\n' } }, { commit: 'second' }];

describe('merged by content counts as merged', () => {
  it('a branch squash-merged outside Switchyard is removed without asking', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Squashed', twoCommits);
    git(repo, 'merge', '--squash', '-q', task.branch!);
    git(repo, 'commit', '-q', '-m', 'squashed by hand');
    fs.writeFileSync(path.join(repo, 'later.txt'), 'later\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main moved on');
    expect(await engine.cleanup(task.id, false)).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(branchExists(repo, task.branch!)).toBe(false);
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
  });

  it('a branch rebase-merged (cherry-picked) outside Switchyard is removed without asking', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Rebased', twoCommits);
    fs.writeFileSync(path.join(repo, 'm.txt'), 'm\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main moved first');
    git(repo, 'cherry-pick', `main..${task.branch}`);
    // Not by ancestry: only by patch id.
    expect(() => git(repo, 'merge-base', '--is-ancestor', task.branch!, 'main')).toThrow();
    expect(await engine.cleanup(task.id, false)).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(branchExists(repo, task.branch!)).toBe(false);
  });

  it('a partly applied branch still asks', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Partly', twoCommits);
    fs.writeFileSync(path.join(repo, 'm.txt'), 'm\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main moved first');
    git(repo, 'cherry-pick', `${task.branch}~1`);
    const ask = await engine.cleanup(task.id, false);
    expect(ask).toMatchObject({ status: 'needs-confirmation', lost: { uncommitted: [], unmergedCommits: [{ subject: 'second' }, { subject: 'first' }] } });
    expect(branchExists(repo, task.branch!)).toBe(true);
  });
});

describe('deleting commits that exist nowhere else', () => {
  it('needs the branch name typed, and deletes nothing without it', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Unmerged', twoCommits);
    const tip = git(repo, 'rev-parse', task.branch!);
    const h = engine.handlers();
    const err = await expectError(h['tasks.cleanup']({ taskId: task.id, confirmLoss: true }), 'invalid-input');
    expect(err.message).toContain(task.branch!);
    await expectError(h['tasks.cleanup']({ taskId: task.id, confirmLoss: true, confirmBranch: 'main' }), 'invalid-input');
    expect(git(repo, 'rev-parse', task.branch!)).toBe(tip);
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(engine.store.task(task.id).cleanedUp).toBe(false);

    expect(await h['tasks.cleanup']({ taskId: task.id, confirmLoss: true, confirmBranch: task.branch! })).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(branchExists(repo, task.branch!)).toBe(false);
  });

  it('needs no typed name when only uncommitted files would go', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Dirty only', [{ write: { path: 'a.txt', content: 'dirty\n' } }]);
    expect(await engine.handlers()['tasks.cleanup']({ taskId: task.id, confirmLoss: true })).toEqual({ status: 'removed', ignoredRemoved: [] });
  });
});

describe('a worktree deleted behind Switchyard’s back', () => {
  it('is noticed and marked, the diff still works, and clean-up prunes it and keeps asking about the commits', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Gone', twoCommits);
    fs.rmSync(task.worktreePath!, { recursive: true, force: true });

    const listed = (await engine.handlers()['tasks.list']({})).find((t) => t.id === task.id)!;
    expect(listed.flags.worktreeMissing).toBe(true);
    expect(engine.store.events(task.id).at(-1)?.reason).toContain('deleted outside Switchyard');
    const diff = await engine.diff(task.id);
    expect(diff.committed.map((f) => f.path).sort()).toEqual(['one.txt', 'two.txt']);
    expect(diff.uncommitted).toEqual([]);

    const ask = await engine.cleanup(task.id, false);
    expect(ask).toMatchObject({ status: 'needs-confirmation', lost: { uncommitted: [], unmergedCommits: [{ subject: 'second' }, { subject: 'first' }] } });
    expect(await engine.cleanup(task.id, true, task.branch!)).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain('prunable');
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(task.worktreePath!);
    expect(branchExists(repo, task.branch!)).toBe(false);
  });
});

describe('disk usage, bulk and automatic clean-up', () => {
  it('reports each worktree’s size', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const task = await finishedTask(engine, repo, 'Big', [{ write: { path: 'big.txt', content: 'x'.repeat(100_000) } }]);
    const usage = await engine.handlers()['tasks.diskUsage']({});
    const mine = usage.find((u) => u.taskId === task.id)!;
    expect(mine).toMatchObject({ path: task.worktreePath, truncated: false, title: 'Big' });
    expect(mine.bytes).toBeGreaterThanOrEqual(100_000);
  });

  it('bulk clean-up removes what is safe and never deletes unmerged or uncommitted work', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const safe = await finishedTask(engine, repo, 'Safe', [{ write: { path: 's.txt', content: 's\n' } }, { commit: 's' }]);
    git(repo, 'merge', '-q', '--no-edit', safe.branch!);
    const unmerged = await finishedTask(engine, repo, 'Unmerged', twoCommits);
    const dirty = await finishedTask(engine, repo, 'Dirty', [{ write: { path: 'd.txt', content: 'd\n' } }]);
    const tip = git(repo, 'rev-parse', unmerged.branch!);

    const results = await engine.handlers()['tasks.cleanupMany']({ taskIds: [safe.id, unmerged.id, dirty.id] });
    expect(results.map((r) => [r.taskId, r.result.status])).toEqual([
      [safe.id, 'removed'],
      [unmerged.id, 'needs-confirmation'],
      [dirty.id, 'needs-confirmation'],
    ]);
    expect(branchExists(repo, safe.branch!)).toBe(false);
    expect(git(repo, 'rev-parse', unmerged.branch!)).toBe(tip);
    expect(fs.existsSync(unmerged.worktreePath!)).toBe(true);
    expect(fs.readFileSync(path.join(dirty.worktreePath!, 'd.txt'), 'utf8')).toBe('d\n');
  });

  it('automatic clean-up is off by default, then removes done tasks after N days under the same rules', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const merged = await finishedTask(engine, repo, 'Merged elsewhere', [{ write: { path: 'm.txt', content: 'm\n' } }, { commit: 'm' }]);
    git(repo, 'merge', '-q', '--no-edit', merged.branch!);
    const unmerged = await finishedTask(engine, repo, 'Closed unmerged', twoCommits);
    for (const t of [merged, unmerged]) engine.store.transition(t.id, 'done', 'closed by the test');
    const later = Date.now() + 3 * 86_400_000;

    expect(engine.settings().autoCleanupDays).toBeNull();
    expect(await engine.autoCleanup(later)).toEqual([]);
    await engine.updateSettings({ autoCleanupDays: 2 });
    expect(await engine.autoCleanup(Date.now())).toEqual([]);
    expect(await engine.autoCleanup(later)).toEqual([merged.id]);
    expect(engine.store.task(merged.id).cleanedUp).toBe(true);
    expect(fs.existsSync(unmerged.worktreePath!)).toBe(true);
    expect(branchExists(repo, unmerged.branch!)).toBe(true);
  });
});
