/** Clean-up never treats a pushed branch as merged, and copy never writes through a symlink. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyIntoWorktree } from '../src/engine/repo-config/repo-setup';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitForState } from './helpers';

afterEach(runCleanups);

describe('clean-up safety', () => {
  it('asks before deleting commits that only a remote-tracking branch holds', async () => {
    const repo = makeRepo();
    const remote = path.join(tempDir(), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    git(repo, 'remote', 'add', 'origin', remote);
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([{ write: { path: 'w.txt', content: 'work\n' } }, { commit: 'work' }]);
    const task = await engine.createTask({ projectId: project.id, title: 'Pushed', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'review');
    git(repo, 'push', '-q', 'origin', task.branch!);
    const r = await engine.cleanup(task.id, false);
    expect(r.status).toBe('needs-confirmation');
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
  });

  it('refuses to copy through a symlink in the worktree', () => {
    const repo = tempDir();
    const worktree = tempDir();
    const outside = tempDir();
    fs.mkdirSync(path.join(repo, 'dir'));
    fs.writeFileSync(path.join(repo, 'dir', 'x'), 'secret\n');
    fs.mkdirSync(path.join(worktree, 'dir'));
    fs.symlinkSync(path.join(outside, 'target'), path.join(worktree, 'dir', 'x'));
    expect(() => copyIntoWorktree(repo, worktree, ['dir'])).toThrow(/symlink/);
    expect(fs.existsSync(path.join(outside, 'target'))).toBe(false);
  });
});

describe('merge targets that are in use', () => {
  it('refuses to merge into another task’s branch while its agent runs, and into a branch being rebased', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const done = await engine.createTask({ projectId: project.id, title: 'Done', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'd.txt', content: 'd\n' } }, { commit: 'd' }]) }, startNow: true });
    await waitForState(engine, done.id, 'review');
    const busy = await engine.createTask({ projectId: project.id, title: 'Busy', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    await expect(engine.merge(done.id, false, undefined, { target: busy.branch! })).rejects.toMatchObject({ code: 'bad-state' });
    const before = git(repo, 'rev-parse', busy.branch!);
    expect(git(repo, 'rev-parse', busy.branch!)).toBe(before);

    // A rebase of "side" stopped halfway in the main checkout.
    git(repo, 'checkout', '-q', '-b', 'side');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'side\n');
    git(repo, 'commit', '-qam', 'side');
    git(repo, 'checkout', '-q', 'main');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'main\n');
    git(repo, 'commit', '-qam', 'main');
    git(repo, 'checkout', '-q', 'side');
    try {
      git(repo, 'rebase', 'main');
    } catch {
      // stopped on the conflict, as intended
    }
    const sideBefore = git(repo, 'rev-parse', 'refs/heads/side');
    await expect(engine.merge(done.id, false, undefined, { target: 'side' })).rejects.toMatchObject({ code: 'bad-state' });
    expect(git(repo, 'rev-parse', 'refs/heads/side')).toBe(sideBefore);
    git(repo, 'rebase', '--abort');
  });
});
