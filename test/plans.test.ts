/**
 * Plans on a real repository with scripted agents making real commits: import, the scheduler
 * (caps, scopes, parents), the merge train with a verify on each candidate, the synthesis
 * brief, conflicts, and compare-and-set edits. Orderings are checked from the event log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import type { PlanView } from '../src/shared/contract';
import type { EffectiveChecks } from '../src/shared/checks';
import type { TaskEvent } from '../src/shared/task';
import { ROOT, callApi, git, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor } from './helpers';

afterEach(runCleanups);

/** An agent that writes its own file (or `file`), commits, and exits 0. */
const worker = (key: string, file = `${key}.txt`, content = `work of ${key}\n`) => ({
  profile: 'custom' as const,
  command: scriptedAgent([{ argv: `argv-${key}.json` }, { write: { path: file, content } }, { commit: `task ${key}` }, { exit: 0 }]),
});

interface Interval {
  start: number;
  end: number;
}

/** When each task was running (or verifying), from the event log. */
function liveIntervals(events: TaskEvent[]): Interval[] {
  const out: Interval[] = [];
  let start: number | null = null;
  for (const e of events) {
    if (e.fromState === e.toState) continue;
    const live = e.toState === 'running' || e.toState === 'verifying';
    if (live && start === null) start = e.at;
    if (!live && start !== null) {
      out.push({ start, end: e.at });
      start = null;
    }
  }
  if (start !== null) out.push({ start, end: Number.MAX_SAFE_INTEGER });
  return out;
}
const overlaps = (a: Interval[], b: Interval[]): boolean => a.some((x) => b.some((y) => x.start < y.end && y.start < x.end));
const firstStart = (events: TaskEvent[]): number => events.find((e) => e.toState === 'running')!.at;
const mergedAt = (events: TaskEvent[]): number => events.find((e) => e.toState === 'done')!.at;

async function importPlan(engine: Engine, projectId: string, plan: unknown): Promise<PlanView> {
  return callApi<PlanView>(engine, 'plans.import', { projectId, text: JSON.stringify(plan) });
}

