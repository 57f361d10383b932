import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor } from './helpers';

afterEach(runCleanups);

describe('a task from prompt to merged', () => {
  it('creates a branch and worktree outside the repo, runs the agent, and merges its work', async () => {
    const repo = makeRepo({ 'src/app.ts': 'export const a = 1;\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { print: 'working on: {prompt}' },
      { write: { path: 'src/app.ts', content: 'export const a = 2;\n' } },
      { write: { path: 'notes/new file.md', content: 'hello\n' } },
      { commit: 'agent: change a' },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Change a', prompt: 'make a two', agent: { profile: 'custom', command }, startNow: true });

    expect(task.state).toBe('running');
    expect(task.branch).toMatch(/^sy\/change-a-[a-z0-9]{6}$/);
    expect(task.worktreePath).not.toContain(repo);
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(git(task.worktreePath!, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(task.branch);

    const done = await waitFor(() => {
      const t = engine.store.task(task.id);
      return t.state === 'review' ? t : null;
    }, 'the task to reach review');
    expect(done.exitCode).toBe(0);

    const diff = await engine.diff(task.id);
    expect(diff.committed.map((f) => [f.path, f.status, f.additions, f.deletions]).sort()).toEqual([
      ['notes/new file.md', 'added', 1, 0],
      ['src/app.ts', 'modified', 1, 1],
    ]);
    expect(diff.uncommitted).toEqual([]);

    const contents = await engine.fileContents({ taskId: task.id, group: 'committed', path: 'src/app.ts', oldPath: null });
    expect(contents.language).toBe('typescript');
    expect(contents.original).toMatchObject({ kind: 'text', text: 'export const a = 1;\n' });
    expect(contents.modified).toMatchObject({ kind: 'text', text: 'export const a = 2;\n' });

    const result = await engine.merge(task.id, false);
    expect(result.status).toBe('merged');
    // The checked-out base was clean, so its files moved with it.
    expect(fs.readFileSync(path.join(repo, 'src/app.ts'), 'utf8')).toBe('export const a = 2;\n');
    expect(git(repo, 'show', 'main:notes/new file.md')).toBe('hello');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    if (result.status !== 'merged') throw new Error('unreachable');
    expect(result.cleanup).toEqual({ status: 'removed', ignoredRemoved: [] });
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
    expect(git(repo, 'branch', '--list', task.branch!)).toBe('');
    const final = engine.store.task(task.id);
    expect(final.state).toBe('done');
    expect(final.cleanedUp).toBe(true);
    expect(engine.store.events(task.id).filter((e) => e.fromState !== e.toState).map((e) => e.toState)).toEqual(['queued', 'running', 'review', 'merging', 'done']);
  });

  it('marks a non-zero exit as failed and keeps its diff reviewable', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([{ write: { path: 'half.txt', content: 'half done\n' } }, { print: 'giving up' }, { exit: 3 }]);
    const task = await engine.createTask({ projectId: project.id, title: 'Fails', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    const failed = await waitFor(() => {
      const t = engine.store.task(task.id);
      return t.state === 'failed' ? t : null;
    }, 'the task to fail');
    expect(failed.exitCode).toBe(3);
    expect(failed.stateReason).toContain('code 3');
    const diff = await engine.diff(task.id);
    expect(diff.committed).toEqual([]);
    expect(diff.uncommitted.map((f) => [f.path, f.status])).toEqual([['half.txt', 'added']]);
    const side = await engine.fileContents({ taskId: task.id, group: 'uncommitted', path: 'half.txt', oldPath: null });
    expect(side.original).toEqual({ kind: 'absent' });
    expect(side.modified).toMatchObject({ kind: 'text', text: 'half done\n' });
  });

  it('starts queued when "start now" is off, and starts on request', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Later', prompt: 'p', agent: { profile: 'custom', command: scriptedAgent([{ print: 'hi' }]) }, startNow: false });
    expect(task.state).toBe('queued');
    expect(task.branch).toBeNull();
    expect(git(repo, 'branch', '--list', 'sy/*')).toBe('');
    const started = await engine.startTask(task.id);
    expect(started.state).toBe('running');
    expect(git(repo, 'branch', '--list', 'sy/*')).toContain('sy/later-');
  });
});
