/**
 * The needs-input monitor on real agents: a scripted agent that asks a question and waits is
 * flagged once quiet for the (short, in tests) quiet period, and unflagged when the user types.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/shared/contract';
import type { Engine } from '../src/engine/engine';
import { connectPtyd, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor } from './helpers';

afterEach(runCleanups);

async function quickEngine(): Promise<{ engine: Engine; events: EngineEvent[] }> {
  const engine = await startEngine();
  await engine.updateSettings({ needsInputQuietMs: 1000 });
  const events: EngineEvent[] = [];
  engine.on('event', (e) => events.push(e));
  return { engine, events };
}

async function run(engine: Engine, steps: unknown[]) {
  const project = await engine.openProject(makeRepo());
  return engine.createTask({ projectId: project.id, title: 'Deploy', prompt: 'p', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the needs-input monitor', () => {
  it('flags an agent that asks and waits, and clears the flag once the user answers', async () => {
    const { engine, events } = await quickEngine();
    const task = await run(engine, [{ ask: 'Deploy to staging now? [y/N] ' }, { print: 'deploying: {answer}' }, { sleep: 3000 }, { print: 'deployed' }, { hang: true }]);

    await waitFor(() => engine.store.task(task.id).flags.needsInput, 'the needs-input flag', 10_000);
    expect(events).toContainEqual({ type: 'attention', taskId: task.id, reason: 'needs-input', title: 'Deploy', detail: 'Waiting for your input' });
    // Raised once, not on every check.
    await sleep(2500);
    expect(events.filter((e) => e.type === 'attention' && e.reason === 'needs-input')).toHaveLength(1);

    const ptyd = await connectPtyd(engine.dataDir);
    ptyd.terminal({ t: 'input', session: task.sessionId! }, new TextEncoder().encode('y\r'));
    await waitFor(() => !engine.store.task(task.id).flags.needsInput, 'the flag to clear', 10_000);
    await waitFor(async () => (await ptyd.text(task.sessionId!)).lines.some((l) => l.includes('deploying: y')), 'the agent to go on');
    // Working, then quiet without a prompt: not waiting.
    await waitFor(async () => (await ptyd.text(task.sessionId!)).lines.some((l) => l.includes('deployed')), 'the agent to finish its step');
    await sleep(3000);
    expect(engine.store.task(task.id).flags.needsInput).toBe(false);
  });

  it('does not flag an agent that is quiet without a prompt', async () => {
    const { engine, events } = await quickEngine();
    const task = await run(engine, [{ print: '   Compiling tokio v1.39.2' }, { hang: true }]);
    await sleep(4000);
    expect(engine.store.task(task.id).state).toBe('running');
    expect(engine.store.task(task.id).flags.needsInput).toBe(false);
    expect(events.some((e) => e.type === 'attention')).toBe(false);
  });

  it('does not raise a dismissed flag again for the same quiet screen', async () => {
    const { engine } = await quickEngine();
    const task = await run(engine, [{ ask: 'Name of the release? ' }, { print: 'named {answer}' }, { hang: true }]);
    await waitFor(() => engine.store.task(task.id).flags.needsInput, 'the needs-input flag', 10_000);
    const dismissed = await engine.handlers()['tasks.dismissFlag']({ taskId: task.id, flag: 'needsInput' });
    expect(dismissed.flags.needsInput).toBe(false);
    await sleep(3000);
    expect(engine.store.task(task.id).flags.needsInput).toBe(false);
  });

  it('clears the flag when the agent exits', async () => {
    const { engine } = await quickEngine();
    const task = await run(engine, [{ print: 'Continue? (y/n)' }, { sleep: 5000 }, { exit: 0 }]);
    await waitFor(() => engine.store.task(task.id).flags.needsInput, 'the needs-input flag', 10_000);
    await waitFor(() => engine.store.task(task.id).state === 'review', 'the agent to exit');
    expect(engine.store.task(task.id).flags.needsInput).toBe(false);
  });
});