describe('plans', () => {
  it('runs a 12-task plan with diamonds and overlapping scopes, merging everything in order', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', 'check.js': "require('fs').readFileSync('README.md'); console.log('ok')\n" });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const t = (id: string, depends_on: string[], files_scope?: string[]) => ({ id, title: `Task ${id}`, prompt: `do ${id}`, agent: worker(id, files_scope ? `${files_scope[0]!.replace('/**', '')}/${id}.txt` : `${id}.txt`), depends_on, ...(files_scope ? { files_scope } : {}) });
    const tasks = [
      t('a', []),
      t('b', ['a'], ['src/**']),
      t('c', ['a'], ['src/**']),
      t('d', ['b', 'c']),
      t('e', []),
      t('f', ['e'], ['docs/**']),
      t('g', ['e'], ['docs/**']),
      t('h', ['f', 'g', 'd']),
      t('i', [], ['lib/**']),
      t('j', ['i'], ['lib/**']),
      t('k', ['i']),
      t('l', ['j', 'k', 'h']),
    ];
    const { plan } = await importPlan(engine, project.id, { name: 'Twelve tasks', concurrency: 3, verify: `${process.execPath} check.js`, auto_merge: true, tasks });
    expect(plan.integrationBranch).toBe('sy/plan/twelve-tasks');
    expect(plan.status).toBe('draft');
    await callApi(engine, 'plans.start', { planId: plan.id });
    await waitFor(() => engine.plans.get(plan.id).plan.status === 'done', 'the plan to finish', 120_000);

    const view = engine.plans.get(plan.id);
    const byKey = new Map(view.tasks.map((x) => [x.plan!.key, x]));
    const events = new Map(view.tasks.map((x) => [x.plan!.key, engine.store.events(x.id)]));
    expect(view.tasks.every((x) => x.state === 'done')).toBe(true);
    // No child started before all its parents merged.
    for (const spec of tasks) for (const p of spec.depends_on) expect(firstStart(events.get(spec.id)!)).toBeGreaterThanOrEqual(mergedAt(events.get(p)!));
    // No two overlapping tasks ever ran at once.
    for (const [x, y] of [['b', 'c'], ['f', 'g'], ['i', 'j']] as const) expect(overlaps(liveIntervals(events.get(x)!), liveIntervals(events.get(y)!))).toBe(false);
    // The cap was never exceeded.
    const all = [...events.values()].flatMap(liveIntervals);
    for (const at of all.map((x) => x.start)) expect(all.filter((x) => x.start <= at && at < x.end).length).toBeLessThanOrEqual(3);
    // The integration branch holds every task's change; each merge was verified on its candidate.
    const files = git(repo, 'ls-tree', '-r', '--name-only', 'sy/plan/twelve-tasks').split('\n');
    for (const spec of tasks) expect(files.some((f) => f.endsWith(`/${spec.id}.txt`) || f === `${spec.id}.txt`)).toBe(true);
    expect(engine.store.events(byKey.get('a')!.id).some((e) => e.reason.includes("the plan's verify passed on the candidate"))).toBe(true);
    // The plan's verify is the level between the repository's and the task's: each task was verified too.
    const checks = await callApi<EffectiveChecks>(engine, 'tasks.checks', { taskId: byKey.get('a')!.id });
    expect(checks.verify?.source).toBe('plan');
    expect(byKey.get('a')!.gate.verify).toBe('passed');
    // d had two parents: it started with a brief of what each did, from git.
    const argv = JSON.parse(fs.readFileSync(path.join(byKey.get('d')!.worktreePath!, 'argv-d.json'), 'utf8')) as string[];
    const prompt = argv[argv.length - 1]!;
    expect(prompt).toContain('## #b: Task b');
    expect(prompt).toContain('## #c: Task c');
    expect(prompt).toContain('- task b');
    expect(prompt).toMatch(/Files changed: .*src\/b\.txt/);
    expect(prompt).toContain('do d');
    // h had three parents (f, g and d): each is in its brief, in its depends_on order.
    const hArgv = JSON.parse(fs.readFileSync(path.join(byKey.get('h')!.worktreePath!, 'argv-h.json'), 'utf8')) as string[];
    const hPrompt = hArgv[hArgv.length - 1]!;
    expect(hPrompt).toContain('builds on 3 earlier tasks');
    expect(hPrompt.indexOf('## #f: Task f')).toBeLessThan(hPrompt.indexOf('## #g: Task g'));
    expect(hPrompt.indexOf('## #g: Task g')).toBeLessThan(hPrompt.indexOf('## #d: Task d'));
    expect(hPrompt).toMatch(/## #f: Task f\nCommits:\n- task f\nFiles changed: .*docs\/f\.txt/);

    // Finishing: the integration branch merges into the base, under the single-task rules.
    const finished = await callApi<{ merge: { status: string; baseBranch: string } }>(engine, 'plans.finish', { planId: plan.id, how: 'merge' });
    expect(finished.merge).toMatchObject({ status: 'merged', baseBranch: 'main' });
    const onMain = git(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
    for (const spec of tasks) expect(onMain.some((f) => f.endsWith(`${spec.id}.txt`))).toBe(true);
  }, 180_000);

  it('a conflicting task goes back to review, its dependents stay blocked, and the rest still merge', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', 'shared.txt': 'original\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const { plan } = await importPlan(engine, project.id, {
      name: 'With a conflict',
      concurrency: 2,
      auto_merge: true,
      tasks: [
        { id: 'one', title: 'One', agent: worker('one', 'shared.txt', 'one\n') },
        // Slower, so "one" merges first and "two" is the one that conflicts.
        { id: 'two', title: 'Two', agent: { profile: 'custom', command: scriptedAgent([{ sleep: 1200 }, { write: { path: 'shared.txt', content: 'two\n' } }, { commit: 'task two' }, { exit: 0 }]) } },
        { id: 'after-two', title: 'After two', agent: worker('after-two'), depends_on: ['two'] },
        { id: 'free', title: 'Free', agent: worker('free') },
      ],
    });
    await callApi(engine, 'plans.start', { planId: plan.id });
    const key = (k: string) => engine.plans.get(plan.id).tasks.find((x) => x.plan!.key === k)!;
    await waitFor(() => key('free').state === 'done' && key('one').state === 'done' && key('two').state === 'review' && key('two').flags.conflicts.length > 0, 'one merge and one conflict', 60_000);
    expect(key('two').flags.conflicts).toEqual(['shared.txt']);
    expect(key('after-two').state).toBe('blocked');
    expect(key('after-two').plan!.waiting).toBe('waiting for #two');
    expect(engine.plans.get(plan.id).plan.status).toBe('running');
    // Around the train, a plan task cannot be merged: the ordinary merge refuses it.
    await expect(callApi(engine, 'tasks.merge', { taskId: key('two').id, commitUncommitted: false })).rejects.toMatchObject({ code: 'bad-state', message: expect.stringContaining('merge it through the plan') });
  }, 90_000);

  it('the global cap holds across plans, a cap change is acted on at once, and pause lets running tasks finish', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    await engine.updateSettings({ maxParallelAgents: 1 });
    const project = await engine.openProject(repo);
    const slow = (key: string) => ({ profile: 'custom' as const, command: scriptedAgent([{ print: `working on ${key}` }, { sleep: 1500 }, { write: { path: `${key}.txt`, content: 'x\n' } }, { commit: key }, { exit: 0 }]) });
    const { plan } = await importPlan(engine, project.id, { name: 'Capped', concurrency: 5, tasks: ['a', 'b', 'c'].map((k) => ({ id: k, title: k, agent: slow(k) })) });
    const other = await importPlan(engine, project.id, { name: 'Other', concurrency: 5, tasks: [{ id: 'x', title: 'x', agent: slow('x') }] });
    await callApi(engine, 'plans.start', { planId: plan.id });
    await callApi(engine, 'plans.start', { planId: other.plan.id });
    const tasks = () => [...engine.plans.get(plan.id).tasks, ...engine.plans.get(other.plan.id).tasks];
    await waitFor(() => tasks().filter((t) => t.state === 'running').length === 1, 'one task running');
    await waitFor(() => tasks().some((t) => t.plan!.waiting === 'cap reached (1 at once across plans)'), 'the others to say why they wait');
    await engine.updateSettings({ maxParallelAgents: 2 });
    await waitFor(() => tasks().filter((t) => t.state === 'running').length === 2, 'a second task once the cap rose');
    await callApi(engine, 'plans.pause', { planId: plan.id });
    await callApi(engine, 'plans.pause', { planId: other.plan.id });
    // The two running tasks finish; nothing else starts while paused.
    await waitFor(() => tasks().filter((t) => t.state === 'review').length === 2, 'the running tasks to finish');
    expect(tasks().filter((t) => t.state === 'queued')).toHaveLength(2);
    const third = engine.plans.get(plan.id).tasks.find((t) => t.state === 'queued') ?? engine.plans.get(other.plan.id).tasks.find((t) => t.state === 'queued')!;
    expect(third.plan!.waiting).toBe('the plan is paused');
    await callApi(engine, 'plans.start', { planId: third.plan!.planId });
    await waitFor(() => engine.store.task(third.id).state !== 'queued', 'the third to start on resume');
  });

  it('a candidate that fails the plan’s verify goes back to review, the integration branch unchanged', async () => {
    // Each task alone passes; together they break the check: only the merge candidate shows it.
    const repo = makeRepo({ 'README.md': '# demo\n', 'check.js': "const fs = require('fs'); if (fs.existsSync('left.txt') && fs.existsSync('right.txt')) { console.log('left and right clash'); process.exit(1) }\n" });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const { plan } = await importPlan(engine, project.id, {
      name: 'Clash',
      verify: `${process.execPath} check.js`,
      auto_merge: true,
      tasks: [
        { id: 'left', title: 'Left', agent: worker('left') },
        { id: 'right', title: 'Right', agent: { profile: 'custom', command: scriptedAgent([{ sleep: 1000 }, { write: { path: 'right.txt', content: 'r\n' } }, { commit: 'task right' }, { exit: 0 }]) } },
      ],
    });
    await callApi(engine, 'plans.start', { planId: plan.id });
    const key = (k: string) => engine.plans.get(plan.id).tasks.find((x) => x.plan!.key === k)!;
    await waitFor(() => key('left').state === 'done' && key('right').state === 'review' && key('right').gate.escalated === 'candidate-failed', 'the clash to be caught on the candidate', 60_000);
    const tip = git(repo, 'rev-parse', 'sy/plan/clash');
    expect(git(repo, 'ls-tree', '--name-only', 'sy/plan/clash').split('\n')).not.toContain('right.txt');
    expect(engine.store.events(key('right').id).some((e) => e.reason.includes('left and right clash'))).toBe(true);
    expect(git(repo, 'for-each-ref', 'refs/switchyard/')).toBe('');
    expect(git(repo, 'rev-parse', 'sy/plan/clash')).toBe(tip);
  });

  it('the candidate checkout is readied like a worktree: copied files and the trusted setup', async () => {
    const config = `copy: [.env]\nsetup:\n  - [${process.execPath}, -e, "require('fs').writeFileSync('deps.txt', 'installed')"]\n`;
    const check = "const fs = require('fs'); for (const f of ['.env', 'deps.txt']) if (!fs.existsSync(f)) { console.log('missing ' + f); process.exit(1) }\n";
    const repo = makeRepo({ 'README.md': '# demo\n', 'check.js': check, '.gitignore': '.env\ndeps.txt\n', '.switchyard/config.yaml': config });
    fs.writeFileSync(path.join(repo, '.env'), 'SECRET=1\n');
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const view = await callApi<{ hash: string }>(engine, 'projects.config', { projectId: project.id });
    await callApi(engine, 'projects.trustConfig', { projectId: project.id, hash: view.hash });
    const { plan } = await importPlan(engine, project.id, { name: 'Readied', verify: `${process.execPath} check.js`, auto_merge: true, tasks: [{ id: 'a', title: 'A', agent: worker('a') }] });
    await callApi(engine, 'plans.start', { planId: plan.id });
    await waitFor(() => engine.plans.get(plan.id).plan.status === 'done', 'the plan to finish', 40_000);
    const a = engine.plans.get(plan.id).tasks[0]!;
    expect(engine.store.events(a.id).some((e) => e.reason.includes("the plan's verify passed on the candidate"))).toBe(true);
    const terminals = engine.store.terminals(a.id).map((t) => t.title);
    expect(terminals).toContain('Candidate setup');
  });

  it('stop interrupts the plan’s agents; start resumes them, and the plan is done only when all have merged', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const steady = { profile: 'custom' as const, command: scriptedAgent([{ if: { run: 1 }, hang: true }, { write: { path: 'slow.txt', content: 's\n' } }, { commit: 'slow' }, { exit: 0 }]) };
    const { plan } = await importPlan(engine, project.id, { name: 'Stoppable', auto_merge: true, tasks: [{ id: 'quick', title: 'Quick', agent: worker('quick') }, { id: 'slow', title: 'Slow', agent: steady }] });
    await callApi(engine, 'plans.start', { planId: plan.id });
    const key = (k: string) => engine.plans.get(plan.id).tasks.find((x) => x.plan!.key === k)!;
    await waitFor(() => key('quick').state === 'done' && key('slow').state === 'running', 'one merged, one running');
    // Started work keeps what it started with: an edit that changes it is refused, not ignored.
    const file = engine.plans.toFile(plan.id);
    const renamed = { ...file, tasks: file.tasks.map((t) => (t.id === 'quick' ? { ...t, title: 'Renamed', files_scope: ['src/**'] } : t)) };
    await expect(callApi(engine, 'plans.update', { planId: plan.id, version: engine.plans.get(plan.id).plan.version, plan: renamed })).rejects.toMatchObject({
      message: 'task "quick" has started (done); its files_scope, title cannot change',
    });
    await callApi(engine, 'plans.stop', { planId: plan.id });
    await waitFor(() => key('slow').state === 'interrupted', 'the running task to be interrupted');
    expect(engine.plans.get(plan.id).plan.status).toBe('stopped');
    await expect(callApi(engine, 'plans.finish', { planId: plan.id, how: 'merge' })).rejects.toMatchObject({ code: 'bad-state' });
    await callApi(engine, 'plans.start', { planId: plan.id });
    await waitFor(() => engine.plans.get(plan.id).plan.status === 'done', 'the plan to finish once resumed', 30_000);
    expect(key('slow').state).toBe('done');
  });

  it('one engine per data folder: a second is refused, saying which holds it; a dead holder’s lock is taken over; a failed start leaves none', async () => {
    const engine = await startEngine();
    await expect(startEngine({ dataDir: engine.dataDir })).rejects.toThrow(/another Switchyard engine \(pid \d+\) is already using .* \(lock: /);
    await engine.close({ stopPtyd: true });
    expect(fs.existsSync(path.join(engine.dataDir, 'run', 'engine.lock'))).toBe(false);
    // A lock left by a crashed engine (its pid is gone) does not keep the next one out.
    fs.writeFileSync(path.join(engine.dataDir, 'run', 'engine.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, at: 0 }));
    const next = await startEngine({ dataDir: engine.dataDir });
    await next.close({ stopPtyd: true });
    // A start that fails (no terminal daemon can run) releases the lock it took.
    await expect(startEngine({ dataDir: engine.dataDir, ptydLaunch: { command: '/nonexistent/node', args: [] } })).rejects.toThrow(/could not start the terminal daemon \(ptyd\): spawn \/nonexistent\/node ENOENT/);
    expect(fs.existsSync(path.join(engine.dataDir, 'run', 'engine.lock'))).toBe(false);
  });

  it('a plan stopped while a task verifies resumes it when started again; a failed task can be taken out so the plan can finish', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', 'slow.js': 'setTimeout(() => {}, 3000)\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const fails = { profile: 'custom' as const, command: scriptedAgent([{ exit: 4 }]) };
    const { plan } = await importPlan(engine, project.id, {
      name: 'Verified',
      verify: `${process.execPath} slow.js`,
      auto_merge: true,
      tasks: [
        // Resumed, it has nothing more to do.
        { id: 'v', title: 'V', agent: { profile: 'custom', command: scriptedAgent([{ if: { run: 1 }, write: { path: 'v.txt', content: 'v\n' } }, { if: { run: 1 }, commit: 'v' }, { exit: 0 }]) } },
        { id: 'broken', title: 'Broken', agent: fails },
      ],
    });
    await callApi(engine, 'plans.start', { planId: plan.id });
    const key = (k: string) => engine.plans.get(plan.id).tasks.find((x) => x.plan!.key === k)!;
    await waitFor(() => key('v').state === 'verifying' && key('broken').state === 'failed', 'a verify under way and a failure');
    await callApi(engine, 'plans.stop', { planId: plan.id });
    await waitFor(() => key('v').state === 'interrupted', 'the verifying task to be interrupted, not cancelled');
    await callApi(engine, 'plans.start', { planId: plan.id });
    await waitFor(() => key('v').state === 'done', 'the resumed task to verify and merge', 30_000);
    // The failed task keeps the plan from being done until it is taken out.
    expect(engine.plans.get(plan.id).plan.status).toBe('running');
    const file = engine.plans.toFile(plan.id);
    await callApi(engine, 'plans.update', { planId: plan.id, version: engine.plans.get(plan.id).plan.version, plan: { ...file, tasks: file.tasks.filter((t) => t.id !== 'broken') } });
    await waitFor(() => engine.plans.get(plan.id).plan.status === 'done', 'the plan to be done');
  });

  it('a merge that throws is not retried in a loop', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const { plan } = await importPlan(engine, project.id, { name: 'Broken branch', tasks: [{ id: 'a', title: 'A', agent: worker('a') }] });
    await callApi(engine, 'plans.start', { planId: plan.id });
    const a = () => engine.plans.get(plan.id).tasks[0]!;
    await waitFor(() => a().state === 'review', 'the task in review');
    git(repo, 'branch', '-D', 'sy/plan/broken-branch');
    await callApi(engine, 'plans.start', { planId: plan.id, autoMerge: true });
    await new Promise((r) => setTimeout(r, 2500));
    const attempts = engine.store.events(a().id).filter((e) => e.toState === 'merging').length;
    expect(attempts).toBe(1);
    expect(a().state).toBe('review');
    expect(a().stateReason).toContain('the merge train could not merge it');
  });

  it('edits are compare-and-set: a stale version is refused and nothing changes', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const { plan } = await importPlan(engine, project.id, { name: 'Edited', tasks: [{ id: 'a', title: 'A', agent: worker('a') }] });
    const file = engine.plans.toFile(plan.id);
    const edited = await callApi<PlanView>(engine, 'plans.update', { planId: plan.id, version: plan.version, plan: { ...file, tasks: [...file.tasks, { id: 'b', title: 'B', agent: worker('b'), depends_on: ['a'] }] } });
    expect(edited.plan.version).toBe(plan.version + 1);
    expect(edited.tasks.map((x) => x.plan!.key)).toEqual(['a', 'b']);
    // Someone else saved in between: this write started from the old version.
    const stale = callApi(engine, 'plans.update', { planId: plan.id, version: plan.version, plan: { ...file, name: 'Renamed' } });
    await expect(stale).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`you had version ${plan.version}; it is now at ${plan.version + 1}`) });
    expect(engine.plans.get(plan.id).plan.name).toBe('Edited');
    // A cycle in an edit is refused whole.
    const cyclic = { ...file, tasks: [{ id: 'a', title: 'A', agent: worker('a'), depends_on: ['b'] }, { id: 'b', title: 'B', agent: worker('b'), depends_on: ['a'] }] };
    await expect(callApi(engine, 'plans.update', { planId: plan.id, version: plan.version + 1, plan: cyclic })).rejects.toMatchObject({ message: expect.stringContaining('cycle: ') });
    expect(engine.plans.get(plan.id).tasks).toHaveLength(2);
    // Removing a task that never started takes it out of the plan for good; its id can come back as a new task.
    const removed = await callApi<PlanView>(engine, 'plans.update', { planId: plan.id, version: plan.version + 1, plan: { ...file, tasks: [file.tasks[0]] } });
    expect(removed.tasks.map((x) => x.plan!.key)).toEqual(['a']);
    expect(engine.plans.toFile(plan.id).tasks.map((x) => x.id)).toEqual(['a']);
    const readded = await callApi<PlanView>(engine, 'plans.update', { planId: plan.id, version: removed.plan.version, plan: { ...file, tasks: [file.tasks[0], { id: 'b', title: 'B again', agent: worker('b') }] } });
    expect(readded.tasks.find((x) => x.plan!.key === 'b')).toMatchObject({ title: 'B again', state: 'queued' });
    // Not every task has merged: the plan cannot be finished yet.
    await expect(callApi(engine, 'plans.finish', { planId: plan.id, how: 'merge' })).rejects.toMatchObject({ code: 'bad-state', message: expect.stringContaining('have not merged yet (#a, #b)') });
    // A verify that would need a shell is refused at import or edit, naming the field.
    await expect(callApi(engine, 'plans.update', { planId: plan.id, version: readded.plan.version, plan: { ...file, verify: 'npm test | tee log' } })).rejects.toMatchObject({ message: expect.stringContaining('verify') });
  });

  it('imports Beads issues: previewed first, closed issues done and counted as merged, the rest waiting in order', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    await engine.updateSettings({ defaultAgent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) } });
    const project = await engine.openProject(repo);
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'imports', 'issues.jsonl'), 'utf8');
    const preview = await callApi<{ plan: { tasks: unknown[] }; warnings: string[]; edges: number; done: number }>(engine, 'plans.preview', { text, file: 'issues.jsonl' });
    expect(preview).toMatchObject({ edges: 5, done: 1 });
    expect(preview.warnings.some((w) => w.includes('"related"'))).toBe(true);
    // The preview created nothing.
    expect(engine.store.tasks()).toEqual([]);
    const { plan } = await callApi<PlanView>(engine, 'plans.import', { projectId: project.id, text, file: 'issues.jsonl' });
    await callApi(engine, 'plans.start', { planId: plan.id });
    const state = () => Object.fromEntries(engine.plans.get(plan.id).tasks.map((t) => [t.plan!.key, t.state]));
    await waitFor(() => state()['sy-a1f3.1'] === 'running', 'the endpoint to start');
    expect(state()).toEqual({ 'sy-0db1': 'done', 'sy-a1f3.1': 'running', 'sy-a1f3.2': 'blocked', 'sy-77c2': 'blocked' });
    expect(engine.plans.get(plan.id).tasks.find((t) => t.plan!.key === 'sy-77c2')!.plan!.waiting).toBe('waiting for #sy-a1f3.1, #sy-a1f3.2');
  });

  it('shows which files of the repository each scope glob matches', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n', 'src/a.ts': '1\n', 'src/b/c.ts': '2\n', 'docs/x.md': '3\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const m = await callApi<{ glob: string; files: string[]; total: number; error: string | null }[]>(engine, 'projects.matchGlobs', { projectId: project.id, globs: ['src/**', '*.md', 'src//x'], limit: 1 });
    expect(m[0]).toEqual({ glob: 'src/**', files: ['src/a.ts'], total: 2, error: null });
    expect(m[1]).toMatchObject({ files: ['README.md'], total: 1 });
    expect(m[2]!.error).toContain('empty path segment');
  });

  it('refuses a bad plan with a message naming the problem, and creates nothing', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const before = git(repo, 'branch', '--list');
    const bad = async (text: string) => callApi(engine, 'plans.import', { projectId: project.id, text }).catch((e: Error) => e.message);
    expect(await bad('name: x\ntasks:\n  - id: a\n    title: A\n    depends_on: [b]\n  - id: b\n    title: B\n    depends_on: [a]\n')).toMatch(/cycle: (a → b → a|b → a → b)/);
    expect(await bad('name: x\ntasks: [\n')).toMatch(/line \d+, column \d+/);
    expect(await bad('{"name": "x", "tasks": [}')).toMatch(/malformed JSON/);
    expect(await bad('name: x\ntasks:\n  - id: a\n    title: A\n    priority: urgent\n')).toMatch(/tasks\[0\] \(a\)\.priority/);
    expect(await bad('name: x\ntasks:\n  - id: a\n    title: A\n    agent: no-such-agent\n')).toMatch(/no agent profile "no-such-agent"|no-such-agent/);
    expect(await bad('name: x\ntasks:\n  - id: a\n    title: A\n')).toMatch(/has no agent/);
    expect(engine.plans.list()).toEqual([]);
    expect(engine.store.tasks()).toEqual([]);
    expect(git(repo, 'branch', '--list')).toBe(before);
  });
});
