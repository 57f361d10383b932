/** Attempts: one prompt as several tasks, compared side by side; merging one closes the others. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangedFile, FileContents } from '../src/shared/diff';
import type { Task } from '../src/shared/task';
import { attemptTitle } from '../src/engine/tasks/attempts';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, waitForState, callApi } from './helpers';

afterEach(runCleanups);

const call = callApi;

const custom = (steps: unknown[]) => ({ profile: 'custom', command: scriptedAgent(steps) });

describe('attempts', () => {
  it('starts three attempts in three worktrees and branches, compares them, and merging one closes the others', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', 'shared.txt': 'one\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const agents = [
      // 1: the one that will be merged
      custom([{ write: { path: 'a.txt', content: 'from attempt 1\n' } }, { write: { path: 'shared.txt', content: 'one\ntwo\n' } }, { commit: 'attempt 1' }]),
      // 2: committed work that exists on no other branch: kept for the user
      custom([{ write: { path: 'b.txt', content: 'from attempt 2\n' } }, { commit: 'attempt 2' }]),
      // 3: still running when attempt 1 is merged, with nothing to lose
      custom([{ hang: true }]),
    ];
    const tasks = await call<Task[]>(engine, 'tasks.createAttempts', { projectId: project.id, title: 'Add greeting', prompt: 'say hi', agents, startNow: true });

    expect(tasks).toHaveLength(3);
    expect(tasks.map((t) => t.title)).toEqual([1, 2, 3].map((i) => `Add greeting · attempt ${i} (Custom)`));
    expect(tasks.map((t) => t.attemptIndex)).toEqual([1, 2, 3]);
    const group = tasks[0]!.attemptGroup;
    expect(group).toBeTruthy();
    expect(tasks.every((t) => t.attemptGroup === group)).toBe(true);
    expect(new Set(tasks.map((t) => t.worktreePath)).size).toBe(3);
    expect(new Set(tasks.map((t) => t.branch)).size).toBe(3);
    for (const t of tasks) {
      expect(fs.existsSync(t.worktreePath!)).toBe(true);
      expect(git(repo, 'branch', '--list', t.branch!)).toContain(t.branch!);
    }
    const [t1, t2, t3] = tasks as [Task, Task, Task];
    await waitForState(engine, t1.id, 'review');
    await waitForState(engine, t2.id, 'review');
    expect(engine.store.task(t3.id).state).toBe('running');

    // Reviewed together: the group, with diff stats.
    const listed = await call<Task[]>(engine, 'tasks.attempts', { taskId: t3.id });
    expect(listed.map((t) => t.id)).toEqual([t1.id, t2.id, t3.id]);
    expect(listed[0]!.diffStat).toMatchObject({ files: 2, additions: 2 });
    expect(listed[1]!.diffStat).toMatchObject({ files: 1, additions: 1 });

    // How attempt 2 differs from attempt 1.
    const diff = await call<ChangedFile[]>(engine, 'tasks.compareAttempts', { a: t1.id, b: t2.id });
    const byPath = Object.fromEntries(diff.map((f) => [f.path, f.status]));
    expect(byPath).toEqual({ 'a.txt': 'deleted', 'b.txt': 'added', 'shared.txt': 'modified' });
    const shared = await call<FileContents>(engine, 'tasks.compareFileContents', { a: t1.id, b: t2.id, path: 'shared.txt' });
    expect(shared.original).toMatchObject({ kind: 'text', text: 'one\ntwo\n' });
    expect(shared.modified).toMatchObject({ kind: 'text', text: 'one\n' });
    const added = await call<FileContents>(engine, 'tasks.compareFileContents', { a: t1.id, b: t2.id, path: 'b.txt' });
    expect(added.original).toEqual({ kind: 'absent' });
    expect(added.modified).toMatchObject({ kind: 'text', text: 'from attempt 2\n' });
    await expect(call(engine, 'tasks.compareFileContents', { a: t1.id, b: t2.id, path: '../etc/passwd' })).rejects.toMatchObject({ code: 'invalid-input' });

    // Merging attempt 1 closes the other two.
    const t2Head = git(repo, 'rev-parse', `refs/heads/${t2.branch!}`);
    const merged = await engine.merge(t1.id, false);
    expect(merged.status).toBe('merged');
    await engine.attempts.idle();
    expect(git(repo, 'show', 'main:a.txt')).toBe('from attempt 1');

    // Attempt 3 was running with nothing to lose: stopped, cancelled, worktree and branch removed.
    const c3 = engine.store.task(t3.id);
    expect(c3).toMatchObject({ state: 'cancelled', cleanedUp: true });
    expect(c3.stateReason).toContain('another attempt was merged');
    expect(fs.existsSync(t3.worktreePath!)).toBe(false);
    expect(git(repo, 'branch', '--list', t3.branch!)).toBe('');

    // Attempt 2 has a commit on no other branch: cancelled, but all of its work is still there.
    const c2 = engine.store.task(t2.id);
    expect(c2).toMatchObject({ state: 'cancelled', cleanedUp: false });
    expect(c2.stateReason).toContain('another attempt was merged');
    expect(fs.readFileSync(path.join(t2.worktreePath!, 'b.txt'), 'utf8')).toBe('from attempt 2\n');
    expect(git(repo, 'rev-parse', `refs/heads/${t2.branch!}`)).toBe(t2Head);
    expect(engine.store.events(t2.id).map((e) => e.reason).join('\n')).toMatch(/kept: removing them would lose 1 commit/);

    // Its clean-up still asks, as any other.
    const again = await call<{ status: string }>(engine, 'tasks.cleanup', { taskId: t2.id, confirmLoss: false });
    expect(again.status).toBe('needs-confirmation');
    expect(engine.store.task(t1.id)).toMatchObject({ state: 'done', cleanedUp: true });
  });

  it('keeps an attempt with uncommitted work, and starts nothing for an invalid group', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const one = custom([{ write: { path: 'x.txt', content: 'x\n' } }, { commit: 'x' }]);
    await expect(call(engine, 'tasks.createAttempts', { projectId: project.id, title: 'T', prompt: '', agents: [one], startNow: true })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(call(engine, 'tasks.createAttempts', { projectId: project.id, title: 'T', prompt: '', agents: [one, one, one, one, one], startNow: true })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    await expect(call(engine, 'tasks.createAttempts', { projectId: project.id, title: 'T', prompt: '', agents: [one, { profile: 'no-such-agent' }], startNow: true })).rejects.toMatchObject({
      code: 'agent-not-found',
    });
    expect(engine.store.tasks(project.id)).toEqual([]);

    const dirty = custom([{ write: { path: 'wip.txt', content: 'wip\n' } }]);
    const tasks = await call<Task[]>(engine, 'tasks.createAttempts', { projectId: project.id, title: 'T', prompt: '', agents: [one, dirty], startNow: false });
    expect(tasks.map((t) => t.state)).toEqual(['queued', 'queued']);
    for (const t of tasks) await engine.startTask(t.id);
    await waitForState(engine, tasks[0]!.id, 'review');
    await waitForState(engine, tasks[1]!.id, 'review');
    expect((await engine.merge(tasks[0]!.id, false)).status).toBe('merged');
    await engine.attempts.idle();
    const kept = engine.store.task(tasks[1]!.id);
    expect(kept).toMatchObject({ state: 'cancelled', cleanedUp: false });
    expect(fs.readFileSync(path.join(kept.worktreePath!, 'wip.txt'), 'utf8')).toBe('wip\n');
    expect(engine.store.events(kept.id).map((e) => e.reason).join('\n')).toMatch(/1 uncommitted file/);
  });

  it('titles fit the limit', () => {
    expect(attemptTitle('Fix it', 2, 'Codex')).toBe('Fix it · attempt 2 (Codex)');
    const long = attemptTitle('x'.repeat(300), 4, 'Claude Code');
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith(' · attempt 4 (Claude Code)')).toBe(true);
  });
});
