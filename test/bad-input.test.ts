import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import { slugify } from '../src/engine/git/worktrees';
import { PtydClient } from '../src/engine/ptyd/client';
import type { SpawnRequest } from '../src/shared/ptyd-protocol';
import { allRefs, expectError, git, makeRepo, onCleanup, runCleanups, scriptedAgent, startEngine, tempDir, waitForState } from './helpers';

afterEach(runCleanups);

/** Nothing of a task exists on disk: no sy/* branch, no worktree folder. */
function expectNothingCreated(engine: Engine, repo: string): void {
  expect(git(repo, 'branch', '--list', 'sy/*')).toBe('');
  expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  const worktrees = path.join(engine.dataDir, 'worktrees');
  const leftovers = fs.existsSync(worktrees) ? fs.readdirSync(worktrees, { recursive: true }) : [];
  expect(leftovers).toEqual([]);
}

describe('opening a folder that cannot be a project', () => {
  it('says why, with a code, and records nothing', async () => {
    const engine = await startEngine();
    const dir = tempDir();
    const plain = path.join(dir, 'plain');
    fs.mkdirSync(plain);
    const file = path.join(dir, 'file.txt');
    fs.writeFileSync(file, 'x');
    const bare = path.join(dir, 'bare.git');
    git(dir, 'init', '-q', '--bare', bare);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    git(empty, 'init', '-q');
    const repo = makeRepo();

    expect((await expectError(engine.openProject(plain), 'not-a-repository')).message).toContain(plain);
    expect((await expectError(engine.openProject(path.join(dir, 'missing')), 'not-a-directory')).message).toContain('does not exist');
    expect((await expectError(engine.openProject(file), 'not-a-directory')).message).toContain('not a folder');
    expect((await expectError(engine.openProject(bare), 'bare-repository')).message).toContain(bare);
    expect((await expectError(engine.openProject(empty), 'no-commits')).message).toContain('no commits');
    await expectError(engine.openProject(path.join(repo, '.git')), 'not-a-repository');

    expect(engine.store.projects()).toEqual([]);
    expect(fs.readdirSync(plain)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'missing'))).toBe(false);
    // The same errors reach a UI through the contract, as codes.
    const res = await engine.handlers()['projects.open']({ path: plain }).catch((e: unknown) => e);
    expect(res).toMatchObject({ code: 'not-a-repository' });
  });

  it('opens a repository from a folder inside it, once', async () => {
    const repo = makeRepo({ 'src/deep/a.txt': 'a\n' });
    const engine = await startEngine();
    const fromInside = await engine.openProject(path.join(repo, 'src', 'deep'));
    expect(fromInside.path).toBe(repo);
    expect((await engine.openProject(repo)).id).toBe(fromInside.id);
    expect(engine.store.projects()).toHaveLength(1);
  });
});

