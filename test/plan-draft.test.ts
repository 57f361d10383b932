/** The plan editor's model: renames that keep edges right, and the overlap check. */
import { describe, expect, it } from 'vitest';
import { renameTask, removeTask, toDraft, toFile, unorderedOverlaps } from '../src/renderer/plan-draft';
import type { PlanFile } from '../src/shared/plan';

const plan = (tasks: { id: string; depends_on?: string[]; files_scope?: string[] }[]): PlanFile => ({
  version: 1,
  name: 'p',
  goal: '',
  concurrency: 3,
  auto_merge: false,
  tasks: tasks.map((t) => ({ title: t.id, prompt: '', depends_on: [], ...t })),
});

describe('the plan draft', () => {
  it('renaming a task renames the edges to it, but not through another task’s id', () => {
    const d = toDraft(plan([{ id: 'db' }, { id: 'x' }, { id: 'ui', depends_on: ['db'] }]));
    const x = d.tasks[1]!.row;
    // Typing "db2" over "x" passes through "db", another task's id.
    let tasks = d.tasks;
    for (const step of ['d', 'db', 'db2']) tasks = renameTask(tasks, x, step);
    expect(tasks.find((t) => t.spec.id === 'ui')!.spec.depends_on).toEqual(['db']);
    // A plain rename carries its edges along.
    const renamed = renameTask(d.tasks, d.tasks[0]!.row, 'database');
    expect(renamed.find((t) => t.spec.id === 'ui')!.spec.depends_on).toEqual(['database']);
    // Removing a task removes the edges to it.
    expect(removeTask(d.tasks, d.tasks[0]!.row).find((t) => t.spec.id === 'ui')!.spec.depends_on).toEqual([]);
  });

  it('flags overlapping scopes only where no edge orders the tasks, directly or not', () => {
    const tasks = plan([
      { id: 'a', files_scope: ['src/**'] },
      { id: 'b', files_scope: ['src/a/*.ts'] },
      { id: 'c', files_scope: ['src/c.ts'], depends_on: ['d'] },
      { id: 'd', files_scope: ['docs/**'], depends_on: ['a'] },
      { id: 'e', files_scope: ['*.md'] },
    ]).tasks;
    const w = unorderedOverlaps(tasks);
    expect(w.get('a')!.map((x) => x.other)).toEqual(['b']);
    expect(w.get('b')!.map((x) => x.other)).toEqual(['a']);
    // c comes after a through d: ordered, not flagged.
    expect(w.get('c')).toBeUndefined();
    expect(w.get('e')).toBeUndefined();
  });

  it('writes the file the engine takes, empty fields left out', () => {
    const d = toDraft(plan([{ id: 'a', files_scope: [] }]));
    expect(toFile(d).tasks[0]).not.toHaveProperty('files_scope');
  });
});
