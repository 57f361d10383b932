/**
 * Supervision of running agents, with real PTYs and the scripted agent: stuck detection (no
 * output and no file changes) and each policy, the over-budget stop, and retries by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttentionReason, EngineEvent } from '../src/shared/contract';
import type { TaskChecks } from '../src/shared/checks';
import type { Engine } from '../src/engine/engine';
import type { Task } from '../src/shared/task';
import { NUDGE_MESSAGE } from '../src/engine/supervision/watchdog';
import { callApi, connectPtyd, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

interface Setup {
  engine: Engine;
  task: Task;
  attention: { reason: AttentionReason; taskId: string }[];
}

async function setup(steps: unknown[], checks: TaskChecks, settings: Record<string, unknown> = {}): Promise<Setup> {
  const repo = makeRepo();
  // Quick ticks; "needs input" out of the way unless a test wants it.
  const engine = await startEngine({ supervision: { watchdogIntervalMs: 150 } });
  await engine.updateSettings({ needsInputQuietMs: 600_000, ...settings });
  const attention: Setup['attention'] = [];
  engine.on('event', (e: EngineEvent) => {
    if (e.type === 'attention') attention.push({ reason: e.reason, taskId: e.taskId });
  });
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title: 'Watched', prompt: 'work', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true, checks });
  return { engine, task, attention };
}

const notes = (engine: Engine, taskId: string): string[] => engine.store.events(taskId).map((e) => e.reason);

describe('stuck agents', () => {
  it('are flagged and notified (policy notify), and unflagged when their files change', async () => {
    const { engine, task, attention } = await setup([{ print: 'thinking' }, { hang: true }], { stuckAfterSec: 1, stuckPolicy: 'notify' });
    const stuck = await waitFor(() => (engine.store.task(task.id).flags.stuck ? engine.store.task(task.id) : null), 'the stuck flag');
    expect(stuck.state).toBe('running');
    expect(attention).toContainEqual({ reason: 'stuck', taskId: task.id });
    expect(notes(engine, task.id).some((n) => n.startsWith('supervision: stuck') && n.includes('policy notify'))).toBe(true);
    // A file changing in the worktree is work: no longer stuck.
    fs.writeFileSync(path.join(stuck.worktreePath!, 'progress.txt'), 'moving\n');
    await waitFor(() => !engine.store.task(task.id).flags.stuck, 'the flag to clear');
    expect(notes(engine, task.id)).toContain('supervision: files changed; no longer stuck');
  });

  it('an agent that prints nothing but keeps changing files is not stuck', async () => {
    const appends = Array.from({ length: 8 }, (_, i) => [{ append: { path: 'work.txt', content: `step ${i}\n` } }, { sleep: 350 }]).flat();
    const { engine, task } = await setup([{ print: 'starting' }, ...appends, { write: { path: 'finished.txt', content: 'yes\n' } }, { hang: true }], { stuckAfterSec: 1 });
    await waitFor(() => engine.store.task(task.id).flags.stuck, 'the flag once the agent stops working', 30_000);
    const finished = fs.statSync(path.join(task.worktreePath ?? engine.store.task(task.id).worktreePath!, 'finished.txt')).mtimeMs;
    const firstStuck = engine.store.events(task.id).find((e) => e.reason.startsWith('supervision: stuck'))!;
    // Never while it was writing: the first flag came after its last write.
    expect(firstStuck.at).toBeGreaterThan(finished);
  });

  it('policy nudge types a nudge into the agent', async () => {
    const { engine, task } = await setup([{ ask: 'Working on it' }, { print: 'got: {answer}' }, { hang: true }], { stuckAfterSec: 1, stuckPolicy: 'nudge' });
    await waitFor(() => notes(engine, task.id).includes('supervision: nudged the agent (stuck)'), 'the nudge');
    const ptyd = await connectPtyd(engine.dataDir);
    const t = engine.store.task(task.id);
    await waitFor(async () => (await ptyd.text(t.sessionId!)).lines.join('\n').includes('got: Switchyard: you have printed nothing'), 'the agent to take the nudge');
    expect(NUDGE_MESSAGE).toContain('you have printed nothing');
  });

  it('policy restart resumes the agent, up to the retry limit, then leaves it to the user', async () => {
    const { engine, task } = await setup([{ print: 'run {run}' }, { hang: true }], { stuckAfterSec: 1, stuckPolicy: 'restart' }, { autoRetryLimit: 1 });
    await waitFor(() => engine.store.runs(task.id).length === 2 && engine.store.task(task.id).state === 'running', 'the restart');
    expect(engine.store.task(task.id).gate.autoRetries).toBe(1);
    expect(notes(engine, task.id).some((n) => n.startsWith('restarted by supervision (stuck; retry 1 of 1)'))).toBe(true);
    await waitFor(() => notes(engine, task.id).some((n) => n.includes('the retry limit of 1 is reached')), 'the limit');
    const t = engine.store.task(task.id);
    expect(t.state).toBe('running');
    expect(t.flags.stuck).toBe(true);
    expect(engine.store.runs(task.id)).toHaveLength(2);
  });

  it('policy stop stops it, as failed, saying why', async () => {
    const { engine, task } = await setup([{ hang: true }], { stuckAfterSec: 1, stuckPolicy: 'stop' });
    const failed = await waitForState(engine, task.id, 'failed');
    expect(failed.stateReason).toBe('stopped by supervision: stuck');
  });
});

describe('over budget', () => {
  it('an agent past its wall-clock budget is flagged, notified and stopped', async () => {
    const busy = { run: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'] };
    const { engine, task, attention } = await setup([busy], { budgetSec: 1, budgetPolicy: 'stop', stuckAfterSec: null });
    const failed = await waitForState(engine, task.id, 'failed');
    expect(failed.stateReason).toBe('stopped by supervision: over budget');
    expect(failed.flags.overBudget).toBe(true);
    expect(attention).toContainEqual({ reason: 'over-budget', taskId: task.id });
    expect(failed.flags.stuck).toBe(false);
  });
});

describe('retry by hand', () => {
  it('in the same worktree with another agent, or from a fresh worktree as a new attempt', async () => {
    const { engine, task } = await setup([{ write: { path: 'a.txt', content: 'first\n' } }, { exit: 3 }], {});
    const failed = await waitForState(engine, task.id, 'failed');
    // A running task that is not stuck is not retried.
    const other = { profile: 'custom' as const, command: scriptedAgent([{ print: 'second agent' }, { exit: 0 }]) };
    const same = await callApi<Task>(engine, 'tasks.retry', { taskId: task.id, fresh: false, agent: other });
    expect(same.id).toBe(task.id);
    expect(same.worktreePath).toBe(failed.worktreePath);
    expect(same.agent).toEqual(other);
    await waitForState(engine, task.id, 'review');
    expect(fs.readFileSync(path.join(failed.worktreePath!, 'a.txt'), 'utf8')).toBe('first\n');

    const fresh = await callApi<Task>(engine, 'tasks.retry', { taskId: task.id, fresh: true });
    expect(fresh.id).not.toBe(task.id);
    expect(fresh.worktreePath).not.toBe(failed.worktreePath);
    expect(fs.existsSync(path.join(fresh.worktreePath!, 'a.txt'))).toBe(false);
    expect(fresh.attemptGroup).toBe(engine.store.task(task.id).attemptGroup);
    expect([engine.store.task(task.id).attemptIndex, fresh.attemptIndex]).toEqual([1, 2]);
    await waitForState(engine, fresh.id, 'review');
  });

  it('a stuck running task is stopped and started again', async () => {
    const { engine, task } = await setup([{ print: 'run {run}' }, { hang: true }], { stuckAfterSec: 1, stuckPolicy: 'notify' });
    await waitFor(() => engine.store.task(task.id).flags.stuck, 'the stuck flag');
    const first = engine.store.task(task.id).sessionId;
    const retried = await callApi<Task>(engine, 'tasks.retry', { taskId: task.id, fresh: false });
    expect(retried.state).toBe('running');
    expect(retried.sessionId).not.toBe(first);
    expect(retried.flags.stuck).toBe(false);
    expect(engine.store.runs(task.id)).toHaveLength(2);
  });

  it('refuses a running task that is not stuck', async () => {
    const { engine, task } = await setup([{ hang: true }], { stuckAfterSec: null });
    await waitForState(engine, task.id, 'running');
    await expect(callApi(engine, 'tasks.retry', { taskId: task.id, fresh: false })).rejects.toMatchObject({ code: 'bad-state' });
  });
});