describe('creating and starting a task with bad input', () => {
  it('refuses a base branch that does not exist, and creates no task', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const err = await expectError(
      engine.createTask({ projectId: project.id, title: 'T', prompt: '', baseBranch: 'no-such-branch', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: true }),
      'unknown-branch',
    );
    expect(err.message).toContain('no-such-branch');
    expect(engine.store.tasks()).toEqual([]);
    expectNothingCreated(engine, repo);
  });

  it('asks for a base branch when the repository has a detached HEAD', async () => {
    const repo = makeRepo();
    git(repo, 'checkout', '-q', '--detach');
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    await expectError(engine.createTask({ projectId: project.id, title: 'T', prompt: '', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: true }), 'unknown-branch');
    expect(engine.store.tasks()).toEqual([]);
    expectNothingCreated(engine, repo);
    // Naming one works.
    const task = await engine.createTask({ projectId: project.id, title: 'T', prompt: '', baseBranch: 'main', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: true });
    expect(task.baseBranch).toBe('main');
    expect(await waitForState(engine, task.id, ['review', 'failed'])).toMatchObject({ state: 'review' });
  });

  it('refuses to take over a branch that already exists, and leaves it untouched', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Collide', prompt: '', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: false });
    const branch = `sy/${slugify(task.title)}-${task.id.slice(0, 6)}`;
    // Someone's own work already sits on that name.
    git(repo, 'switch', '-q', '-c', 'elsewhere');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'theirs\n');
    git(repo, 'commit', '-q', '-am', 'their work');
    git(repo, 'switch', '-q', 'main');
    git(repo, 'branch', branch, 'elsewhere');
    const refs = allRefs(repo);

    const err = await expectError(engine.startTask(task.id), 'branch-exists');
    expect(err.message).toContain(branch);
    expect(allRefs(repo)).toBe(refs);
    expect(engine.store.task(task.id)).toMatchObject({ state: 'queued', branch: null, worktreePath: null, sessionId: null });
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(fs.existsSync(path.join(engine.dataDir, 'worktrees'))).toBe(false);
  });

  it('reports an agent command that does not exist before creating anything, and the task stays queued', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    for (const command of ['definitely-not-an-agent-xyz --flag {prompt}', './bin/not-here.sh']) {
      const err = await expectError(
        engine.createTask({ projectId: project.id, title: 'Missing agent', prompt: 'p', agent: { profile: 'custom', command }, startNow: true }),
        'agent-not-found',
      );
      expect(err.message).toContain(command.split(' ')[0]!);
    }
    expect(engine.store.tasks().map((t) => [t.state, t.branch, t.worktreePath, t.sessionId])).toEqual([
      ['queued', null, null, null],
      ['queued', null, null, null],
    ]);
    expectNothingCreated(engine, repo);
    await expectError(engine.startTask(engine.store.tasks()[0]!.id), 'agent-not-found');
    expectNothingCreated(engine, repo);
  });

  it('moves an agent that exits at once to review on 0 and to failed otherwise', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const ok = await engine.createTask({ projectId: project.id, title: 'True', prompt: '', agent: { profile: 'custom', command: 'true' }, startNow: true });
    const no = await engine.createTask({ projectId: project.id, title: 'False', prompt: '', agent: { profile: 'custom', command: 'false' }, startNow: true });
    const seven = await engine.createTask({ projectId: project.id, title: 'Seven', prompt: '', agent: { profile: 'custom', command: 'sh -c "exit 7"' }, startNow: true });
    expect(await waitForState(engine, ok.id, ['review', 'failed'])).toMatchObject({ state: 'review', exitCode: 0 });
    expect(await waitForState(engine, no.id, ['review', 'failed'])).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(await waitForState(engine, seven.id, ['review', 'failed'])).toMatchObject({ state: 'failed', exitCode: 7 });
    expect(engine.store.task(seven.id).stateReason).toContain('code 7');
  });

  it('does not lose the exit of an agent that is gone before the engine has recorded its start', async () => {
    // Hold the engine's event loop right after it asks ptyd to spawn, long enough for the agent
    // to start and exit: ptyd's answer and its exit notice then arrive in the same read.
    // PtydClient still does all the real work; this only changes when the engine gets to run.
    const original = PtydClient.prototype.spawn;
    PtydClient.prototype.spawn = function (this: PtydClient, spec: SpawnRequest) {
      const answer = original.call(this, spec);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
      return answer;
    };
    onCleanup(() => {
      PtydClient.prototype.spawn = original;
    });
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Gone', prompt: '', agent: { profile: 'custom', command: 'sh -c "exit 5"' }, startNow: true });
    PtydClient.prototype.spawn = original;
    expect(await waitForState(engine, task.id, ['review', 'failed'], 5000)).toMatchObject({ state: 'failed', exitCode: 5 });
  });

  it('refuses a custom command with a pipe, a ; or a redirect, runs nothing, and creates no task', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const marker = path.join(tempDir(), 'ran');
    for (const command of [`touch ${marker} | cat`, `touch ${marker} ; echo`, `touch ${marker} && echo`, `echo hi > ${marker}`, `sh -c "touch ${marker}" ; true`]) {
      const err = await expectError(
        engine.createTask({ projectId: project.id, title: 'Shell tricks', prompt: '', agent: { profile: 'custom', command }, startNow: true }),
        'invalid-input',
      );
      expect(err.message).toMatch(/without a shell/);
    }
    expect(fs.existsSync(marker)).toBe(false);
    expect(engine.store.tasks()).toEqual([]);
    expectNothingCreated(engine, repo);
  });

  it('stores a title full of shell metacharacters verbatim, slugs it sanely, and runs none of it', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const dir = tempDir();
    const title = `$(touch ${dir}/pwned) ; rm -rf ~ | "quoted" 'x' \`touch ${dir}/pwned2\` && echo $HOME > ${dir}/pwned3 \\ {prompt}`;
    const task = await engine.createTask({ projectId: project.id, title, prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'a.txt', content: 'changed\n' } }]) }, startNow: true });
    expect(task.title).toBe(title);
    expect(task.branch).toMatch(/^sy\/[a-z0-9]+(-[a-z0-9]+)*-[a-z0-9]{6}$/);
    expect(git(repo, 'check-ref-format', '--branch', task.branch!)).toBe(task.branch);
    expect(path.basename(task.worktreePath!)).toMatch(/^[a-z0-9-]+$/);
    await waitForState(engine, task.id, 'review');

    // The title also goes into commit messages: as text, never through a shell.
    const merged = await engine.merge(task.id, true);
    if (merged.status !== 'merged') throw new Error(JSON.stringify(merged));
    expect(git(repo, 'log', '-1', '--format=%B', merged.commit)).toBe(`Merge ${task.branch}: ${title}`);
    expect(git(repo, 'log', '-1', '--format=%B', `${merged.commit}^2`)).toBe(`agent work: ${title}`);
    expect(engine.store.task(task.id).title).toBe(title);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('hands a prompt full of metacharacters to the agent as exactly one argv element', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const dir = tempDir();
    const prompt = `$(touch ${dir}/pwned) ; rm -rf ~ | "quoted" 'x' \`touch ${dir}/pwned2\` $HOME {prompt} \\n --script /etc/passwd\nsecond line\twith a tab, ünï 仓库 `;
    const command = scriptedAgent([{ argv: 'argv.json' }, { write: { path: 'prompt.txt', content: '{prompt}' } }, { print: 'PROMPT-START{prompt}PROMPT-END' }]);
    const task = await engine.createTask({ projectId: project.id, title: 'Prompt', prompt, agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'review');

    const argv = JSON.parse(fs.readFileSync(path.join(task.worktreePath!, 'argv.json'), 'utf8')) as string[];
    expect(argv).toHaveLength(4);
    expect(argv.slice(0, 1)).toEqual(['--script']);
    expect(argv.slice(2)).toEqual(['--', prompt]);
    expect(fs.readFileSync(path.join(task.worktreePath!, 'prompt.txt'), 'utf8')).toBe(prompt);
    expect(engine.store.task(task.id).prompt).toBe(prompt);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('works end to end in a repository whose path has spaces and unicode', async () => {
    const repo = makeRepo({ 'ünï cødé.txt': 'old\n' }, 'my repo/ünïcødé 仓库');
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    expect(project.path).toBe(repo);
    expect(project.name).toBe('ünïcødé 仓库');
    const command = scriptedAgent([
      { write: { path: 'ünï cødé.txt', content: 'new\n' } },
      { write: { path: '目录/新 文件.md', content: '你好\n' } },
      { commit: '更改' },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Ünïcødé 仓库 task', prompt: 'p', agent: { profile: 'custom', command }, startNow: true });
    expect(task.branch).toMatch(/^sy\/unicde-task-[a-z0-9]{6}$|^sy\/unic-de-task-[a-z0-9]{6}$/);
    await waitForState(engine, task.id, 'review');

    const diff = await engine.diff(task.id);
    expect(diff.committed.map((f) => [f.path, f.status]).sort()).toEqual([
      ['ünï cødé.txt', 'modified'],
      ['目录/新 文件.md', 'added'],
    ]);
    const side = await engine.fileContents({ taskId: task.id, group: 'committed', path: '目录/新 文件.md', oldPath: null });
    expect(side.modified).toMatchObject({ kind: 'text', text: '你好\n' });

    const merged = await engine.merge(task.id, false);
    expect(merged).toMatchObject({ status: 'merged', updatedCheckout: repo, cleanup: { status: 'removed' } });
    expect(fs.readFileSync(path.join(repo, 'ünï cødé.txt'), 'utf8')).toBe('new\n');
    expect(fs.readFileSync(path.join(repo, '目录/新 文件.md'), 'utf8')).toBe('你好\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
  });
});

