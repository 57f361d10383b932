/** .switchyard/config.yaml: parsing, trust, setup before the agent, copy, ports and teardown. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_CONFIG, parseRepoConfig } from '../src/engine/repo-config/config';
import { UNTRUSTED_MESSAGE } from '../src/engine/repo-config/repo-setup';
import type { Engine } from '../src/engine/engine';
import { SwitchyardError } from '../src/shared/errors';
import { connectPtyd, expectError, git, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

const CONFIG = '.switchyard/config.yaml';

function parseError(content: string): string {
  try {
    parseRepoConfig(content);
  } catch (err) {
    expect(err).toBeInstanceOf(SwitchyardError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

async function newTask(engine: Engine, projectId: string, steps: unknown[], title = 'Work') {
  return engine.createTask({ projectId, title, prompt: 'go', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
}

function commitConfig(repo: string, content: string): void {
  fs.mkdirSync(path.join(repo, '.switchyard'), { recursive: true });
  fs.writeFileSync(path.join(repo, CONFIG), content);
  git(repo, 'add', CONFIG);
  git(repo, 'commit', '-q', '-m', 'config');
}

describe('parsing .switchyard/config.yaml', () => {
  it('reads commands as argv arrays, without a shell', () => {
    const c = parseRepoConfig('setup:\n  - npm ci\n  - [node, "a b.js"]\n  - "echo \'x y\'"\nteardown: [[sh, -c, "make down && echo ok"]]\ncopy: [.env, config/local.json]\nports: 20\nverify: npm test\n');
    expect(c.setup).toEqual([['npm', 'ci'], ['node', 'a b.js'], ['echo', 'x y']]);
    expect(c.teardown).toEqual([['sh', '-c', 'make down && echo ok']]);
    expect(c.copy).toEqual(['.env', 'config/local.json']);
    expect(c.ports).toBe(20);
    expect(parseRepoConfig('')).toEqual(EMPTY_CONFIG);
    expect(c.verify).toEqual({ argv: ['npm', 'test'], timeoutSec: null, maxFixIterations: null });
  });

  it('reads the verify gate, the reviewer and supervision settings', () => {
    const c = parseRepoConfig(
      'verify:\n  command: [make, check]\n  timeout: 600\n  max_fix_iterations: 0\nreviewer: codex\nacceptance_criteria: tests pass\nsupervision:\n  stuck_after: 300\n  on_stuck: nudge\n  budget: 3600\n  on_over_budget: stop\n  retries: 2\n',
    );
    expect(c.verify).toEqual({ argv: ['make', 'check'], timeoutSec: 600, maxFixIterations: 0 });
    expect(c.reviewer).toEqual({ profile: 'codex' });
    expect(c.acceptanceCriteria).toBe('tests pass');
    expect(c.supervision).toEqual({ stuckAfterSec: 300, stuckPolicy: 'nudge', budgetSec: 3600, budgetPolicy: 'stop', retries: 2 });
    expect(parseRepoConfig('reviewer: {profile: custom, command: "my-reviewer --json {prompt}"}\n').reviewer).toEqual({ profile: 'custom', command: 'my-reviewer --json {prompt}' });
    expect(parseError('verify: npm test | tee log\n')).toMatch(/config\.yaml: verify: the command contains "\|"/);
    expect(parseError('verify:\n  command: make && make check\n')).toMatch(/config\.yaml: verify\.command: /);
    expect(parseError('supervision:\n  on_stuck: panic\n')).toMatch(/config\.yaml: supervision\.on_stuck: /);
    expect(parseError('verify:\n  command: npm test\n  max_fix_iterations: -1\n')).toMatch(/verify/);
    expect(parseError('reviewer: Not A Profile\n')).toMatch(/config\.yaml: reviewer/);
  });

  it('names the file and the field in every error', () => {
    expect(parseError('setup: [npm ci\n')).toMatch(/^\.switchyard\/config\.yaml: line \d+, column \d+: /);
    expect(parseError('- a\n- b\n')).toMatch(/config\.yaml: expected a mapping/);
    expect(parseError('setup:\n  - npm ci\n  - 42\n')).toMatch(/config\.yaml: setup\[1\]: /);
    expect(parseError('copy: [../outside]\n')).toMatch(/config\.yaml: copy\[0\]: must not leave the repository/);
    expect(parseError('copy: [/etc/passwd]\n')).toMatch(/copy\[0\]: must be relative/);
    expect(parseError('copy: [.git/config]\n')).toMatch(/copy\[0\]: /);
    expect(parseError('ports: lots\n')).toMatch(/config\.yaml: ports: /);
    const piped = parseError('teardown:\n  - make down | tee log\n');
    expect(piped).toMatch(/config\.yaml: teardown\[0\]: the command contains "\|"/);
    expect(piped).toContain('[sh, -c');
  });
});

describe('setup commands and trust', () => {
  it('refuses setup until the exact content is trusted, and asks again after it changes', async () => {
    const repo = makeRepo();
    commitConfig(repo, 'setup:\n  - [sh, -c, "echo made > made-by-setup.txt"]\n');
    const engine = await startEngine();
    const api = engine.handlers();
    const project = await engine.openProject(repo);

    const view = await api['projects.config']({ projectId: project.id });
    expect(view).toMatchObject({ present: true, trusted: false, hasCommands: true, error: null, ref: 'main' });
    expect(view.content).toContain('made-by-setup');

    // Untrusted: the task starts, setup does not run, and the task says why.
    const first = await newTask(engine, project.id, [{ print: 'agent up' }]);
    expect(first.state).toBe('running');
    expect(first.flags.message).toBe(UNTRUSTED_MESSAGE);
    expect(engine.store.events(first.id).map((e) => e.reason)).toContain(UNTRUSTED_MESSAGE);
    expect(fs.existsSync(path.join(first.worktreePath!, 'made-by-setup.txt'))).toBe(false);

    // Trust is for exactly the content shown.
    await expectError(api['projects.trustConfig']({ projectId: project.id, hash: 'a'.repeat(64) }), 'bad-state');
    expect(await api['projects.trustConfig']({ projectId: project.id, hash: view.hash! })).toMatchObject({ trusted: true });
    const second = await newTask(engine, project.id, [{ print: 'agent up' }], 'Second');
    expect(fs.readFileSync(path.join(second.worktreePath!, 'made-by-setup.txt'), 'utf8')).toBe('made\n');
    expect(second.flags.message).toBeNull();

    // A changed file (committed on the base branch) is not trusted until reviewed again.
    commitConfig(repo, 'setup:\n  - [sh, -c, "echo changed > made-by-setup.txt"]\n');
    const changed = await api['projects.config']({ projectId: project.id });
    expect(changed.trusted).toBe(false);
    expect(changed.hash).not.toBe(view.hash);
    const third = await newTask(engine, project.id, [{ print: 'agent up' }], 'Third');
    expect(third.flags.message).toBe(UNTRUSTED_MESSAGE);
    expect(fs.existsSync(path.join(third.worktreePath!, 'made-by-setup.txt'))).toBe(false);
  });

  it('runs a trusted setup in the worktree before the agent, visible in a "Setup" terminal', async () => {
    const repo = makeRepo();
    commitConfig(repo, 'setup:\n  - [sh, -c, "echo installing deps; echo ready > from-setup.txt; echo $SWITCHYARD_PORT > setup-port.txt"]\n');
    const dataDir = tempDir('sy-data-');
    const engine = await startEngine({ dataDir });
    const api = engine.handlers();
    const project = await engine.openProject(repo);
    const view = await api['projects.config']({ projectId: project.id });
    await api['projects.trustConfig']({ projectId: project.id, hash: view.hash! });

    const task = await newTask(engine, project.id, [
      { run: ['sh', '-c', 'cat from-setup.txt > agent-saw.txt; echo $SWITCHYARD_PORT $SWITCHYARD_PORT_COUNT > agent-port.txt'] },
    ]);
    await waitForState(engine, task.id, 'review');
    const wt = task.worktreePath!;
    expect(fs.readFileSync(path.join(wt, 'agent-saw.txt'), 'utf8')).toBe('ready\n');
    const [port, count] = fs.readFileSync(path.join(wt, 'agent-port.txt'), 'utf8').trim().split(' ');
    expect(Number(port)).toBeGreaterThanOrEqual(41000);
    expect(count).toBe('10');
    expect(fs.readFileSync(path.join(wt, 'setup-port.txt'), 'utf8').trim()).toBe(port);

    const terminals = await api['tasks.terminals']({ taskId: task.id });
    expect(terminals.map((t) => [t.kind, t.title])).toEqual([['setup', 'Setup']]);
    const ptyd = await connectPtyd(dataDir);
    const text = await ptyd.text(terminals[0]!.sessionId);
    expect(text.lines.join('\n')).toContain('installing deps');
  });

  it('marks the task failed when setup fails, keeps its log, and never starts the agent', async () => {
    const repo = makeRepo();
    commitConfig(repo, 'setup:\n  - [sh, -c, "echo missing libfoo >&2; exit 4"]\n');
    const engine = await startEngine();
    const api = engine.handlers();
    const project = await engine.openProject(repo);
    await api['projects.trustConfig']({ projectId: project.id, hash: (await api['projects.config']({ projectId: project.id })).hash! });

    const task = await newTask(engine, project.id, [{ write: { path: 'agent-ran.txt', content: 'yes' } }]);
    expect(task.state).toBe('failed');
    expect(task.stateReason).toBe('setup failed (exit 4)');
    expect(engine.store.runs(task.id)).toEqual([]);
    expect(fs.existsSync(path.join(task.worktreePath!, 'agent-ran.txt'))).toBe(false);
    expect(engine.store.events(task.id).some((e) => e.reason.includes('missing libfoo'))).toBe(true);
    // The Setup terminal stays to be read.
    expect((await api['tasks.terminals']({ taskId: task.id })).map((t) => t.title)).toEqual(['Setup']);
  });
});

describe('copying files into new worktrees', () => {
  it('brings .env into the worktree, without trust, and refuses paths that leave the repository', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', '.gitignore': '.env\nlink\n' });
    commitConfig(repo, 'copy: [.env, missing.txt]\n');
    fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1\n');
    const engine = await startEngine();
    const api = engine.handlers();
    const project = await engine.openProject(repo);
    expect(await api['projects.config']({ projectId: project.id })).toMatchObject({ trusted: false, hasCommands: false });

    const task = await newTask(engine, project.id, [{ print: 'hi' }]);
    expect(fs.readFileSync(path.join(task.worktreePath!, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(task.flags.message).toBeNull();
    expect(engine.store.events(task.id).map((e) => e.reason)).toContain(`copy: missing.txt does not exist in ${repo}; skipped`);

    // "../outside" is refused when the file is read: nothing is created.
    commitConfig(repo, 'copy: [../outside]\n');
    expect((await api['projects.config']({ projectId: project.id })).error).toMatch(/copy\[0\]: must not leave the repository/);
    const refused = await engine.createTask({ projectId: project.id, title: 'Refused', prompt: '', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: false });
    const err = await expectError(engine.startTask(refused.id), 'invalid-input');
    expect(err.message).toContain('.switchyard/config.yaml');
    expect(engine.store.task(refused.id).worktreePath).toBeNull();

    // A symlink that leads out of the repository is refused too: setup fails, nothing is copied.
    const outside = path.join(tempDir(), 'secret.txt');
    fs.writeFileSync(outside, 'not yours\n');
    fs.symlinkSync(outside, path.join(repo, 'link'));
    commitConfig(repo, 'copy: [link]\n');
    const linked = await newTask(engine, project.id, [{ print: 'hi' }], 'Linked');
    expect(linked.state).toBe('failed');
    expect(linked.stateReason).toMatch(/copy: "link" leads outside the repository/);
    expect(fs.existsSync(path.join(linked.worktreePath!, 'link'))).toBe(false);
  });
});

describe('ports and teardown', () => {
  it('gives concurrent tasks distinct port ranges, and frees them after clean-up', async () => {
    const repo = makeRepo();
    const engine = await startEngine({ portRange: { from: 47100, to: 47119 } });
    const project = await engine.openProject(repo);
    const steps = [{ run: ['sh', '-c', 'echo $SWITCHYARD_PORT > port.txt'] }, { hang: true }];
    const a = await newTask(engine, project.id, steps, 'A');
    const b = await newTask(engine, project.id, steps, 'B');
    const portOf = (wt: string) => waitFor(() => fs.existsSync(path.join(wt, 'port.txt')) && fs.readFileSync(path.join(wt, 'port.txt'), 'utf8').trim(), 'the port file');
    const portA = await portOf(a.worktreePath!);
    const portB = await portOf(b.worktreePath!);
    expect([portA, portB].sort()).toEqual(['47100', '47110']);

    // The range is full: a third task cannot get a block until one is freed.
    const c = await engine.createTask({ projectId: project.id, title: 'C', prompt: '', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: false });
    await expectError(engine.startTask(c.id), 'bad-state');

    await engine.stopTask(a.id);
    await waitForState(engine, a.id, 'cancelled');
    expect(await engine.cleanup(a.id, true)).toMatchObject({ status: 'removed' });
    const started = await engine.startTask(c.id);
    // A's block, freed with its worktree.
    expect(await portOf(started.worktreePath!)).toBe(portA);
    await engine.stopTask(b.id);
    await engine.stopTask(c.id);
  });

  it('runs the trusted teardown in the worktree before removing it', async () => {
    const repo = makeRepo();
    const marker = path.join(tempDir(), 'teardown.txt');
    commitConfig(repo, `teardown:\n  - [sh, -c, 'pwd > "${marker}"; echo $SWITCHYARD_PORT >> "${marker}"']\n`);
    const engine = await startEngine();
    const api = engine.handlers();
    const project = await engine.openProject(repo);
    await api['projects.trustConfig']({ projectId: project.id, hash: (await api['projects.config']({ projectId: project.id })).hash! });
    const task = await newTask(engine, project.id, [{ print: 'done' }]);
    await waitForState(engine, task.id, 'review');
    expect(await engine.cleanup(task.id, true)).toMatchObject({ status: 'removed' });
    const [dir, port] = fs.readFileSync(marker, 'utf8').trim().split('\n');
    expect(fs.realpathSync.native(path.dirname(dir!))).toBe(fs.realpathSync.native(path.dirname(task.worktreePath!)));
    expect(path.basename(dir!)).toBe(path.basename(task.worktreePath!));
    expect(Number(port)).toBeGreaterThan(0);
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
    expect(engine.store.events(task.id).map((e) => e.reason)).toContain('teardown finished');
  });

  it('reports a failing teardown but still removes the worktree', async () => {
    const repo = makeRepo();
    commitConfig(repo, 'teardown:\n  - [sh, -c, "echo cannot stop db; exit 2"]\n');
    const engine = await startEngine();
    const api = engine.handlers();
    const project = await engine.openProject(repo);
    await api['projects.trustConfig']({ projectId: project.id, hash: (await api['projects.config']({ projectId: project.id })).hash! });
    const task = await newTask(engine, project.id, [{ print: 'done' }]);
    await waitForState(engine, task.id, 'review');
    expect(await engine.cleanup(task.id, true)).toMatchObject({ status: 'removed' });
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
    const note = engine.store.events(task.id).find((e) => e.reason.startsWith('teardown failed'));
    expect(note?.reason).toMatch(/exit 2[\s\S]*cannot stop db/);
  });
});
