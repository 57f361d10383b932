/** "Fetch the base from its remote before branching", against a local bare repository as the remote. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, runCleanups, scriptedAgent, startEngine, tempDir, waitForState } from './helpers';

afterEach(runCleanups);

function setUp() {
  const root = tempDir();
  const remote = path.join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  const other = path.join(root, 'other');
  execFileSync('git', ['clone', '-q', remote, other]);
  for (const repo of [other]) {
    git(repo, 'config', 'user.email', 'o@example.com');
    git(repo, 'config', 'user.name', 'Other');
  }
  fs.writeFileSync(path.join(other, 'a.txt'), 'one\n');
  git(other, 'add', '-A');
  git(other, 'commit', '-qm', 'one');
  git(other, 'push', '-q', 'origin', 'main');
  const repo = path.join(root, 'mine');
  execFileSync('git', ['clone', '-q', remote, repo]);
  git(repo, 'config', 'user.email', 'me@example.com');
  git(repo, 'config', 'user.name', 'Me');
  // Someone else pushes after my clone: my main is now behind.
  fs.writeFileSync(path.join(other, 'b.txt'), 'two\n');
  git(other, 'add', '-A');
  git(other, 'commit', '-qm', 'two');
  git(other, 'push', '-q', 'origin', 'main');
  return { repo };
}

describe('fetching the base before branching', () => {
  it('starts the task from the remote base when the setting is on, and from the local base when off', async () => {
    const { repo } = setUp();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([]);
    const off = await engine.createTask({ projectId: project.id, title: 'Local base', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, off.id, 'review');
    expect(fs.existsSync(path.join(off.worktreePath!, 'b.txt'))).toBe(false);

    await engine.updateSettings({ fetchBeforeBranching: true });
    const on = await engine.createTask({ projectId: project.id, title: 'Fresh base', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, on.id, 'review');
    expect(fs.existsSync(path.join(on.worktreePath!, 'b.txt'))).toBe(true);
    // The local base was fast-forwarded (its clean checkout too), so the task's diff is only its own work.
    expect(fs.existsSync(path.join(repo, 'b.txt'))).toBe(true);
    expect((await engine.diff(on.id)).committed).toEqual([]);
    expect(engine.store.events(on.id).some((e) => e.reason.includes('fast-forwarded from origin'))).toBe(true);
  });
});
