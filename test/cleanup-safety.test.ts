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
