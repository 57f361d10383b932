import { afterEach, describe, expect, it } from 'vitest';
import type { TerminalServerMessage } from '../src/shared/terminal';
import { connectPtyd, git, makeRepo, processAlive, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

const encode = (s: string) => new TextEncoder().encode(s);

describe('an engine restart', () => {
  it('marks a running task interrupted, with the reason, when ptyd was stopped too', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const task = await first.createTask({ projectId: project.id, title: 'Hangs', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    const ptyd = await connectPtyd(dataDir);
    const [session] = await ptyd.list();
    expect(session?.alive).toBe(true);
    ptyd.close();
    await first.close({ stopPtyd: true });
    expect(processAlive(session!.pid)).toBe(false);

    const second = await startEngine({ dataDir });
    const after = second.store.task(task.id);
    expect(after.state).toBe('interrupted');
    expect(after.stateReason).toMatch(/session was lost/);
    const last = second.store.events(task.id).at(-1)!;
    expect([last.fromState, last.toState]).toEqual(['running', 'interrupted']);
    expect(last.reason).toBe(after.stateReason);
    // It stays interrupted: nothing else happens to it later.
    expect(second.store.events(task.id).filter((e) => e.fromState !== e.toState).map((e) => e.toState)).toEqual(['queued', 'running', 'interrupted']);
    // An interrupted task can be started again, in the same worktree.
    const restarted = await second.startTask(task.id);
    expect(restarted.state).toBe('running');
    expect(restarted.worktreePath).toBe(task.worktreePath);
  });

  it('marks a running task interrupted when ptyd was killed outright', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const task = await first.createTask({ projectId: project.id, title: 'Hangs', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    const ptyd = await connectPtyd(dataDir);
    const ptydPid = ptyd.ptydPid;
    ptyd.close();
    await first.close();
    process.kill(ptydPid, 'SIGKILL');
    await waitFor(() => !processAlive(ptydPid), 'ptyd to die');

    const second = await startEngine({ dataDir });
    expect(second.store.task(task.id).state).toBe('interrupted');
    expect(second.store.events(task.id).at(-1)).toMatchObject({ fromState: 'running', toState: 'interrupted' });
    const fresh = await connectPtyd(dataDir);
    expect(fresh.ptydPid).not.toBe(ptydPid);
  });

  it('notices ptyd dying under a running engine: it reconnects to a new ptyd and marks the task interrupted', async () => {
    const engine = await startEngine();
    const project = await engine.openProject(makeRepo());
    const task = await engine.createTask({ projectId: project.id, title: 'Hangs', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    const ptyd = await connectPtyd(engine.dataDir);
    const ptydPid = ptyd.ptydPid;
    ptyd.close();
    process.kill(ptydPid, 'SIGKILL');

    const after = await waitForState(engine, task.id, 'interrupted');
    expect(after.stateReason).toMatch(/session was lost/);
    // The engine is connected again, to a new ptyd, and can start the task anew.
    const restarted = await waitFor(() => engine.startTask(task.id), 'the engine to reconnect and restart the task');
    expect(restarted.state).toBe('running');
    const fresh = await connectPtyd(engine.dataDir);
    expect(fresh.ptydPid).not.toBe(ptydPid);
    expect((await fresh.list()).map((s) => s.session)).toEqual([restarted.sessionId]);
  });

  it('keeps a task running across an engine restart while ptyd lives, and moves it to review when the agent exits', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const command = scriptedAgent([{ ask: 'Continue? ' }, { print: 'got {answer}' }, { exit: 0 }]);
    const task = await first.createTask({ projectId: project.id, title: 'Survives', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    const ptyd = await connectPtyd(dataDir);
    await waitFor(async () => (await ptyd.screen(task.sessionId!)).data.includes('Continue?'), 'the question');
    await first.close();

    const second = await startEngine({ dataDir });
    expect(second.store.task(task.id).state).toBe('running');
    expect(second.store.events(task.id).filter((e) => e.fromState !== e.toState).map((e) => e.toState)).toEqual(['queued', 'running']);
    expect((await ptyd.list()).find((s) => s.session === task.sessionId)?.alive).toBe(true);

    // The new engine's terminal channel reaches the same session.
    const frames: TerminalServerMessage[] = [];
    const channel = second.openTerminalChannel((msg) => frames.push(msg));
    channel.handle({ t: 'attach', sub: 1, session: task.sessionId! }, new Uint8Array());
    await waitFor(() => frames.some((f) => f.t === 'snapshot'), 'a snapshot');
    channel.handle({ t: 'input', session: task.sessionId! }, encode('yes\r'));

    const done = await waitForState(second, task.id, 'review');
    expect(done.exitCode).toBe(0);
    expect((await ptyd.screen(task.sessionId!)).data).toContain('got yes');
    channel.close();
  });

  it('picks up an exit that happened while no engine was running', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const command = scriptedAgent([{ ask: 'Exit how? ' }, { exit: 4 }]);
    const task = await first.createTask({ projectId: project.id, title: 'Exits alone', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    const ptyd = await connectPtyd(dataDir);
    await waitFor(async () => (await ptyd.screen(task.sessionId!)).data.includes('Exit how?'), 'the question');
    await first.close();
    ptyd.terminal({ t: 'input', session: task.sessionId! }, encode('now\r'));
    await waitFor(async () => (await ptyd.list()).some((s) => s.session === task.sessionId && !s.alive), 'the agent to exit');

    const second = await startEngine({ dataDir });
    const after = second.store.task(task.id);
    expect(after.state).toBe('failed');
    expect(after.exitCode).toBe(4);
  });

  it('returns a merge that was cut short to where the task was, with nothing merged', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const command = scriptedAgent([{ write: { path: 'work.txt', content: 'work\n' } }, { commit: 'work' }]);
    const task = await first.createTask({ projectId: project.id, title: 'Cut short', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(first, task.id, 'review');
    const mainBefore = git(repo, 'rev-parse', 'main');
    // As if the engine died between starting a merge and finishing it.
    first.store.transition(task.id, 'merging', 'merging into main');
    await first.close();

    const second = await startEngine({ dataDir });
    expect(second.store.task(task.id)).toMatchObject({ state: 'review' });
    expect(second.store.events(task.id).at(-1)?.reason).toMatch(/interrupted.*nothing was merged/);
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
  });

  it('marks a merge that finished just before the crash as done, not "nothing merged"', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const command = scriptedAgent([{ write: { path: 'work.txt', content: 'work\n' } }, { commit: 'work' }]);
    const task = await first.createTask({ projectId: project.id, title: 'Landed', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    const reviewed = await waitForState(first, task.id, 'review');
    first.store.transition(task.id, 'merging', 'merging into main');
    // The merge itself went through; the engine died before recording it.
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merged', reviewed.branch!);
    await first.close();

    const second = await startEngine({ dataDir });
    expect(second.store.task(task.id)).toMatchObject({ state: 'done' });
    expect(second.store.events(task.id).at(-1)?.reason).toMatch(/had finished/);
  });
});
