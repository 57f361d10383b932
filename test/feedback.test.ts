/**
 * Feedback, one click from review: typed into a running agent and checked, or a restart of an
 * exited one with the feedback as its prompt. Real engine, ptyd, PTYs and the scripted agent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '../src/shared/contract';
import type { Engine } from '../src/engine/engine';
import { buildLaunch } from '../src/engine/agents/profiles';
import { inputKeys, looksTaken, sitsUnsubmitted } from '../src/engine/supervision/delivery';
import { connectPtyd, expectError, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

// Watch how agents are launched, to see that a restart asks to resume.
vi.mock(import('../src/engine/agents/profiles'), async (original) => {
  const real = await original();
  return { ...real, buildLaunch: vi.fn(real.buildLaunch) };
});

afterEach(runCleanups);

async function startTask(engine: Engine, title: string, steps: unknown[]) {
  const project = await engine.openProject(makeRepo());
  return engine.createTask({ projectId: project.id, title, prompt: 'the first prompt', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
}

async function screenShows(engine: Engine, session: string, text: string): Promise<void> {
  const ptyd = await connectPtyd(engine.dataDir);
  await waitFor(async () => (await ptyd.text(session)).lines.some((l) => l.includes(text)), `the screen to show "${text}"`);
}

describe('feedback to a running agent', () => {
  it('is typed into its terminal, submitted, and seen taken; the agent receives it', async () => {
    const engine = await startEngine();
    const task = await startTask(engine, 'Waits for a line', [
      { ask: 'Which color should the button be? ' },
      { print: 'got: {answer}' },
      { write: { path: 'answer.txt', content: '{answer}' } },
      { hang: true },
    ]);
    await screenShows(engine, task.sessionId!, 'Which color');

    const result = await engine.handlers()['tasks.feedback']({ taskId: task.id, message: 'Make it blue, like the header' });
    expect(result.delivery).toBe('typed-confirmed');
    expect(result.task.state).toBe('running');
    expect(result.task.flags.deliveryUnconfirmed).toBe(false);
    // The agent really got the line, exactly.
    const answer = path.join(task.worktreePath!, 'answer.txt');
    // Read once it has content: the file exists a moment before it is written.
    expect(await waitFor(() => fs.readFileSync(answer, 'utf8'), 'the agent to write the answer')).toBe('Make it blue, like the header');

    const history = await engine.handlers()['tasks.messages']({ taskId: task.id });
    expect(history.map((m) => [m.kind, m.text])).toEqual([['feedback', 'Make it blue, like the header']]);
    expect(engine.store.events(task.id).at(-1)).toMatchObject({ fromState: 'running', toState: 'running', reason: 'feedback typed into the agent, and taken' });
  });

  it('is flagged when the agent is not seen to take it', async () => {
    const engine = await startEngine();
    const events: EngineEvent[] = [];
    engine.on('event', (e) => events.push(e));
    // It never reads its input and prints nothing more: only the terminal echoes what is typed.
    const task = await startTask(engine, 'Ignores input', [{ print: 'busy with something else' }, { hang: true }]);
    await screenShows(engine, task.sessionId!, 'busy with something else');

    const result = await engine.handlers()['tasks.feedback']({ taskId: task.id, message: 'are you there?' });
    expect(result.delivery).toBe('typed-unconfirmed');
    expect(result.task.state).toBe('running');
    expect(result.task.flags.deliveryUnconfirmed).toBe(true);
    expect(engine.store.task(task.id).flags.deliveryUnconfirmed).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'attention', taskId: task.id, reason: 'delivery-unconfirmed' }));
    // Kept all the same: the user can see what was sent.
    expect(engine.store.messages(task.id).map((m) => m.text)).toEqual(['are you there?']);
    expect(engine.store.events(task.id).at(-1)?.reason).toBe('feedback typed into the agent, but not seen taken');

    // The user has seen it and dismisses it.
    const dismissed = await engine.handlers()['tasks.dismissFlag']({ taskId: task.id, flag: 'deliveryUnconfirmed' });
    expect(dismissed.flags.deliveryUnconfirmed).toBe(false);
  });

  it('is refused for a task whose agent never started', async () => {
    const engine = await startEngine();
    const project = await engine.openProject(makeRepo());
    const task = await engine.createTask({ projectId: project.id, title: 'Queued', prompt: 'p', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: false });
    await expectError(engine.handlers()['tasks.feedback']({ taskId: task.id, message: 'hi' }), 'bad-state');
    expect(engine.store.messages(task.id)).toEqual([]);
  });
});

describe('feedback to an exited agent', () => {
  it('restarts it in the same worktree with the feedback as its prompt, resuming', async () => {
    const engine = await startEngine();
    const task = await startTask(engine, 'Sent back', [
      { print: 'first run: {prompt}', if: { run: 1 } },
      { steps: [{ print: 'run {run} got feedback: {prompt}' }, { write: { path: 'feedback.txt', content: '{prompt}' } }], if: { minRun: 2 } },
    ]);
    const reviewed = await waitForState(engine, task.id, 'review');
    const launches = vi.mocked(buildLaunch);
    launches.mockClear();

    const result = await engine.handlers()['tasks.feedback']({ taskId: task.id, message: 'Also handle "empty" input; add a test' });
    expect(result.delivery).toBe('restarted');
    expect(result.task.state).toBe('running');
    expect(result.task.worktreePath).toBe(reviewed.worktreePath);
    expect(result.task.sessionId).not.toBe(reviewed.sessionId);
    // The feedback is this run's prompt, and the agent was asked to resume its session.
    expect(launches).toHaveBeenLastCalledWith(task.agent, 'Also handle "empty" input; add a test', reviewed.worktreePath, expect.any(Object), expect.objectContaining({ resume: true }));

    await waitForState(engine, task.id, 'review');
    expect(fs.readFileSync(path.join(reviewed.worktreePath!, 'feedback.txt'), 'utf8')).toBe('Also handle "empty" input; add a test');
    // The task keeps its own prompt; the feedback is in its history.
    expect(engine.store.task(task.id).prompt).toBe('the first prompt');
    expect(engine.store.messages(task.id).map((m) => [m.kind, m.text])).toEqual([['feedback', 'Also handle "empty" input; add a test']]);
    expect(engine.store.events(task.id).map((e) => [e.toState, e.reason]).slice(-2)).toEqual([
      ['running', 'sent back with feedback'],
      ['review', 'the agent exited with code 0'],
    ]);
    expect(engine.store.runs(task.id)).toHaveLength(2);
  });
});

describe('delivery checks on screens', () => {
  const box = (content: string): string[] => ['● Done.', '', '╭────────────────────────────╮', `│ > ${content.padEnd(25)}│`, '╰────────────────────────────╯', '  ? for shortcuts'];

  it('sees text still waiting in a TUI input box, wherever the cursor is parked', () => {
    expect(sitsUnsubmitted({ lines: box('fix the tests'), cursorRow: 5 }, 'fix the tests')).toBe(true);
    expect(sitsUnsubmitted({ lines: box(''), cursorRow: 5 }, 'fix the tests')).toBe(false);
  });

  it('sees text still waiting on the cursor’s row of a plain prompt', () => {
    expect(sitsUnsubmitted({ lines: ['Proceed? yes please', ''], cursorRow: 0 }, 'yes please')).toBe(true);
    // Submitted: the echo stays in the scrollback, the cursor has moved on.
    expect(sitsUnsubmitted({ lines: ['Proceed? yes please', 'ok: yes please', ''], cursorRow: 2 }, 'yes please')).toBe(false);
  });

  it('needs a reaction beyond the terminal’s own echo of Enter', () => {
    const after = { lines: ['Proceed? yes', ''], cursorRow: 1 };
    expect(looksTaken({ ...after, seq: 102 }, 100, 'yes')).toBe(false);
    expect(looksTaken({ ...after, seq: 140 }, 100, 'yes')).toBe(true);
    expect(looksTaken({ lines: box('yes'), cursorRow: 5, seq: 400 }, 100, 'yes')).toBe(false);
  });

  it('frames multi-line text as a bracketed paste only where the program asked for it', () => {
    expect(inputKeys('one line', true)).toBe('one line');
    expect(inputKeys('first\r\nsecond', true)).toBe('\x1b[200~first\nsecond\x1b[201~');
    expect(inputKeys('first\nsecond', false)).toBe('first\nsecond');
  });
});
