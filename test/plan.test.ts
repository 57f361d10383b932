/** The plan file format and its graph rules: what is refused, and how the error reads. */
import { describe, expect, it } from 'vitest';
import { describeProblems, findCycle, planFileSchema, planProblems, type PlanFileInput } from '../src/shared/plan';

const t = (id: string, depends_on: string[] = [], extra: Record<string, unknown> = {}) => ({ id, title: `Task ${id}`, depends_on, ...extra });
const plan = (tasks: PlanFileInput['tasks']): PlanFileInput => ({ name: 'Demo', tasks });

describe('plan validation', () => {
  it('accepts a diamond, with defaults filled in', () => {
    const p = planFileSchema.parse(plan([t('a'), t('b', ['a']), t('c', ['a']), t('d', ['b', 'c'], { files_scope: ['src/**'] })]));
    expect(p).toMatchObject({ version: 1, concurrency: 3, auto_merge: false, goal: '' });
    expect(p.tasks[0]).toMatchObject({ prompt: '', depends_on: [] });
    expect(planProblems(p)).toEqual([]);
  });

  it('refuses a cycle, naming it', () => {
    const p = planFileSchema.parse(plan([t('a', ['c']), t('b', ['a']), t('c', ['b']), t('d')]));
    const problems = planProblems(p);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^the dependencies form a cycle: (a → c → b → a|b → a → c → b|c → b → a → c)$/);
    expect(findCycle([t('x', ['x'])])).toBeNull(); // a self-edge is its own problem, reported separately
    expect(planProblems(planFileSchema.parse(plan([t('x', ['x'])])))[0]!.message).toBe('depends on itself');
  });

  it('refuses an edge to a missing task, duplicate ids, repeated edges and invalid globs', () => {
    const p = planFileSchema.parse(plan([t('a', ['ghost']), t('a'), t('b', ['a', 'a']), t('c', [], { files_scope: ['src//x', 'ok/**'] })]));
    const text = describeProblems(planProblems(p), 10);
    expect(text).toContain('a: depends on "ghost", which is not a task of this plan');
    expect(text).toContain('tasks[1]: duplicate task id "a"');
    expect(text).toContain('b: lists the same dependency twice');
    expect(text).toContain('c: files_scope: invalid glob "src//x"');
    expect(text).not.toContain('ok/**');
  });

  it('finds a cycle deep in a long chain without recursion limits', () => {
    const n = 5000;
    const tasks = Array.from({ length: n }, (_, i) => t(`t${i}`, i === 0 ? [`t${n - 1}`] : [`t${i - 1}`]));
    const cycle = findCycle(tasks);
    expect(cycle).not.toBeNull();
    expect(cycle!.length).toBe(n + 1);
    expect(findCycle(tasks.slice(1))).toBeNull();
  });

  it('malformed plans get messages naming the field', () => {
    const bad = planFileSchema.safeParse({ name: '', tasks: [{ id: 'has space', title: 'x' }, { title: 'no id' }], concurrency: 0, extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'tasks.0.id', 'tasks.1.id', 'concurrency', '']));
  });
});
