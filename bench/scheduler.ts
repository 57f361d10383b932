/**
 * Scheduler decision time per event on a 1,000-task, 5,000-edge plan, against a baseline
 * measured in the same run: the bare readiness pass any scheduler must make (is every parent
 * merged?) with no caps, no scopes and no ordering. Also the engine's whole evaluation (store
 * reads, the decision, waiting reasons written back) on the same plan imported into a real
 * engine. Run: npm run bench:scheduler (also part of npm run bench).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decide, type SchedPlan, type SchedTask } from '../src/engine/plans/scheduler';
import { Engine } from '../src/engine/engine';
import type { TaskState } from '../src/shared/task';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TASKS = 1000;
const EDGES = 5000;

/** A deterministic pseudo-random graph: every edge points to an earlier task, so it is acyclic. */
function graph(): { key: string; parents: string[]; scope: string[] | null }[] {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const parents: Set<number>[] = Array.from({ length: TASKS }, () => new Set<number>());
  let edges = 0;
  while (edges < EDGES) {
    const child = 1 + rand(TASKS - 1);
    const parent = rand(child);
    if (!parents[child]!.has(parent)) {
      parents[child]!.add(parent);
      edges++;
    }
  }
  const scopes = ['src/**', 'src/a/*.ts', 'docs/**', 'lib/**', 'test/**/*.test.ts', '*.md'];
  return parents.map((ps, i) => ({ key: `t${i}`, parents: [...ps].map((p) => `t${p}`), scope: i % 3 === 0 ? [scopes[i % scopes.length]!] : null }));
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
}
const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Runs the whole plan: after every event (a task merged), decide again. Returns ms per decision. */
function simulate(step: (plan: SchedPlan) => string[]): number[] {
  const g = graph();
  const tasks: SchedTask[] = g.map((t, i) => ({ taskId: t.key, key: t.key, state: 'queued' as TaskState, priority: 2, order: i, scope: t.scope, parents: t.parents }));
  const plan: SchedPlan = { id: 'p', projectId: 'x', running: true, concurrency: 8, tasks };
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const times: number[] = [];
  const running: SchedTask[] = [];
  for (let events = 0; events < TASKS * 3; events++) {
    const t0 = performance.now();
    const started = step(plan);
    times.push(performance.now() - t0);
    for (const id of started) {
      const t = byId.get(id)!;
      t.state = 'running';
      running.push(t);
    }
    const finished = running.shift();
    if (!finished) break;
    finished.state = 'done';
  }
  if (tasks.some((t) => t.state !== 'done')) throw new Error('the simulated plan did not finish');
  return times;
}

/** The baseline: which waiting tasks have every parent merged — nothing else. */
function readinessOnly(plan: SchedPlan): string[] {
  const state = new Map(plan.tasks.map((t) => [t.key, t.state]));
  const ready: string[] = [];
  for (const t of plan.tasks) if (t.state === 'queued' && t.parents.every((p) => state.get(p) === 'done')) ready.push(t.taskId);
  const running = plan.tasks.filter((t) => t.state === 'running').length;
  return ready.slice(0, Math.max(0, plan.concurrency - running));
}

async function engineEvaluation(): Promise<{ median_ms: number; p99_ms: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-bench-sched-'));
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: repo });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=b@example.com', '-c', 'user.name=Bench', 'commit', '-q', '--allow-empty', '-m', 'base');
  const engine = await Engine.start({
    dataDir: path.join(tmp, 'data'),
    ptydLaunch: { command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, 'src', 'ptyd', 'main.ts')] },
  });
  try {
    const project = await engine.openProject(repo);
    const tasks = graph().map((t) => ({ id: t.key, title: `Task ${t.key}`, agent: { profile: 'custom', command: 'true' }, depends_on: t.parents, ...(t.scope ? { files_scope: t.scope } : {}) }));
    await engine.plans.importText(project.id, JSON.stringify({ name: 'Bench', tasks }));
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await engine.planRunner.evaluate();
      times.push(performance.now() - t0);
    }
    return { median_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)) };
  } finally {
    await engine.close({ stopPtyd: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function benchScheduler(): Promise<Record<string, unknown>> {
  const ours = simulate((p) => decide([p], 16).dispatch.map((d) => d.taskId));
  const base = simulate(readinessOnly);
  const engine = await engineEvaluation();
  return {
    plan: `${TASKS} tasks, ${EDGES} edges, a third with scopes, cap 8`,
    decisions: ours.length,
    decision_median_ms: round(percentile(ours, 50)),
    decision_p99_ms: round(percentile(ours, 99)),
    baseline_readiness_median_ms: round(percentile(base, 50)),
    ratio_of_baseline: round(percentile(ours, 50) / percentile(base, 50)),
    engine_evaluation: engine,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(JSON.stringify(await benchScheduler(), null, 2));
}
