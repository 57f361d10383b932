/**
 * Hook events through `switchyard hook`: an agent's own hooks say "your turn", "needs input"
 * and "working", with the agent's session id. They never stop the agent or move it to Review;
 * a flag a hook raised is cleared by the user's input, not by output; once hooks have spoken the
 * screen heuristic stays quiet. "Ready" runs the gate and ends in Review. Real engine, ptyd,
 * PTYs and the CLI.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHookPayload } from '../src/cli/hook-payload';
import type { Engine } from '../src/engine/engine';
import { callApi, connectPtyd, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

/** A step that pipes `payload` into `switchyard hook <event>`, as Claude Code and Gemini CLI do. */
const hook = (event: string, payload: object): unknown => ({ run: ['/bin/sh', '-c', `printf '%s' '${JSON.stringify(payload)}' | switchyard hook ${event}; echo "hook exit $?"`] });

async function start(engine: Engine, steps: unknown[], checks?: object) {
  const project = await engine.openProject(makeRepo({ 'README.md': '# r\n', 'check.js': 'process.exit(0)\n' }));
  return engine.createTask({ projectId: project.id, title: 'hooked', prompt: 'p', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true, ...(checks ? { checks } : {}) });
}

const fast = { supervision: { monitorIntervalMs: 200 } };

describe('hook events', () => {
  it("a turn-end hook marks the task 'your turn' with the hook as source, keeps it running, and records the agent's session", async () => {
    const engine = await startEngine(fast);
    const task = await start(engine, [
      hook('turn-end', { session_id: 'sess-1', last_assistant_message: 'I added the retry.', hook_event_name: 'Stop' }),
      // Then it waits at a prompt, as an agent's TUI does; it keeps redrawing (output), which must not clear the flag.
      { print: '> ' },
      { steps: [{ print: 'tick' }, { sleep: 300 }, { print: 'tick' }, { sleep: 300 }, { print: 'tick' }] },
      { ask: '> ' },
      { print: 'got {answer}' },
      { hang: true },
    ]);
    const flagged = await waitFor(() => {
      const t = engine.store.task(task.id);
      return t.flags.yourTurn ? t : null;
    }, 'the your-turn flag');
    expect(flagged.state).toBe('running');
    expect(flagged.agentSession).toBe('sess-1');
    expect(flagged.flags).toMatchObject({ yourTurn: true, needsInput: false, message: 'I added the retry.' });
    // The hook printed nothing and exited 0.
    const ptyd = await connectPtyd(engine.dataDir);
    const text = await waitFor(async () => {
      const s = await ptyd.transcript(engine.store.task(task.id).sessionId!);
      return s.lines.join('\n').includes('hook exit 0') ? s.lines.join('\n') : null;
    }, 'the hook to exit');
    expect(text).not.toMatch(/switchyard/);
    // Output goes on (the ticks), the flag stays; the screen heuristic does not take over.
    await new Promise((r) => setTimeout(r, 1500));
    expect(engine.store.task(task.id).flags).toMatchObject({ yourTurn: true, needsInputSource: null });
    // The user types a follow-up: the flag goes.
    ptyd.terminal({ t: 'input', session: engine.store.task(task.id).sessionId! }, new TextEncoder().encode('carry on\r'));
    await waitFor(() => !engine.store.task(task.id).flags.yourTurn, 'the flag to clear on input');
    expect(engine.store.task(task.id).state).toBe('running');
  });

  it('a needs-input hook raises the flag with the hook as source; a working hook lowers it', async () => {
    const engine = await startEngine(fast);
    const task = await start(engine, [
      hook('needs-input', { session_id: 'sess-2', message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' }),
      { sleep: 1500 },
      { print: 'still drawing' },
      { sleep: 1500 },
      hook('working', { session_id: 'sess-2' }),
      { hang: true },
    ]);
    const t = await waitFor(() => (engine.store.task(task.id).flags.needsInput ? engine.store.task(task.id) : null), 'needs input');
    expect(t.flags).toMatchObject({ needsInputSource: 'hook', message: 'Claude needs your permission to use Bash' });
    await new Promise((r) => setTimeout(r, 1000));
    // Output after it did not clear it.
    expect(engine.store.task(task.id).flags.needsInput).toBe(true);
    await waitFor(() => !engine.store.task(task.id).flags.needsInput, 'the working hook to lower the flag');
    expect(engine.store.task(task.id).flags.needsInputSource).toBeNull();
  });

  it('ready without checks stops the agent into Review; with a verify command it runs the gate first', async () => {
    const engine = await startEngine(fast);
    const plain = await start(engine, [hook('turn-end', { session_id: 's' }), { hang: true }]);
    await waitFor(() => engine.store.task(plain.id).flags.yourTurn, 'your turn');
    const ready = await callApi<{ state: string }>(engine, 'tasks.ready', { taskId: plain.id });
    expect(['running', 'review']).toContain(ready.state);
    const reviewed = await waitForState(engine, plain.id, 'review');
    expect(reviewed.stateReason).toBe('marked ready by the user');
    expect(reviewed.flags.yourTurn).toBe(false);

    const checked = await start(engine, [hook('turn-end', { session_id: 's' }), { hang: true }], { verifyCommand: `${process.execPath} check.js` });
    await waitFor(() => engine.store.task(checked.id).flags.yourTurn, 'your turn');
    const verifying = await callApi<{ state: string }>(engine, 'tasks.ready', { taskId: checked.id });
    expect(verifying.state).toBe('verifying');
    const done = await waitForState(engine, checked.id, 'review');
    expect(done.gate.verify).toBe('passed');
    // Ready is for running tasks only.
    await expect(callApi(engine, 'tasks.ready', { taskId: checked.id })).rejects.toThrow(/only a running task/);
  });

  it('an agent whose turn ended waits for the user: the watchdog does not call it stuck', async () => {
    const engine = await startEngine({ supervision: { monitorIntervalMs: 200, watchdogIntervalMs: 150 } });
    const task = await start(engine, [hook('turn-end', { session_id: 's' }), { hang: true }], { stuckAfterSec: 1, stuckPolicy: 'notify' });
    await waitFor(() => engine.store.task(task.id).flags.yourTurn, 'your turn');
    // Quiet for three times the stuck period, with no file changes.
    await new Promise((r) => setTimeout(r, 3000));
    expect(engine.store.task(task.id).flags).toMatchObject({ yourTurn: true, stuck: false });
  });

  it('exits 0 and prints nothing, whatever happens', async () => {
    const engine = await startEngine();
    const launcher = path.join(engine.dataDir, 'bin', 'switchyard');
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(launcher, args, { env: { PATH: process.env.PATH!, ...env } }, (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }));
      });
    // Outside a task, with an unknown event, and with an engine that is not there.
    expect(await run(['hook', 'turn-end'], {})).toEqual({ code: 0, stdout: '' });
    expect(await run(['hook', 'explode'], {})).toEqual({ code: 0, stdout: '' });
    expect(await run(['hook', 'turn-end', '{}'], { SWITCHYARD_TASK_ID: 'x', SWITCHYARD_NOTIFY_TOKEN: 'x'.repeat(32), SWITCHYARD_NOTIFY_SOCKET: '/nonexistent/sock' })).toEqual({ code: 0, stdout: '' });
  });

  it('reads session ids and messages from each agent’s payload', () => {
    expect(parseHookPayload('{"session_id":"a1b2","message":"Claude needs your permission to use Bash"}')).toEqual({ agentSession: 'a1b2', message: 'Claude needs your permission to use Bash' });
    // Codex's notify argument.
    expect(parseHookPayload('{"type":"agent-turn-complete","thread-id":"0199-abc","last-assistant-message":"Done.\\nAll tests pass."}')).toEqual({ agentSession: '0199-abc', message: 'Done. All tests pass.' });
    expect(parseHookPayload('not json')).toEqual({ agentSession: null, message: null });
    // A session id that could be anything is not kept.
    expect(parseHookPayload('{"session_id":"../../etc"}').agentSession).toBeNull();
  });
});

