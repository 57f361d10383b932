/**
 * `switchyard notify`: agents report on their own task through the CLI on their PATH, with a
 * per-task token that can do nothing else. Real engine, ptyd, PTYs and the CLI.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/shared/contract';
import type { Engine } from '../src/engine/engine';
import { hashNotifyToken } from '../src/engine/supervision/notify-token';
import { notifySocketPath } from '../src/engine/supervision/notify-server';
import { parseNotifyArgs } from '../src/cli/notify-args';
import { CLI_FROM_SOURCE, connectPtyd, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `switchyard …` as an agent would: the launcher the engine put on agents' PATH. */
function runCli(dataDir: string, args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const launcher = path.join(dataDir, 'bin', 'switchyard');
  const clean = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([k, v]) => v !== undefined && !(k.startsWith('SWITCHYARD_') && !(k in env)))) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(launcher, args, { env: clean, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function hangingTask(engine: Engine, repo: string, title: string, steps: unknown[] = []) {
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title, prompt: 'p', agent: { profile: 'custom', command: scriptedAgent([...steps, { hang: true }]) }, startNow: true });
  return task;
}

/** The agent's own notify token, as its environment has it: the store keeps only a hash. */
async function agentToken(engine: Engine, repo: string, title: string): Promise<{ task: Awaited<ReturnType<typeof hangingTask>>; token: string }> {
  const dump = `require('fs').writeFileSync('env.json', JSON.stringify(process.env))`;
  const task = await hangingTask(engine, repo, title, [{ run: [process.execPath, '-e', dump] }]);
  const envFile = path.join(task.worktreePath!, 'env.json');
  // The file exists before it is written whole: wait until it parses.
  const env = await waitFor(() => JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, string>, 'the agent to dump its environment');
  return { task, token: env.SWITCHYARD_NOTIFY_TOKEN! };
}

function recordEvents(engine: Engine): EngineEvent[] {
  const events: EngineEvent[] = [];
  engine.on('event', (e) => events.push(e));
  return events;
}

/** Everything about a task a report could change. */
function snapshot(engine: Engine, taskId: string) {
  const t = engine.store.task(taskId);
  return { state: t.state, flags: t.flags, messages: engine.store.messages(taskId), events: engine.store.events(taskId) };
}

