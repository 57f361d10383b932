/** Stopping a task leaves no process it started: not a double-forked daemon, not a TERM-ignoring child. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSameProcess, startTimeOf } from '../src/ptyd/process-tree';
import { connectPtyd, makeRepo, processAlive, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

// A daemon that double-forks (re-parented to PID 1, in a session of its own) and ignores TERM
// and HUP, plus a direct child that ignores TERM. Written by the test as the agent's own script.
const SCRIPT = [
  `( setsid sh -c 'trap "" TERM HUP; echo $$ > daemon.pid; exec sleep 1000' </dev/null >/dev/null 2>&1 & )`,
  `{ sh -c 'trap "" TERM HUP; echo $$ > child.pid; exec sleep 1000' & }`,
  `echo started`,
  `wait`,
].join('; ');

describe('stopping an agent', () => {
  it('kills a detached, double-forked grandchild and a TERM-ignoring child', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const task = await engine.createTask({ projectId: project.id, title: 'Leaves daemons', prompt: '', agent: { profile: 'custom', command: `sh -c ${JSON.stringify(SCRIPT)}` }, startNow: true });
    const pidOf = (name: string): number | null => {
      const f = path.join(task.worktreePath!, name);
      return fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim() ? Number(fs.readFileSync(f, 'utf8')) : null;
    };
    const daemon = await waitFor(() => pidOf('daemon.pid'), 'the daemon to start');
    const child = await waitFor(() => pidOf('child.pid'), 'the child to start');
    expect(processAlive(daemon)).toBe(true);
    expect(processAlive(child)).toBe(true);

    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    await waitFor(() => !processAlive(daemon) && !processAlive(child), 'every process the agent started to be gone');
  });

  it('the scripted agent fixture: a detached grandchild and a TERM-ignoring agent with a TERM-ignoring child', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const agent = { profile: 'custom' as const, command: scriptedAgent([{ daemon: 'daemon.pid' }, { ignoreTerm: 'child.pid' }, { print: 'ready' }, { hang: true }]) };
    const task = await engine.createTask({ projectId: project.id, title: 'Hard to kill', prompt: '', agent, startNow: true });
    const read = (name: string): number | null => {
      const f = path.join(task.worktreePath!, name);
      return fs.existsSync(f) && fs.readFileSync(f, 'utf8').trim() ? Number(fs.readFileSync(f, 'utf8')) : null;
    };
    const daemon = await waitFor(() => read('daemon.pid'), 'the daemon');
    const child = await waitFor(() => read('child.pid'), 'the TERM-ignoring child');
    const agentPid = (await (await connectPtyd(engine.dataDir)).list()).find((s) => s.session === engine.store.task(task.id).sessionId)!.pid;
    // The daemon really escaped the tree: its parent is PID 1 (or a subreaper), not the agent.
    const ppid = Number(fs.readFileSync(`/proc/${daemon}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    expect(ppid).not.toBe(agentPid);
    for (const pid of [daemon, child, agentPid]) expect(processAlive(pid)).toBe(true);

    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    await waitFor(() => ![daemon, child, agentPid].some(processAlive), 'no process the agent started to survive');
  });

  it('sweeps what an agent left behind when it exited by itself, on clean-up', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const leaves = `( setsid sh -c 'trap "" TERM HUP; echo $$ > daemon.pid; exec sleep 1000' </dev/null >/dev/null 2>&1 & ); sleep 0.3; exit 0`;
    const task = await engine.createTask({ projectId: project.id, title: 'Exits, daemon stays', prompt: '', agent: { profile: 'custom', command: `sh -c ${JSON.stringify(leaves)}` }, startNow: true });
    await waitForState(engine, task.id, 'review');
    const daemon = Number(fs.readFileSync(path.join(task.worktreePath!, 'daemon.pid'), 'utf8'));
    expect(processAlive(daemon)).toBe(true);
    fs.rmSync(path.join(task.worktreePath!, 'daemon.pid'));
    expect((await engine.cleanup(task.id, false)).status).toBe('removed');
    await waitFor(() => !processAlive(daemon), 'the leftover daemon to be gone');
  });
});

describe('telling a process from a later one with its pid', () => {
  it('knows a process by its start time, and knows it is gone once it has exited', async () => {
    const child = spawn('sleep', ['1000']);
    const pid = child.pid!;
    const started = startTimeOf(pid);
    expect(started).toMatch(/^\d+$/);
    expect(isSameProcess(pid, started)).toBe(true);
    // Another process, or the same pid reused by one that started later, is not it.
    expect(isSameProcess(pid, String(Number(started) + 1))).toBe(false);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(startTimeOf(pid)).toBeNull();
    expect(isSameProcess(pid, started)).toBe(false);
  });
});