describe('a turn that ends while a question is open', () => {
  it('is a side turn: the question stays flagged until it is answered, then the turn end counts', async () => {
    const engine = await startEngine(fast);
    const task = await start(engine, [
      hook('needs-input', { session_id: 's', message: 'Approval requested: touch x' }),
      { sleep: 800 },
      // Codex reports a finished turn when it has named the thread, while its approval still waits.
      hook('turn-end', { session_id: 's', 'last-assistant-message': '{"title":"mock"}' }),
      { ask: 'Allow? ' },
      hook('turn-end', { session_id: 's', last_assistant_message: 'Done.' }),
      { hang: true },
    ]);
    await waitFor(() => engine.store.task(task.id).flags.needsInput, 'the question');
    // The side turn's end has come and gone (its hook ran): the question is still up.
    await new Promise((r) => setTimeout(r, 2500));
    expect(engine.store.task(task.id).flags).toMatchObject({ needsInput: true, yourTurn: false });
    const ptyd = await connectPtyd(engine.dataDir);
    ptyd.terminal({ t: 'input', session: engine.store.task(task.id).sessionId! }, new TextEncoder().encode('y\r'));
    await waitFor(() => engine.store.task(task.id).flags.yourTurn, 'your turn after the answer');
    expect(engine.store.task(task.id).flags).toMatchObject({ needsInput: false, message: 'Done.' });
  });
});
