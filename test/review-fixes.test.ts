/** Behaviours found missing in review: each would lose work or mislead if it broke. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../src/shared/dispatch';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

describe('starting', () => {
  it('runs one agent when two starts race, and leaves no stray session', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Race', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: false });
    const results = await Promise.allSettled([engine.startTask(task.id), engine.startTask(task.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const runs = engine.store.db.prepare('SELECT session_id FROM runs WHERE task_id = ?').all(task.id);
    expect(runs).toHaveLength(1);
  });

  it('starts a task created through the contract without "startNow": on is the default', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const res = await dispatch(engine.handlers(), 1, 'tasks.create', {
      projectId: project.id,
      title: 'Default start',
      prompt: 'p',
      agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) },
    });
    expect(res).toMatchObject({ ok: true, output: { state: 'running' } });
  });

  it('runs the shell profile as a login shell in the worktree', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Shell', prompt: '', agent: { profile: 'shell' }, startNow: true });
    const run = engine.store.db.prepare('SELECT argv_json FROM runs WHERE task_id = ?').get(task.id) as { argv_json: string };
    const argv = JSON.parse(run.argv_json) as string[];
    expect(argv.slice(1)).toEqual(['-l']);
    expect(fs.existsSync(argv[0]!)).toBe(true);
    // The shell really runs in the worktree: it can write there.
    const relay = engine.openTerminalChannel(() => {});
    relay.handle({ t: 'input', session: task.sessionId! }, new TextEncoder().encode('pwd > where.txt\n'));
    const where = path.join(task.worktreePath!, 'where.txt');
    await waitFor(() => fs.existsSync(where) && fs.readFileSync(where, 'utf8').trim(), 'the shell to write where.txt');
    expect(fs.realpathSync(fs.readFileSync(where, 'utf8').trim())).toBe(fs.realpathSync(task.worktreePath!));
    relay.close();
  });
});

describe('merging', () => {
  it('makes no empty merge commit when the base already has the work', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Nothing', prompt: '', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: true });
    await waitForState(engine, task.id, 'review');
    const before = git(repo, 'rev-parse', 'main');
    const result = await engine.merge(task.id, false);
    expect(result).toMatchObject({ status: 'merged', alreadyMerged: true, commit: before });
    expect(git(repo, 'rev-parse', 'main')).toBe(before);
    expect(engine.store.task(task.id).state).toBe('done');
  });

  it('commits only what the user was shown: a changed worktree is shown again, nothing committed', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Shown', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'a.txt', content: 'a\n' } }]) }, startNow: true });
    await waitForState(engine, task.id, 'review');
    const first = await engine.merge(task.id, false);
    expect(first.status).toBe('needs-commit');
    // Something appears after the user looked.
    fs.writeFileSync(path.join(task.worktreePath!, 'late.txt'), 'late\n');
    const headBefore = git(task.worktreePath!, 'rev-parse', 'HEAD');
    const second = await engine.merge(task.id, true, ['a.txt']);
    expect(second.status).toBe('needs-commit');
    if (second.status !== 'needs-commit') throw new Error('unreachable');
    expect(second.files.map((f) => f.path).sort()).toEqual(['a.txt', 'late.txt']);
    expect(git(task.worktreePath!, 'rev-parse', 'HEAD')).toBe(headBefore);
    const third = await engine.merge(task.id, true, ['a.txt', 'late.txt']);
    expect(third.status).toBe('merged');
    expect(git(repo, 'show', 'main:late.txt')).toBe('late');
  });

  it('returns a cancelled task to cancelled when its merge conflicts', async () => {
    const repo = makeRepo({ 'f.txt': 'base\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([{ write: { path: 'f.txt', content: 'agent\n' } }, { commit: 'agent' }, { hang: true }]);
    const task = await engine.createTask({ projectId: project.id, title: 'Stopped', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitFor(() => git(task.worktreePath!, 'log', '-1', '--format=%s') === 'agent', 'the agent to commit');
    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    fs.writeFileSync(path.join(repo, 'f.txt'), 'human\n');
    git(repo, 'commit', '-qam', 'human');
    expect((await engine.merge(task.id, false)).status).toBe('conflict');
    expect(engine.store.task(task.id).state).toBe('cancelled');
  });
});

describe('removal', () => {
  it('names the ignored files that go with the worktree', async () => {
    const repo = makeRepo({ '.gitignore': '*.local\nnode_modules/\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { write: { path: 'secrets.local', content: 'k=v\n' } },
      { write: { path: 'node_modules/x/index.js', content: '1\n' } },
      { write: { path: 'done.txt', content: 'd\n' } },
      { commit: 'done' },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Ignored', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'review');
    const result = await engine.merge(task.id, false);
    if (result.status !== 'merged') throw new Error(`expected a merge, got ${result.status}`);
    expect(result.cleanup).toEqual({ status: 'removed', ignoredRemoved: ['node_modules/', 'secrets.local'] });
  });
});

describe('settings', () => {
  it('refuses a worktrees folder that reaches into a repository through a symlink, or hides as "..name"', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    await engine.openProject(repo);
    const link = path.join(tempDir(), 'link-to-repo');
    fs.symlinkSync(repo, link);
    await expect(engine.updateSettings({ worktreesDir: path.join(link, 'trees') })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(engine.updateSettings({ worktreesDir: path.join(repo, '..trees') })).rejects.toMatchObject({ code: 'invalid-input' });
    const fine = path.join(tempDir(), 'trees');
    expect((await engine.updateSettings({ worktreesDir: fine })).worktreesDir).toBe(fine);
  });
});
