/**
 * The verify gate, the fix loop and the reviewer agent, with real git, a real ptyd and the
 * scripted agent: verify pass and fail, a fix converging and one running out, a timeout, a
 * reviewer asking for changes then approving, and malformed reviewer output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EffectiveChecks, ReviewerRun, TaskChecks, TimelineEntry, VerifyRun } from '../src/shared/checks';
import type { Engine } from '../src/engine/engine';
import type { Task } from '../src/shared/task';
import { callApi, connectPtyd, git, makeRepo, processAlive, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

/** Passes when status.txt says "pass"; prints what it found either way. */
const CHECK = `const fs = require('fs');
const s = fs.existsSync('status.txt') ? fs.readFileSync('status.txt', 'utf8').trim() : 'missing';
console.log('check: status is ' + s);
if (s !== 'pass') { console.log('FAILED: expected pass'); process.exit(1); }
console.log('all checks passed');`;

function repoWithCheck(): string {
  return makeRepo({ 'README.md': '# demo\n', 'check.js': CHECK });
}

async function setup(steps: unknown[], checks: TaskChecks, title = 'Gate task'): Promise<{ engine: Engine; task: Task; repo: string }> {
  const repo = repoWithCheck();
  const engine = await startEngine();
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title, prompt: 'make the check pass', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true, checks });
  return { engine, task, repo };
}

const verifyRuns = (engine: Engine, taskId: string): Promise<VerifyRun[]> => callApi<VerifyRun[]>(engine, 'tasks.verifyRuns', { taskId });
const reviewerRuns = (engine: Engine, taskId: string): Promise<ReviewerRun[]> => callApi<ReviewerRun[]>(engine, 'tasks.reviewerRuns', { taskId });
const VERIFY = `${JSON.stringify(process.execPath)} check.js`;

