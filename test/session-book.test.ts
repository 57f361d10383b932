import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrphanSession } from '../src/shared/contract';
import type { Task } from '../src/shared/task';
import type { TerminalServerMessage } from '../src/shared/terminal';
import { pruneSessionLogs } from '../src/engine/sessions/log-retention';
import { slugify } from '../src/engine/git/worktrees';
import { callApi, connectPtyd, git, makeRepo, processAlive, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

const hang = () => ({ profile: 'custom' as const, command: scriptedAgent([{ print: 'working' }, { hang: true }]) });

/** A task that ran once and was stopped: it has a worktree and a branch, and no live session. */
async function stoppedTask(dataDir: string, repo: string): Promise<{ task: Task; close: () => Promise<void> }> {
  const engine = await startEngine({ dataDir });
  const project = await engine.openProject(repo);
  const started = await engine.createTask({ projectId: project.id, title: 'Sessions', prompt: '', agent: hang(), startNow: true });
  const task = await engine.stopTask(started.id).then(() => waitForState(engine, started.id, 'cancelled'));
  return { task, close: () => engine.close() };
}

describe('sessions that outlived their records', () => {
  it('binds an agent started just before the engine died back to its task, and takes the exit of one that ended', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const { task, close } = await stoppedTask(dataDir, repo);
    await close();
    // What a crash between ptyd's spawn and the store's write leaves: a session named for the
    // task, in its worktree, that the store never heard of.
    const ptyd = await connectPtyd(dataDir);
    const live = `${task.id}-abc123`;
    await ptyd.spawn({ session: live, file: '/bin/sh', args: ['-c', 'echo rebound; sleep 600'], cwd: task.worktreePath!, env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24 });

    const engine = await startEngine({ dataDir });
    const after = engine.store.task(task.id);
    expect(after.state).toBe('running');
    expect(after.sessionId).toBe(live);
    expect(after.stateReason).toMatch(/reattached/);
    expect(await callApi<OrphanSession[]>(engine, 'sessions.orphans', {})).toEqual([]);
    // It is the task's agent now: stopping the task stops it.
    const pid = (await ptyd.list()).find((s) => s.session === live)!.pid;
    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    await waitFor(() => !processAlive(pid), 'the rebound agent to stop');

    // One that already ended while no engine ran: the task takes its exit.
    await engine.close();
    const ended = `${task.id}-def456`;
    await ptyd.spawn({ session: ended, file: '/bin/sh', args: ['-c', 'exit 0'], cwd: task.worktreePath!, env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24 });
    await waitFor(async () => (await ptyd.list()).find((s) => s.session === ended && !s.alive), 'the agent to exit');
    const third = await startEngine({ dataDir });
    const done = await waitForState(third, task.id, ['review']);
    expect(third.store.runs(task.id).at(-1)).toMatchObject({ sessionId: ended, exitCode: 0 });
    expect(done.sessionId).toBe(ended);
  });

  it('stops an unrecorded verify run, whose task runs it again, and leaves a note', async () => {
    const dataDir = tempDir('sy-data-');
    const { task, close } = await stoppedTask(dataDir, makeRepo());
    await close();
    const ptyd = await connectPtyd(dataDir);
    const verify = `${task.id}-vfabcde`;
    await ptyd.spawn({ session: verify, file: '/bin/sh', args: ['-c', 'sleep 600'], cwd: task.worktreePath!, env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24 });
    const pid = (await ptyd.list()).find((s) => s.session === verify)!.pid;
    const engine = await startEngine({ dataDir });
    await waitFor(() => !processAlive(pid), 'the unrecorded verify run to stop');
    expect((await ptyd.list()).some((s) => s.session === verify)).toBe(false);
    expect(engine.store.events(task.id).some((e) => /unrecorded verify run/.test(e.reason))).toBe(true);
    expect(engine.store.task(task.id).state).toBe('cancelled');
  });

  it('shows a session no task owns as an orphan: kill stops it; one in a project worktree can be adopted as a new task', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const engine = await startEngine({ dataDir });
    const project = await engine.openProject(repo);
    await engine.close();

    const ptyd = await connectPtyd(dataDir);
    const stray = tempDir('sy-stray-');
    await ptyd.spawn({ session: 'stray-session-1', file: '/bin/sh', args: ['-c', 'echo stray; sleep 600'], cwd: stray, env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24 });
    const worktree = path.join(tempDir('sy-wt-'), 'hand made');
    git(repo, 'worktree', 'add', '-q', '-b', 'hand-made', worktree, 'main');
    fs.writeFileSync(path.join(worktree, 'work.txt'), 'in progress\n');
    await ptyd.spawn({ session: 'hand-made-agent', file: '/bin/sh', args: ['-c', 'echo by hand; sleep 600'], cwd: worktree, env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24 });

    const second = await startEngine({ dataDir });
    const events: OrphanSession[][] = [];
    second.on('event', (e) => e.type === 'orphans' && events.push(e.orphans));
    const orphans = await callApi<OrphanSession[]>(second, 'sessions.orphans', {});
    expect(orphans.map((o) => o.session).sort()).toEqual(['hand-made-agent', 'stray-session-1']);
    const strayOrphan = orphans.find((o) => o.session === 'stray-session-1')!;
    expect(strayOrphan).toMatchObject({ alive: true, adoptable: false, cwd: stray, taskId: null });
    expect(strayOrphan.why).toMatch(/not a worktree of an open project/);
    await expect(callApi(second, 'sessions.adopt', { session: 'stray-session-1' })).rejects.toMatchObject({ code: 'bad-state' });

    // Kill: the whole process is gone, and so is the orphan.
    await callApi(second, 'sessions.kill', { session: 'stray-session-1' });
    await waitFor(() => !processAlive(strayOrphan.pid), 'the orphan to stop');
    expect((await callApi<OrphanSession[]>(second, 'sessions.orphans', {})).map((o) => o.session)).toEqual(['hand-made-agent']);
    expect(events.at(-1)?.map((o) => o.session)).toEqual(['hand-made-agent']);

    // Adopt: a new task for that worktree, running the session, with its work kept.
    const handMade = orphans.find((o) => o.session === 'hand-made-agent')!;
    expect(handMade).toMatchObject({ adoptable: true, projectId: project.id });
    const adopted = await callApi<Task>(second, 'sessions.adopt', { session: 'hand-made-agent' });
    expect(adopted).toMatchObject({ state: 'running', sessionId: 'hand-made-agent', branch: 'hand-made', worktreePath: worktree, baseBranch: 'main' });
    expect(processAlive(handMade.pid)).toBe(true);
    expect(fs.readFileSync(path.join(worktree, 'work.txt'), 'utf8')).toBe('in progress\n');
    expect(await callApi<OrphanSession[]>(second, 'sessions.orphans', {})).toEqual([]);
    // A task's own session is not an orphan to kill.
    await expect(callApi(second, 'sessions.kill', { session: 'hand-made-agent' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('after ptyd dies: the task is interrupted, a SIGHUP-proof agent left behind is stopped, and its output is still shown', async () => {
    const engine = await startEngine();
    const project = await engine.openProject(makeRepo());
    const agent = { profile: 'custom' as const, command: scriptedAgent([{ print: 'before the crash' }, { ignoreTerm: 'child.pid' }, { print: 'ignoring hangups' }, { hang: true }]) };
    const task = await engine.createTask({ projectId: project.id, title: 'Survives SIGHUP', prompt: '', agent, startNow: true });
    const pidFile = path.join(task.worktreePath!, 'child.pid');
    const childPid = Number(await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8'), 'the child pid'));
    const ptyd = await connectPtyd(engine.dataDir);
    const agentPid = (await ptyd.list())[0]!.pid;
    await waitFor(async () => (await ptyd.transcript(task.sessionId!)).lines.some((l) => l.includes('ignoring hangups')), 'the agent to ignore hangups');
    // A window watching it when ptyd dies is told, without attaching again: it is sent the saved output and the end.
    const watching: TerminalServerMessage[] = [];
    const open = engine.openTerminalChannel((msg) => watching.push(msg));
    open.handle({ t: 'attach', sub: 7, session: task.sessionId! }, new Uint8Array());
    await waitFor(() => watching.some((m) => m.t === 'snapshot'), 'the live snapshot');
    process.kill(ptyd.ptydPid, 'SIGKILL');
    await waitFor(() => watching.filter((m) => m.t === 'snapshot').length === 2 && watching.at(-1)?.t === 'exit', 'the open terminal to be shown the end');
    open.close();

    const after = await waitForState(engine, task.id, 'interrupted');
    expect(after.stateReason).toMatch(/session was lost/);
    // The agent and its child ignored the hangup; the new ptyd stopped them.
    await waitFor(() => !processAlive(agentPid) && !processAlive(childPid), 'no agent process to linger');

    // Its terminal still shows what it printed, ended.
    const got: { msg: TerminalServerMessage; text: string }[] = [];
    const relay = engine.openTerminalChannel((msg, payload) => got.push({ msg, text: payload ? new TextDecoder().decode(payload) : '' }));
    relay.handle({ t: 'attach', sub: 1, session: task.sessionId! }, new Uint8Array());
    await waitFor(() => got.some((g) => g.msg.t === 'exit'), 'the saved output and its end');
    expect(got[0]!.msg.t).toBe('snapshot');
    expect(got[0]!.text).toContain('before the crash');
    expect(got[0]!.text).toContain('ignoring hangups');
    relay.close();

    // And restarting it works, in the same worktree.
    const restarted = await waitFor(() => engine.startTask(task.id), 'the task to restart');
    expect(restarted).toMatchObject({ state: 'running', worktreePath: task.worktreePath });
  });
});

describe('the store against git at start', () => {
  it('shows a task whose branch was merged outside Switchyard as done, and marks one whose worktree was deleted', async () => {
    const dataDir = tempDir('sy-data-');
    const repo = makeRepo();
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    const work = { profile: 'custom' as const, command: scriptedAgent([{ write: { path: 'feature.txt', content: 'feature\n' } }, { commit: 'add feature' }, { exit: 0 }]) };
    const merged = await first.createTask({ projectId: project.id, title: 'Merged by hand', prompt: '', agent: work, startNow: true });
    const deleted = await first.createTask({ projectId: project.id, title: 'Worktree deleted', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'other.txt', content: 'x\n' } }, { commit: 'other' }, { exit: 0 }]) }, startNow: true });
    const untouched = await first.createTask({ projectId: project.id, title: 'No commits', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ exit: 0 }]) }, startNow: true });
    const later = await first.createTask({ projectId: project.id, title: 'Merged later', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'later.txt', content: 'l\n' } }, { commit: 'later' }, { exit: 0 }]) }, startNow: true });
    for (const t of [merged, deleted, untouched, later]) await waitForState(first, t.id, 'review');
    // One the user stopped after it had committed: cancelled, and then merged by hand.
    const stopped = await first.createTask({ projectId: project.id, title: 'Stopped, then merged', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'stopped.txt', content: 's\n' } }, { commit: 'stopped work' }, { print: 'committed' }, { hang: true }]) }, startNow: true });
    await waitFor(() => git(repo, 'log', '--oneline', stopped.branch!).includes('stopped work'), 'the commit');
    await first.stopTask(stopped.id);
    await waitForState(first, stopped.id, 'cancelled');
    await first.close();

    git(repo, 'merge', '-q', '--no-ff', '-m', 'merged on the command line', merged.branch!);
    git(repo, 'merge', '-q', '--no-ff', '-m', 'stopped work merged by hand', stopped.branch!);
    fs.rmSync(deleted.worktreePath!, { recursive: true, force: true });

    const second = await startEngine({ dataDir });
    const m = await waitForState(second, merged.id, 'done');
    expect(m.stateReason).toBe(`its branch ${merged.branch} was merged into main outside Switchyard`);
    expect((await waitForState(second, stopped.id, 'done')).stateReason).toMatch(/merged into main outside Switchyard/);
    expect(second.store.task(deleted.id)).toMatchObject({ state: 'review', flags: expect.objectContaining({ worktreeMissing: true }) });
    // A branch with no commits of its own is "in" main trivially; it is not taken for merged.
    await second.maintain();
    expect(second.store.task(untouched.id).state).toBe('review');
    // Found not merged, then merged while the engine runs: the next check sees it.
    expect(second.store.task(later.id).state).toBe('review');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'merged later', later.branch!);
    await second.maintain();
    expect(second.store.task(later.id).state).toBe('done');
  });
});

