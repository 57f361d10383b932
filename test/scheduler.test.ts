/** The scheduler's decision: readiness, caps, scope overlap, failed parents, order. */
import { describe, expect, it } from 'vitest';
import { decide, describeWait, type SchedPlan, type SchedTask } from '../src/engine/plans/scheduler';
import type { TaskState } from '../src/shared/task';

let order = 0;
function task(key: string, state: TaskState = 'queued', extra: Partial<SchedTask> = {}): SchedTask {
  return { taskId: `id-${key}`, key, state, priority: 2, order: order++, scope: null, parents: [], ...extra };
}
function plan(tasks: SchedTask[], extra: Partial<SchedPlan> = {}): SchedPlan {
  return { id: 'p1', projectId: 'proj', running: true, concurrency: 10, tasks, ...extra };
}
const started = (p: SchedPlan[], cap = 10): string[] => decide(p, cap).dispatch.map((d) => d.taskId.replace('id-', ''));

describe('the scheduler', () => {
  it('starts tasks whose parents have all merged, and holds the rest as blocked', () => {
    const p = plan([task('a', 'done'), task('b', 'running'), task('c', 'queued', { parents: ['a'] }), task('d', 'blocked', { parents: ['a', 'b'] })]);
    const d = decide([p], 10);
    expect(d.dispatch.map((x) => x.taskId)).toEqual(['id-c']);
    expect(d.blocked).toEqual(new Set(['id-d']));
    expect(describeWait(d.waiting.get('id-d')!)).toBe('waiting for #b');
  });

  it('never unblocks the children of a failed or cancelled parent', () => {
    const p = plan([task('a', 'failed'), task('b', 'cancelled'), task('c', 'blocked', { parents: ['a'] }), task('d', 'blocked', { parents: ['b'] }), task('e', 'review'), task('f', 'blocked', { parents: ['e'] })]);
    const d = decide([p], 10);
    expect(d.dispatch).toEqual([]);
    expect(describeWait(d.waiting.get('id-c')!)).toBe('blocked: #a failed or was stopped');
    expect(describeWait(d.waiting.get('id-d')!)).toBe('blocked: #b failed or was stopped');
    // In review is not merged.
    expect(describeWait(d.waiting.get('id-f')!)).toBe('waiting for #e');
  });

  it('respects the plan cap and the global cap, counting what already runs', () => {
    const p = plan([task('a', 'running'), task('b'), task('c'), task('d')], { concurrency: 2 });
    expect(started([p])).toEqual(['b']);
    expect(describeWait(decide([p], 10).waiting.get('id-c')!)).toBe('cap reached (2 at once in this plan)');
    const q = plan([task('x'), task('y')], { id: 'p2' });
    expect(started([p, q], 3)).toEqual(['b', 'x']);
    expect(describeWait(decide([p, q], 3).waiting.get('id-y')!)).toBe('cap reached (3 at once across plans)');
  });

  it('runs tasks with overlapping scopes one after another, and unscoped ones freely', () => {
    const p = plan([
      task('a', 'running', { scope: ['src/**'] }),
      task('b', 'queued', { scope: ['src/a/*.ts'] }),
      task('c', 'queued', { scope: ['docs/**'] }),
      task('d', 'queued', { scope: ['docs/x.md'] }),
      task('e', 'queued', { scope: ['*.md'] }),
      task('f', 'queued'),
    ]);
    const d = decide([p], 10);
    expect(d.dispatch.map((x) => x.taskId)).toEqual(['id-c', 'id-e', 'id-f']);
    expect(describeWait(d.waiting.get('id-b')!)).toBe('scope overlaps #a');
    // d overlaps c, which this same decision started.
    expect(describeWait(d.waiting.get('id-d')!)).toBe('scope overlaps #c');
  });

  it('compares scopes across plans of the same repository only', () => {
    const p = plan([task('a', 'running', { scope: ['src/**'] })]);
    const sameRepo = plan([task('b', 'queued', { scope: ['src/x.ts'] })], { id: 'p2' });
    const otherRepo = plan([task('c', 'queued', { scope: ['src/x.ts'] })], { id: 'p3', projectId: 'other' });
    expect(started([p, sameRepo, otherRepo])).toEqual(['c']);
  });

  it('dispatches by priority, then plan order; a paused plan starts nothing', () => {
    const p = plan([task('low', 'queued', { priority: 3 }), task('first'), task('urgent', 'queued', { priority: 0 }), task('second')], { concurrency: 3 });
    expect(started([p])).toEqual(['urgent', 'first', 'second']);
    const paused = { ...p, running: false };
    const d = decide([paused], 10);
    expect(d.dispatch).toEqual([]);
    expect(describeWait(d.waiting.get('id-first')!)).toBe('the plan is paused');
  });

  it('decides a 1,000-task, 5,000-edge plan in one pass', () => {
    const n = 1000;
    const tasks = Array.from({ length: n }, (_, i) => task(`t${i}`, i < 100 ? 'done' : 'blocked', { parents: i < 100 ? [] : Array.from({ length: 5 }, (_, k) => `t${(i * 7 + k * 13) % i}`) }));
    const d = decide([plan(tasks, { concurrency: 8 })], 16);
    expect(d.dispatch.length).toBeLessThanOrEqual(8);
    expect(d.dispatch.length + d.waiting.size).toBe(n - 100);
  });
});
