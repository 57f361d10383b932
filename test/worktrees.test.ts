import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isInside } from '../src/engine/paths';
import { slugify } from '../src/engine/git/worktrees';
import { expectError, git, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir } from './helpers';

afterEach(runCleanups);

const hang = () => scriptedAgent([{ hang: true }]);

describe('task worktrees and branches', () => {
  it('names the branch sy/<slug>-<6 chars of the id> and puts the worktree in the data dir, outside the repo', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const baseTip = git(repo, 'rev-parse', 'main');
    const task = await engine.createTask({ projectId: project.id, title: 'Fix the Login page!', prompt: '', agent: { profile: 'custom', command: hang() }, startNow: true });

    expect(task.branch).toBe(`sy/fix-the-login-page-${task.id.slice(0, 6)}`);
    const worktreesDir = path.join(engine.dataDir, 'worktrees');
    expect(engine.settings().worktreesDir).toBe(worktreesDir);
    expect(isInside(worktreesDir, task.worktreePath!)).toBe(true);
    expect(isInside(repo, task.worktreePath!)).toBe(false);
    expect(path.basename(task.worktreePath!)).toBe(`fix-the-login-page-${task.id.slice(0, 6)}`);

    // git knows it as a linked worktree of the repository, on the new branch, at the base tip.
    const listed = git(repo, 'worktree', 'list', '--porcelain');
    expect(listed).toContain(`worktree ${task.worktreePath}\nHEAD ${baseTip}\nbranch refs/heads/${task.branch}`);
    expect(git(task.worktreePath!, 'symbolic-ref', '--short', 'HEAD')).toBe(task.branch);
    expect(git(task.worktreePath!, 'status', '--porcelain')).toBe('');
    expect(fs.readFileSync(path.join(task.worktreePath!, 'a.txt'), 'utf8')).toBe('a\n');
    // The repository's own checkout did not move and holds no stray files.
    expect(git(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    // The agent runs inside the worktree.
    const running = engine.store.task(task.id);
    expect(running.state).toBe('running');
  });

  it('branches from the chosen base branch, not from what is checked out', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    git(repo, 'switch', '-q', '-c', 'develop');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'develop\n');
    git(repo, 'commit', '-q', '-am', 'on develop');
    git(repo, 'switch', '-q', 'main');
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'On develop', prompt: '', baseBranch: 'develop', agent: { profile: 'custom', command: hang() }, startNow: true });
    expect(task.baseBranch).toBe('develop');
    expect(git(task.worktreePath!, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'develop'));
    const defaulted = await engine.createTask({ projectId: project.id, title: 'On main', prompt: '', agent: { profile: 'custom', command: hang() }, startNow: false });
    expect(defaulted.baseBranch).toBe('main');
  });

  it('uses the worktrees folder from the settings, and keeps it across a restart', async () => {
    const repo = makeRepo();
    const dataDir = tempDir('sy-data-');
    const custom = path.join(tempDir('sy-elsewhere-'), 'my worktrees');
    const engine = await startEngine({ dataDir });
    const project = await engine.openProject(repo);
    expect((await engine.updateSettings({ worktreesDir: custom })).worktreesDir).toBe(custom);
    const task = await engine.createTask({ projectId: project.id, title: 'Elsewhere', prompt: '', agent: { profile: 'custom', command: hang() }, startNow: true });
    expect(isInside(custom, task.worktreePath!)).toBe(true);
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    await engine.close();

    const again = await startEngine({ dataDir });
    expect(again.settings().worktreesDir).toBe(custom);
  });

  it('refuses a worktrees folder inside a repository, and keeps the old setting', async () => {
    const repo = makeRepo();
    const otherRepo = makeRepo({ 'x.txt': 'x\n' }, 'other');
    const engine = await startEngine();
    await engine.openProject(repo);
    const before = engine.settings();

    const inProject = await expectError(engine.updateSettings({ worktreesDir: path.join(repo, 'worktrees') }), 'invalid-input');
    expect(inProject.message).toContain(repo);
    await expectError(engine.updateSettings({ worktreesDir: repo }), 'invalid-input');
    // A repository Switchyard has not opened is still a repository: its status would fill with our worktrees.
    const inOther = await expectError(engine.updateSettings({ worktreesDir: path.join(otherRepo, 'deep', 'wt') }), 'invalid-input');
    expect(inOther.message).toContain(otherRepo);
    await expectError(engine.updateSettings({ worktreesDir: 'relative/worktrees' }), 'invalid-input');

    expect(engine.settings()).toEqual(before);
    expect(fs.existsSync(path.join(repo, 'worktrees'))).toBe(false);
    expect(fs.existsSync(path.join(otherRepo, 'deep'))).toBe(false);
  });

  it('will not create a worktree inside the repository when the folder was set before the repo was opened', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    // The folder does not lie in any repository yet when it is chosen...
    const parent = path.dirname(repo);
    await engine.updateSettings({ worktreesDir: path.join(parent, 'later-repo', 'wt') });
    // ...and then that folder becomes a repository and is opened.
    const later = makeRepoAt(path.join(parent, 'later-repo'));
    const project = await engine.openProject(later);
    const task = await engine.createTask({ projectId: project.id, title: 'Inside', prompt: '', agent: { profile: 'custom', command: hang() }, startNow: false });
    await expectError(engine.startTask(task.id), 'invalid-input');
    expect(engine.store.task(task.id)).toMatchObject({ state: 'queued', branch: null, worktreePath: null });
    expect(git(later, 'branch', '--list', 'sy/*')).toBe('');
    expect(fs.existsSync(path.join(later, 'wt'))).toBe(false);
  });

  it('slugs titles into safe branch names', () => {
    expect(slugify('Fix the Login page!')).toBe('fix-the-login-page');
    expect(slugify('  Ünïcødé façade — déjà vu  ')).toBe('unic-de-facade-deja-vu');
    expect(slugify('仓库')).toBe('task');
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('a'.repeat(100))).toHaveLength(40);
  });
});

function makeRepoAt(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'f.txt'), 'f\n');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'initial');
  return dir;
}