describe('the verify gate', () => {
  it('commits uncommitted work first, verifies exactly that, and passes to Review green', async () => {
    const { engine, task } = await setup([{ write: { path: 'status.txt', content: 'pass\n' } }, { exit: 0 }], { verifyCommand: VERIFY });
    const done = await waitForState(engine, task.id, 'review');
    expect(done.gate.verify).toBe('passed');
    expect(done.gate.escalated).toBeNull();
    const [run] = await verifyRuns(engine, task.id);
    expect(run!.status).toBe('passed');
    expect(run!.exitCode).toBe(0);
    expect(run!.trigger).toBe('exit');
    expect(run!.endedAt! >= run!.startedAt).toBe(true);
    expect(run!.tail).toContain('all checks passed');
    // The agent left status.txt uncommitted: it was committed as "agent work", and that is what ran.
    const wt = done.worktreePath!;
    expect(run!.agentWorkCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(run!.commit).toBe(run!.agentWorkCommit);
    expect(git(wt, 'log', '-1', '--format=%s')).toBe('agent work: Gate task');
    expect(git(wt, 'status', '--porcelain')).toBe('');
    const log = await callApi<{ log: string }>(engine, 'tasks.verifyLog', { taskId: task.id, runId: run!.id });
    expect(log.log).toContain('check: status is pass');
    // Its own terminal, kept after it ended.
    const terms = await callApi<{ kind: string; sessionId: string }[]>(engine, 'tasks.terminals', { taskId: task.id });
    expect(terms.some((t) => t.kind === 'verify' && t.sessionId === run!.sessionId)).toBe(true);
  });

  it('a failing verify with no fix rounds goes to Review marked "verify failed", never merged', async () => {
    const { engine, task } = await setup([{ write: { path: 'status.txt', content: 'broken\n' } }, { exit: 0 }], { verifyCommand: VERIFY, maxFixIterations: 0 });
    const done = await waitForState(engine, task.id, 'review');
    expect(done.gate).toMatchObject({ verify: 'failed', escalated: 'verify-failed', fixIterations: 0 });
    expect(done.stateReason).toContain('verify still failed');
    const [run] = await verifyRuns(engine, task.id);
    expect(run!.exitCode).toBe(1);
    expect(run!.tail).toContain('FAILED: expected pass');
    expect((await engine.store.runs(task.id)).length).toBe(1);
  });

  it('the fix loop: a failure goes back to the agent with the command and its output, and the second try passes', async () => {
    const steps = [
      { argv: 'argv.json' },
      { if: { notPrompt: 'verify command' }, write: { path: 'status.txt', content: 'broken\n' } },
      { if: { prompt: 'verify command' }, write: { path: 'status.txt', content: 'pass\n' } },
      { exit: 0 },
    ];
    const { engine, task } = await setup(steps, { verifyCommand: VERIFY, maxFixIterations: 2 });
    const done = await waitFor(async () => {
      const t = engine.store.task(task.id);
      return t.state === 'review' ? t : null;
    }, 'the task to reach review after a fix', 40_000);
    expect(done.gate).toMatchObject({ verify: 'passed', fixIterations: 1, escalated: null });
    const runs = await verifyRuns(engine, task.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'passed'],
    ]);
    // The second agent run got the failing command and the tail of its output.
    const argv = JSON.parse(fs.readFileSync(path.join(done.worktreePath!, 'argv.json'), 'utf8')) as string[];
    const prompt = argv[argv.length - 1]!;
    expect(prompt).toContain(`\`${VERIFY}\``);
    expect(prompt).toContain('exit code 1');
    expect(prompt).toContain('FAILED: expected pass');
    expect(engine.store.runs(task.id)).toHaveLength(2);
    // The timeline has both verify attempts and both runs, each with a duration.
    const timeline = await callApi<TimelineEntry[]>(engine, 'tasks.timeline', { taskId: task.id });
    const titles = timeline.map((e) => e.title);
    expect(titles).toEqual(expect.arrayContaining(['Verify 1 failed (exit 1)', 'Verify 2 passed', 'Agent run 1', 'Agent run 2', 'Verifying', 'In review']));
    for (const e of timeline.filter((x) => x.kind === 'verify' || x.kind === 'run')) expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('the fix loop runs out: Review, marked, with every attempt’s log', async () => {
    const { engine, task } = await setup([{ write: { path: 'status.txt', content: 'still broken {run}\n' } }, { exit: 0 }], { verifyCommand: VERIFY, maxFixIterations: 2 });
    const done = await waitForState(engine, task.id, 'review', 60_000);
    expect(done.gate).toMatchObject({ verify: 'failed', escalated: 'verify-failed', fixIterations: 2 });
    const runs = await verifyRuns(engine, task.id);
    expect(runs.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    for (const [i, r] of runs.entries()) {
      const { log } = await callApi<{ log: string }>(engine, 'tasks.verifyLog', { taskId: task.id, runId: r.id });
      expect(log).toContain(`still broken ${i + 1}`);
    }
    expect(engine.store.runs(task.id)).toHaveLength(3);
    // It stays there: nothing retries it again.
    await new Promise((r) => setTimeout(r, 500));
    expect(engine.store.task(task.id).state).toBe('review');
  });

  it('a verify that runs past its timeout is stopped with everything it started, and counts as a failure', async () => {
    const pidFile = path.join(tempDir('sy-pid-'), 'sleep.pid');
    const slow = `${JSON.stringify(process.execPath)} -e "const c = require('child_process').spawn('sleep', ['300'], {stdio: 'ignore'}); require('fs').writeFileSync(process.argv[1], String(c.pid)); console.log('waiting forever'); setInterval(() => {}, 1000)" ${pidFile}`;
    const { engine, task } = await setup([{ exit: 0 }], { verifyCommand: slow, verifyTimeoutSec: 1, maxFixIterations: 0 });
    const done = await waitForState(engine, task.id, 'review', 30_000);
    expect(done.gate).toMatchObject({ verify: 'timeout', escalated: 'verify-failed' });
    const [run] = await verifyRuns(engine, task.id);
    expect(run!.status).toBe('timeout');
    expect(run!.error).toContain('timed out after 1s');
    const ptyd = await connectPtyd(engine.dataDir);
    const s = (await ptyd.list()).find((x) => x.session === run!.sessionId);
    expect(s?.alive).toBe(false);
    // What the verify started went with it.
    await waitFor(() => !processAlive(Number(fs.readFileSync(pidFile, 'utf8'))), 'the verify’s child to be gone');
  });

  it('a verify command that does not exist is a failed verify that says so', async () => {
    const { engine, task } = await setup([{ exit: 0 }], { verifyCommand: 'no-such-verify-tool --all', maxFixIterations: 0 });
    const done = await waitForState(engine, task.id, 'review');
    expect(done.gate.verify).toBe('error');
    const [run] = await verifyRuns(engine, task.id);
    expect(run!.error).toContain('"no-such-verify-tool" was not found on PATH');
  });

  it('verify runs when a live agent reports done, and on demand', async () => {
    const { engine, task } = await setup(
      [{ write: { path: 'status.txt', content: 'pass\n' } }, { run: ['switchyard', 'notify', 'done'] }, { hang: true }],
      { verifyCommand: VERIFY },
    );
    const reviewed = await waitForState(engine, task.id, 'review');
    expect(reviewed.gate.verify).toBe('passed');
    expect((await verifyRuns(engine, task.id))[0]!.trigger).toBe('done');
    // The agent that reported done was stopped, so the checked work cannot change any more.
    const ptyd = await connectPtyd(engine.dataDir);
    await waitFor(async () => (await ptyd.list()).find((s) => s.session === reviewed.sessionId)?.alive === false, 'the agent to be stopped');
    await waitFor(() => engine.store.runs(task.id).every((r) => r.endedAt !== null), 'its run to be recorded as ended');

    // On demand, from Review: it reports, and never sends the agent back.
    fs.writeFileSync(path.join(reviewed.worktreePath!, 'status.txt'), 'broken by hand\n');
    const t = await callApi<Task>(engine, 'tasks.verify', { taskId: task.id });
    expect(t.state).toBe('verifying');
    const after = await waitForState(engine, task.id, 'review');
    expect(after.gate.verify).toBe('failed');
    const runs = await verifyRuns(engine, task.id);
    expect(runs[1]).toMatchObject({ trigger: 'manual', status: 'failed' });
    // The hand edit was committed before verifying, so the record says what was checked.
    expect(runs[1]!.agentWorkCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a fix round types the failure into an agent that is still up, and it reports done again', async () => {
    const steps = [
      { write: { path: 'status.txt', content: 'broken\n' } },
      { run: ['switchyard', 'notify', 'done'] },
      { askMany: '', quietMs: 600 },
      { if: { answer: 'verify command' }, write: { path: 'status.txt', content: 'pass\n' } },
      { run: ['switchyard', 'notify', 'done'] },
      { hang: true },
    ];
    const { engine, task } = await setup(steps, { verifyCommand: VERIFY, maxFixIterations: 1 });
    const done = await waitFor(async () => {
      const t = engine.store.task(task.id);
      return t.state === 'review' ? t : null;
    }, 'review after a fix typed into the live agent', 40_000);
    expect(done.gate).toMatchObject({ verify: 'passed', fixIterations: 1 });
    expect((await verifyRuns(engine, task.id)).map((r) => [r.trigger, r.status])).toEqual([
      ['done', 'failed'],
      ['done', 'passed'],
    ]);
    // One agent run throughout: the fix went into the same session.
    expect(engine.store.runs(task.id)).toHaveLength(1);
  });

  it('a stop pressed the moment verify begins stops it, whatever step it is at', async () => {
    const slow = `${JSON.stringify(process.execPath)} -e "setInterval(() => {}, 1000)"`;
    const { engine, task } = await setup([{ write: { path: 'status.txt', content: 'pass\n' } }, { exit: 0 }], { verifyCommand: slow });
    await waitForState(engine, task.id, 'verifying');
    await engine.stopTask(task.id);
    const stopped = await waitForState(engine, task.id, 'cancelled', 15_000);
    expect(stopped.stateReason).toContain('stopped by the user');
    const ptyd = await connectPtyd(engine.dataDir);
    const sessions = (await verifyRuns(engine, task.id)).map((r) => r.sessionId).filter(Boolean);
    for (const s of sessions) await waitFor(async () => (await ptyd.list()).find((x) => x.session === s)?.alive !== true, 'no verify left running');
  });

  it('stopping a task while it verifies stops the verify and cancels the task', async () => {
    const slow = `${JSON.stringify(process.execPath)} -e "setInterval(() => {}, 1000)"`;
    const { engine, task } = await setup([{ exit: 0 }], { verifyCommand: slow });
    await waitForState(engine, task.id, 'verifying');
    const run = await waitFor(async () => (await verifyRuns(engine, task.id))[0]?.sessionId, 'the verify session');
    await engine.stopTask(task.id);
    const stopped = await waitForState(engine, task.id, 'cancelled');
    expect(stopped.stateReason).toContain('stopped by the user');
    const ptyd = await connectPtyd(engine.dataDir);
    await waitFor(async () => (await ptyd.list()).find((s) => s.session === run)?.alive === false, 'the verify session to end');
  });

  it('an engine restart during verify stops the lost run and verifies again', async () => {
    const repo = repoWithCheck();
    const dataDir = tempDir('sy-data-');
    const first = await startEngine({ dataDir });
    const project = await first.openProject(repo);
    // Slow the first time only (marker file outside the worktree), then the real check.
    const marker = path.join(tempDir('sy-marker-'), 'slow-once');
    const verifyCommand = `${JSON.stringify(process.execPath)} -e "const fs=require('fs');if(!fs.existsSync(process.argv[1])){fs.writeFileSync(process.argv[1],'x');console.log('slow first run');setInterval(()=>{},1000)}else{require('./check.js')}" ${marker}`;
    const agent = { profile: 'custom' as const, command: scriptedAgent([{ write: { path: 'status.txt', content: 'pass\n' } }, { exit: 0 }]) };
    const task = await first.createTask({ projectId: project.id, title: 'Restarted', prompt: '', agent, startNow: true, checks: { verifyCommand } });
    const lost = await waitFor(async () => (await verifyRuns(first, task.id))[0]?.sessionId, 'the first verify');
    await waitFor(() => fs.existsSync(marker), 'the first verify to be under way');
    await first.close();
    const second = await startEngine({ dataDir });
    const done = await waitForState(second, task.id, 'review');
    expect(done.gate.verify).toBe('passed');
    const runs = await verifyRuns(second, task.id);
    expect(runs.map((r) => r.status)).toEqual(['error', 'passed']);
    expect(runs[0]!.error).toContain('the engine stopped');
    const lostLog = await callApi<{ log: string }>(second, 'tasks.verifyLog', { taskId: task.id, runId: runs[0]!.id });
    expect(lostLog.log).toContain('slow first run');
    const ptyd = await connectPtyd(dataDir);
    await waitFor(async () => (await ptyd.list()).find((s) => s.session === lost)?.alive === false, 'the lost verify to be stopped');
  });

  it('takes the verify command from a trusted repository config, and skips it (saying so) when untrusted', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', 'check.js': CHECK, '.switchyard/config.yaml': `verify:\n  command: ${process.execPath} check.js\n  max_fix_iterations: 0\n` });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const agent = { profile: 'custom' as const, command: scriptedAgent([{ write: { path: 'status.txt', content: 'pass\n' } }, { exit: 0 }]) };
    const untrusted = await engine.createTask({ projectId: project.id, title: 'Untrusted', prompt: '', agent, startNow: true });
    const u = await waitForState(engine, untrusted.id, 'review');
    expect(u.gate.verify).toBeNull();
    expect(engine.store.events(u.id).some((e) => e.reason.includes('not trusted'))).toBe(true);

    const view = await callApi<{ hash: string; hasCommands: boolean }>(engine, 'projects.config', { projectId: project.id });
    expect(view.hasCommands).toBe(true);
    await callApi(engine, 'projects.trustConfig', { projectId: project.id, hash: view.hash });
    const trusted = await engine.createTask({ projectId: project.id, title: 'Trusted', prompt: '', agent, startNow: true });
    const t = await waitForState(engine, trusted.id, 'review');
    expect(t.gate.verify).toBe('passed');
    const checks = await callApi<EffectiveChecks>(engine, 'tasks.checks', { taskId: trusted.id });
    expect(checks.verify?.source).toBe('repository');
    expect(checks.maxFixIterations).toBe(0);
    expect(checks.sources).toMatchObject({ maxFixIterations: 'repository', verifyTimeoutSec: 'default', stuck: 'default' });
    // Attempts carry their checks from creation.
    const attempts = await callApi<Task[]>(engine, 'tasks.createAttempts', { projectId: project.id, title: 'Two ways', prompt: '', agents: [agent, agent], startNow: false, checks: { maxFixIterations: 1 } });
    expect(attempts.map((a) => a.checks)).toEqual([{ maxFixIterations: 1 }, { maxFixIterations: 1 }]);
    // The task's own setting wins over the repository's.
    await callApi(engine, 'tasks.update', { taskId: trusted.id, checks: { verifyCommand: null } });
    expect((await callApi<{ verify: unknown }>(engine, 'tasks.checks', { taskId: trusted.id })).verify).toBeNull();
  });
});

describe('the reviewer agent', () => {
  /** Requests changes while the diff still holds a TODO; approves once it is gone. */
  const reviewer = (): { profile: 'custom'; command: string } => ({
    profile: 'custom',
    command: scriptedAgent([
      { print: 'reviewing…' },
      {
        if: { prompt: 'TODO write' },
        print: JSON.stringify({ verdict: 'request_changes', summary: 'A TODO is left in.', comments: [{ file: 'notes.txt', line: 1, body: 'finish this instead of leaving a TODO' }] }),
      },
      { if: { notPrompt: 'TODO write' }, print: JSON.stringify({ verdict: 'approve', summary: 'Looks right.' }) },
      { exit: 0 },
    ]),
  });

  it('requests changes, the comments go back to the implementer, then it approves', async () => {
    const steps = [
      { argv: 'argv.json' },
      { if: { notPrompt: 'requests changes' }, write: { path: 'notes.txt', content: 'TODO write the notes\n' } },
      { if: { prompt: 'requests changes' }, write: { path: 'notes.txt', content: 'the notes, written\n' } },
      { write: { path: 'status.txt', content: 'pass\n' } },
      { exit: 0 },
    ];
    const { engine, task } = await setup(steps, { verifyCommand: VERIFY, reviewer: reviewer(), acceptanceCriteria: 'the notes are written' });
    const done = await waitFor(async () => {
      const t = engine.store.task(task.id);
      return t.state === 'review' ? t : null;
    }, 'review after the reviewer approved', 60_000);
    expect(done.gate).toMatchObject({ verify: 'passed', review: 'approved', fixIterations: 1, escalated: null });
    const reviews = await reviewerRuns(engine, task.id);
    expect(reviews.map((r) => r.status)).toEqual(['changes-requested', 'approved']);
    expect(reviews[0]!.verdict).toMatchObject({ verdict: 'request_changes', comments: [{ file: 'notes.txt', line: 1 }] });
    expect(reviews[0]!.output).toContain('reviewing…');
    // The implementer got the comments as review feedback, file:line and all.
    const argv = JSON.parse(fs.readFileSync(path.join(done.worktreePath!, 'argv.json'), 'utf8')) as string[];
    expect(argv[argv.length - 1]).toContain('notes.txt:1 — finish this instead of leaving a TODO');
  });

  it('a reviewer still asking for changes when the rounds run out sends the task to Review, marked', async () => {
    const picky = { profile: 'custom' as const, command: scriptedAgent([{ print: JSON.stringify({ verdict: 'request_changes', comments: [{ file: 'status.txt', line: 1, body: 'not yet' }] }) }, { exit: 0 }]) };
    const { engine, task } = await setup([{ write: { path: 'status.txt', content: 'pass\n' } }, { exit: 0 }], { verifyCommand: VERIFY, reviewer: picky, maxFixIterations: 1 });
    const done = await waitForState(engine, task.id, 'review', 40_000);
    expect(done.gate).toMatchObject({ review: 'changes-requested', escalated: 'changes-requested', fixIterations: 1 });
    expect((await reviewerRuns(engine, task.id)).map((r) => r.status)).toEqual(['changes-requested', 'changes-requested']);
  });

  it('reviews exactly what would merge, in a session without the implementer’s voice', async () => {
    // No verify: the reviewer alone. The agent leaves its file uncommitted.
    const reviewer = {
      profile: 'custom' as const,
      command: scriptedAgent([
        { run: ['sh', '-c', 'echo "token=${SWITCHYARD_NOTIFY_TOKEN:-none}"'] },
        { if: { prompt: 'new\\.txt' }, print: JSON.stringify({ verdict: 'approve', summary: 'saw new.txt' }) },
        { if: { notPrompt: 'new\\.txt' }, print: JSON.stringify({ verdict: 'request_changes', comments: [{ file: '-', line: 1, body: 'empty diff' }] }) },
        { exit: 0 },
      ]),
    };
    const { engine, task } = await setup([{ write: { path: 'new.txt', content: 'fresh\n' } }, { exit: 0 }], { reviewer, maxFixIterations: 0 });
    const done = await waitForState(engine, task.id, 'review');
    expect(done.gate.review).toBe('approved');
    expect(git(done.worktreePath!, 'status', '--porcelain')).toBe('');
    expect(git(done.worktreePath!, 'log', '-1', '--format=%s')).toBe('agent work: Gate task');
    const [r] = await reviewerRuns(engine, task.id);
    // It cannot report as the task: no notify token in its environment.
    expect(r!.output).toContain('token=none');
    expect(engine.store.runs(task.id).some((run) => run.sessionId === r!.sessionId)).toBe(false);
  });

  it('malformed output is a failed review, with the parse error, never an approval', async () => {
    const garbage = { profile: 'custom' as const, command: scriptedAgent([{ print: 'LGTM, ship it!' }, { exit: 0 }]) };
    const { engine, task } = await setup([{ write: { path: 'status.txt', content: 'pass\n' } }, { exit: 0 }], { verifyCommand: VERIFY, reviewer: garbage });
    const done = await waitForState(engine, task.id, 'review');
    expect(done.gate).toMatchObject({ verify: 'passed', review: 'invalid', escalated: 'review-invalid' });
    const [r] = await reviewerRuns(engine, task.id);
    expect(r!.status).toBe('invalid');
    expect(r!.verdict).toBeNull();
    expect(r!.error).toContain('no JSON object with a "verdict" key');
    expect(done.stateReason).toContain('the review failed');

    // Valid JSON that breaks the schema is no better.
    const wrong = { profile: 'custom' as const, command: scriptedAgent([{ print: JSON.stringify({ verdict: 'request_changes', comments: [] }) }, { exit: 0 }]) };
    await callApi(engine, 'tasks.update', { taskId: task.id, checks: { verifyCommand: VERIFY, reviewer: wrong } });
    await callApi(engine, 'tasks.verify', { taskId: task.id });
    await waitFor(async () => (await reviewerRuns(engine, task.id)).length === 2 && engine.store.task(task.id).state === 'review', 'the second review');
    const second = (await reviewerRuns(engine, task.id))[1]!;
    expect(second.status).toBe('invalid');
    expect(second.error).toContain('request_changes needs at least one comment');
    expect(engine.store.task(task.id).gate.review).toBe('invalid');

    // A reviewer that edits the work is not a reviewer: its approval does not count.
    const meddler = { profile: 'custom' as const, command: scriptedAgent([{ write: { path: 'check.js', content: 'process.exit(0)\n' } }, { print: JSON.stringify({ verdict: 'approve', summary: 'fine' }) }, { exit: 0 }]) };
    await callApi(engine, 'tasks.update', { taskId: task.id, checks: { verifyCommand: VERIFY, reviewer: meddler } });
    await callApi(engine, 'tasks.verify', { taskId: task.id });
    await waitFor(async () => (await reviewerRuns(engine, task.id)).length === 3 && engine.store.task(task.id).state === 'review', 'the third review');
    const third = (await reviewerRuns(engine, task.id))[2]!;
    expect(third.status).toBe('invalid');
    expect(third.error).toContain('the reviewer changed check.js in the worktree');
    expect(engine.store.task(task.id).gate.escalated).toBe('review-invalid');
  });
});