describe('saved session output', () => {
  it('is pruned after a week unless a task can still show it', () => {
    const dir = tempDir('sy-logs-');
    const old = (Date.now() - 8 * 24 * 3600_000) / 1000;
    for (const name of ['kept-1.log', 'stale-1.log', 'stale-1.log.1', 'fresh-1.log', 'not a log.txt']) fs.writeFileSync(path.join(dir, name), 'x');
    for (const name of ['kept-1.log', 'stale-1.log', 'stale-1.log.1', 'not a log.txt']) fs.utimesSync(path.join(dir, name), old, old);
    expect(pruneSessionLogs(dir, new Set(['kept-1']))).toEqual(['stale-1']);
    expect(fs.readdirSync(dir).sort()).toEqual(['fresh-1.log', 'kept-1.log', 'not a log.txt']);
  });
});

describe('a start the engine did not live to record', () => {
  it('takes up the worktree git finished, and makes again one git left half made', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const agent = { profile: 'custom' as const, command: scriptedAgent([{ print: 'started' }, { hang: true }]) };
    const finished = await engine.createTask({ projectId: project.id, title: 'Finished checkout', prompt: '', agent, startNow: false });
    const half = await engine.createTask({ projectId: project.id, title: 'Half made', prompt: '', agent, startNow: false });
    const names = (t: Task) => ({ branch: `sy/${slugify(t.title)}-${t.id.slice(0, 6)}`, dir: path.join(tempDir('sy-left-'), 'wt') });

    // What a kill right after `git worktree add` leaves: the branch, checked out, unrecorded.
    const a = names(finished);
    git(repo, 'worktree', 'add', '-q', '-b', a.branch, a.dir, 'main');
    const started = await engine.startTask(finished.id);
    expect(started).toMatchObject({ state: 'running', branch: a.branch, worktreePath: a.dir });
    expect(engine.store.events(finished.id).some((e) => /took up the worktree/.test(e.reason))).toBe(true);

    // What a kill inside `git worktree add` leaves: a checkout still locked "initializing".
    const b = names(half);
    git(repo, 'worktree', 'add', '-q', '-b', b.branch, b.dir, 'main');
    git(repo, 'worktree', 'lock', '--reason', 'initializing', b.dir);
    const restarted = await engine.startTask(half.id);
    expect(restarted).toMatchObject({ state: 'running', branch: b.branch });
    expect(restarted.worktreePath).not.toBe(b.dir);
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(b.dir);
    expect(fs.existsSync(path.join(restarted.worktreePath!, 'README.md'))).toBe(true);
  });
});