describe('switchyard notify, end to end', () => {
  it('gives every agent its task id, worktree, token, socket, and the CLI first on PATH', async () => {
    const engine = await startEngine();
    const repo = makeRepo();
    const dump = `require('fs').writeFileSync('env.json', JSON.stringify(process.env))`;
    const task = await hangingTask(engine, repo, 'Env', [{ run: [process.execPath, '-e', dump] }, { print: 'dumped' }]);
    const envFile = path.join(task.worktreePath!, 'env.json');
    const env = await waitFor(() => JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, string>, 'the agent to dump its environment');
    expect(env.SWITCHYARD_TASK_ID).toBe(task.id);
    expect(env.SWITCHYARD_WORKTREE).toBe(task.worktreePath);
    // The store keeps the token's hash, never the token.
    expect(engine.store.notifyToken(task.id)).toBe(hashNotifyToken(env.SWITCHYARD_NOTIFY_TOKEN!));
    expect(engine.store.notifyToken(task.id)).not.toContain(env.SWITCHYARD_NOTIFY_TOKEN!);
    expect(env.SWITCHYARD_NOTIFY_TOKEN!.length).toBeGreaterThanOrEqual(40);
    expect(env.SWITCHYARD_NOTIFY_SOCKET).toBe(notifySocketPath(engine.dataDir));
    const bin = env.PATH!.split(path.delimiter)[0]!;
    expect(bin).toBe(path.join(engine.dataDir, 'bin'));
    // Private: the launcher, the socket and its folder belong to the user alone.
    expect(fs.statSync(path.join(bin, 'switchyard')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(env.SWITCHYARD_NOTIFY_SOCKET!).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(env.SWITCHYARD_NOTIFY_SOCKET!)).mode & 0o777).toBe(0o700);
    // The browser token never reaches an agent.
    expect(env.SWITCHYARD_TOKEN).toBeUndefined();
    // The token is never part of what the UI sees of a task.
    expect(JSON.stringify(engine.store.task(task.id))).not.toContain(env.SWITCHYARD_NOTIFY_TOKEN);
  });

  it('an agent flags itself as needing input, and the flag clears when the user types', async () => {
    const engine = await startEngine();
    const events = recordEvents(engine);
    const task = await hangingTask(engine, makeRepo(), 'Asks', [{ run: ['switchyard', 'notify', 'needs-input', 'Which', 'database?'] }, { print: 'notify exit {status}' }]);

    const flagged = await waitFor(() => {
      const t = engine.store.task(task.id);
      return t.flags.needsInput ? t : null;
    }, 'the needs-input flag');
    expect(flagged.state).toBe('running');
    expect(flagged.flags.message).toBe('Which database?');
    expect(events).toContainEqual({ type: 'attention', taskId: task.id, reason: 'needs-input', title: 'Asks', detail: 'Which database?' });
    expect(engine.store.messages(task.id).map((m) => [m.kind, m.text])).toEqual([['notify', 'Needs input: Which database?']]);

    const ptyd = await connectPtyd(engine.dataDir);
    await waitFor(async () => (await ptyd.text(task.sessionId!)).lines.some((l) => l.includes('notify exit 0')), 'the CLI to exit 0');
    // The CLI's own output right after reporting does not count as the agent moving on.
    await new Promise((r) => setTimeout(r, 4500));
    expect(engine.store.task(task.id).flags.needsInput).toBe(true);

    ptyd.terminal({ t: 'input', session: task.sessionId! }, new TextEncoder().encode('postgres\r'));
    await waitFor(() => !engine.store.task(task.id).flags.needsInput, 'the flag to clear after typing');
  });

  it('an agent reports messages and done; the state stays until the agent exits', async () => {
    const engine = await startEngine();
    const events = recordEvents(engine);
    const project = await engine.openProject(makeRepo());
    const command = scriptedAgent([
      { run: ['switchyard', 'notify', 'reading the parser'] },
      { run: ['switchyard', 'notify', 'done', 'all tests pass'] },
      { print: 'reported {status}' },
      { ask: 'exit? ' },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Reports', prompt: 'p', agent: { profile: 'custom', command }, startNow: true });

    await waitFor(() => engine.store.messages(task.id).length === 2, 'both reports');
    const t = engine.store.task(task.id);
    expect(t.state).toBe('running');
    expect(t.flags.message).toBe('Done: all tests pass');
    expect(engine.store.messages(task.id).map((m) => [m.kind, m.text])).toEqual([
      ['notify', 'reading the parser'],
      ['notify', 'Done: all tests pass'],
    ]);
    expect(await engine.handlers()['tasks.messages']({ taskId: task.id })).toEqual(engine.store.messages(task.id));
    expect(events).toContainEqual(expect.objectContaining({ type: 'attention', taskId: task.id, reason: 'finished' }));

    // The exit, not the report, moves the task to review (and says so once more).
    const before = events.filter((e) => e.type === 'attention').length;
    const ptyd = await connectPtyd(engine.dataDir);
    ptyd.terminal({ t: 'input', session: task.sessionId! }, new TextEncoder().encode('y\r'));
    await waitForState(engine, task.id, 'review');
    await waitFor(() => events.filter((e) => e.type === 'attention').length > before, 'the finished notification');
    expect(events.filter((e) => e.type === 'attention').at(-1)).toMatchObject({ reason: 'finished', detail: 'Finished: ready for review' });
    expect(engine.store.task(task.id).flags.message).toBe('Done: all tests pass');
  });

  it('refuses a wrong token, and another task’s id, and changes nothing', async () => {
    const engine = await startEngine();
    const repo = makeRepo();
    const { task: a, token: tokenA } = await agentToken(engine, repo, 'Task A');
    const { task: b, token: tokenB } = await agentToken(engine, repo, 'Task B');
    expect(tokenA).not.toBe(tokenB);
    const socket = notifySocketPath(engine.dataDir);
    const before = [snapshot(engine, a.id), snapshot(engine, b.id)];

    const wrong = await runCli(engine.dataDir, ['notify', 'needs-input'], { SWITCHYARD_TASK_ID: a.id, SWITCHYARD_NOTIFY_TOKEN: tokenA.replace(/^./, (c) => (c === 'x' ? 'y' : 'x')), SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused/);

    // A's token cannot speak for B.
    const other = await runCli(engine.dataDir, ['notify', 'done'], { SWITCHYARD_TASK_ID: b.id, SWITCHYARD_NOTIFY_TOKEN: tokenA, SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/refused/);

    // Nor for a task that does not exist: the same answer, so it learns nothing.
    const none = await runCli(engine.dataDir, ['notify', 'hello'], { SWITCHYARD_TASK_ID: 'nosuchtask', SWITCHYARD_NOTIFY_TOKEN: tokenA, SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(none.stderr).toBe(other.stderr);

    // The socket takes notify requests only: nothing to merge, start, stop, read or list.
    for (const body of [
      { v: 1, op: 'merge', taskId: a.id, token: tokenA },
      { v: 1, op: 'list', token: tokenA },
      { v: 1, op: 'notify', taskId: a.id, token: tokenA, kind: 'stop', message: null },
      { v: 1, op: 'notify', taskId: a.id, token: tokenA, kind: 'done', message: null, state: 'done' },
      'not json',
    ]) {
      const answer = await rawRequest(socket, typeof body === 'string' ? body : JSON.stringify(body));
      expect(answer).toMatchObject({ ok: false });
    }
    expect([snapshot(engine, a.id), snapshot(engine, b.id)]).toEqual(before);

    // The right token works, for its own task only.
    const right = await runCli(engine.dataDir, ['notify', 'on it'], { SWITCHYARD_TASK_ID: a.id, SWITCHYARD_NOTIFY_TOKEN: tokenA, SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(right).toMatchObject({ code: 0, stdout: 'switchyard: recorded: message\n' });
    expect(engine.store.task(a.id).flags.message).toBe('on it');
    // Quiet, for hooks whose stdout must stay empty.
    const quiet = await runCli(engine.dataDir, ['notify', '--quiet', 'still on it'], { SWITCHYARD_TASK_ID: a.id, SWITCHYARD_NOTIFY_TOKEN: tokenA, SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(engine.store.task(a.id).flags.message).toBe('still on it');
    // JSON, for scripts.
    const json = await runCli(engine.dataDir, ['notify', '--json', 'done'], { SWITCHYARD_TASK_ID: a.id, SWITCHYARD_NOTIFY_TOKEN: tokenA, SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(json).toEqual({ code: 0, stdout: '{"ok":true,"summary":"recorded: done"}\n', stderr: '' });
    expect(snapshot(engine, b.id)).toEqual(before[1]);
  });

  it('says clearly when it is not in a task, when the engine is not running, and how to use it', async () => {
    const engine = await startEngine();
    const noTask = await runCli(engine.dataDir, ['notify', 'done'], {});
    expect(noTask.code).toBe(3);
    expect(noTask.stderr).toMatch(/not inside a Switchyard task \(SWITCHYARD_TASK_ID, SWITCHYARD_NOTIFY_TOKEN, SWITCHYARD_NOTIFY_SOCKET not set\)/);

    const gone = await runCli(engine.dataDir, ['notify', 'done'], {
      SWITCHYARD_TASK_ID: 'abc',
      SWITCHYARD_NOTIFY_TOKEN: 'x'.repeat(43),
      SWITCHYARD_NOTIFY_SOCKET: path.join(engine.dataDir, 'run', 'nothing.sock'),
    });
    expect(gone.code).toBe(4);
    expect(gone.stderr).toMatch(/the Switchyard engine is not running/);

    const usage = await runCli(engine.dataDir, ['notify'], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: switchyard notify \[--quiet \| --json\] needs-input/);
    const help = await runCli(engine.dataDir, ['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/switchyard notify done/);
    const unknown = await runCli(engine.dataDir, ['merge', 'everything'], {});
    expect(unknown.code).toBe(2);
  });
});

describe('notify arguments', () => {
  it('reads the kind and the message', () => {
    expect(parseNotifyArgs(['needs-input'])).toEqual({ kind: 'needs-input', message: null });
    expect(parseNotifyArgs(['needs-input', 'Pick', 'one'])).toEqual({ kind: 'needs-input', message: 'Pick one' });
    expect(parseNotifyArgs(['done'])).toEqual({ kind: 'done', message: null });
    expect(parseNotifyArgs(['tests pass now'])).toEqual({ kind: 'message', message: 'tests pass now' });
    expect(parseNotifyArgs([])).toBeNull();
    expect(parseNotifyArgs(['  '])).toBeNull();
  });

  it('keeps the last assistant message of Codex’s notify payload, and cuts long messages', () => {
    const payload = JSON.stringify({ type: 'agent-turn-complete', 'turn-id': '1', 'input-messages': ['x'], 'last-assistant-message': 'Rename done.' });
    expect(parseNotifyArgs(['done', payload])).toEqual({ kind: 'done', message: 'Rename done.' });
    const long = parseNotifyArgs(['x'.repeat(5000)]);
    expect(long?.message?.length).toBe(2000);
  });
});

describe('the CLI launcher', () => {
  it('runs the CLI it was told to, from any folder', async () => {
    const engine = await startEngine();
    const script = fs.readFileSync(path.join(engine.dataDir, 'bin', 'switchyard'), 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    for (const arg of CLI_FROM_SOURCE.args) expect(script).toContain(`'${arg}'`);
    expect(script).toContain('"$@"');
  });
});

function rawRequest(socketPath: string, line: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(socketPath);
    let data = '';
    s.setEncoding('utf8');
    s.on('connect', () => s.write(`${line}\n`));
    s.on('data', (c: string) => (data += c));
    s.on('end', () => resolve(JSON.parse(data)));
    s.on('error', reject);
  });
}

describe('token lifetime', () => {
  it('revokes a run’s token when the agent is started again', async () => {
    const engine = await startEngine();
    const repo = makeRepo();
    const { task, token: first } = await agentToken(engine, repo, 'Restarted');
    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    await engine.startTask(task.id);
    const socket = notifySocketPath(engine.dataDir);
    const stale = await runCli(engine.dataDir, ['notify', 'old run speaking'], { SWITCHYARD_TASK_ID: task.id, SWITCHYARD_NOTIFY_TOKEN: first, SWITCHYARD_NOTIFY_SOCKET: socket });
    expect(stale.code).toBe(1);
    expect(engine.store.messages(task.id)).toEqual([]);
  });
});
