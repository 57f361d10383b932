/** Importers: Beads (bd list --json and .beads/issues.jsonl) and Markdown checklists, on real-shaped files. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBeads } from '../src/engine/plans/importers/beads';
import { importMarkdown } from '../src/engine/plans/importers/markdown';
import { detectFormat } from '../src/engine/plans/importers';
import { validatePlan } from '../src/engine/plans/plan-text';
import { ROOT } from './helpers';

const fixture = (name: string): string => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'imports', name), 'utf8');
const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));

describe('Beads', () => {
  it('reads .beads/issues.jsonl: blocks edges, an epic whose tasks inherit its blockers, closed issues done, other types reported', () => {
    const { plan, warnings } = importBeads(fixture('issues.jsonl'), 'issues.jsonl');
    const tasks = byId(plan.tasks);
    // The epic is not a task.
    expect([...tasks.keys()]).toEqual(['sy-0db1', 'sy-a1f3.1', 'sy-a1f3.2', 'sy-77c2']);
    expect(plan.name).toBe('Sign-in epic');
    // Children inherit the epic's blocker (the migrations), on top of their own edges.
    expect(tasks.get('sy-a1f3.1')!.depends_on).toEqual(['sy-0db1']);
    expect(new Set(tasks.get('sy-a1f3.2')!.depends_on)).toEqual(new Set(['sy-a1f3.1', 'sy-0db1']));
    // Blocked by an epic means blocked by all of its tasks.
    expect(new Set(tasks.get('sy-77c2')!.depends_on)).toEqual(new Set(['sy-a1f3.1', 'sy-a1f3.2']));
    // Fields come across; the closed issue is done.
    expect(tasks.get('sy-0db1')).toMatchObject({ status: 'done', priority: 0, title: 'Database migrations' });
    expect(tasks.get('sy-a1f3.1')).toMatchObject({ acceptance_criteria: 'Wrong passwords get 401.', priority: 1 });
    expect(tasks.get('sy-a1f3.1')!.prompt).toContain('POST /login returns a session cookie.');
    expect(tasks.get('sy-a1f3.2')!.status).toBeUndefined();
    // Every other dependency type is named, never dropped silently.
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('1 epic (sy-a1f3) became groupings'),
        'sy-77c2: its "discovered-from" dependency on sy-0db1 is not an ordering; ignored',
        'sy-77c2: its "related" dependency on sy-a1f3.1 is not an ordering; ignored',
      ]),
    );
    expect(validatePlan(plan).tasks).toHaveLength(4);
  });

  it('leaves out deleted issues, templates and records that are not issues, saying so; a byte-order mark is fine', () => {
    const text = [
      '{"_type":"memory","content":"remember to run the linter"}',
      '{"id":"a","title":"A","status":"open"}',
      '{"id":"gone","title":"Gone","status":"tombstone"}',
      '{"id":"tpl","title":"Template","status":"open","is_template":true}',
    ].join('\n');
    const { plan, warnings } = importBeads(`\uFEFF${text}`, 'issues.jsonl');
    expect(plan.tasks.map((t) => t.id)).toEqual(['a']);
    expect(warnings).toEqual(['line 1: a "memory" record, not an issue; skipped', 'line 3: gone was deleted in Beads; skipped', 'line 4: tpl is a template; skipped']);
    // A broken array says where.
    expect(() => importBeads('[\n{"id": "a", "title": "A"},\n{"id": }\n]', 'bd.json')).toThrow(/^bd\.json: malformed JSON at line 3/);
  });

  it('a task blocked by its own epic does not make its siblings wait on each other', () => {
    const text = [
      '{"id":"e","title":"Epic","issue_type":"epic"}',
      '{"id":"e.1","title":"One","dependencies":[{"depends_on_id":"e","type":"parent-child"},{"depends_on_id":"e","type":"blocks"}]}',
      '{"id":"e.2","title":"Two","dependencies":[{"depends_on_id":"e","type":"parent-child"}]}',
    ].join('\n');
    const { plan } = importBeads(text);
    expect(plan.tasks.map((t) => [t.id, t.depends_on])).toEqual([
      ['e.1', []],
      ['e.2', []],
    ]);
    expect(validatePlan(plan).tasks).toHaveLength(2);
  });

  it('reads the JSON array of bd list --json the same way', () => {
    const array = `[${fixture('issues.jsonl').trim().split('\n').join(',\n')}]`;
    expect(importBeads(array).plan).toEqual(importBeads(fixture('issues.jsonl')).plan);
    expect(detectFormat(array)).toBe('beads');
    expect(detectFormat(fixture('issues.jsonl'))).toBe('beads');
    // A one-line plan whose tasks say "status" is still a plan; names decide first.
    expect(detectFormat('{"name": "x", "tasks": [{"id": "a", "title": "A", "status": "open"}]}')).toBe('plan');
    expect(detectFormat('name: x\ntasks: []\n')).toBe('plan');
    expect(detectFormat('anything', 'todo.md')).toBe('markdown');
    expect(detectFormat('{"id":"a","title":"A"}', 'issues.jsonl')).toBe('beads');
    expect(detectFormat('name: x\ntasks:\n  - id: a\n    title: A\n    prompt: "- [ ] do it"\n', 'plan.yaml')).toBe('plan');
    expect(detectFormat('[Docs](docs.md)\n- [ ] A\n')).toBe('markdown');
  });

  it('refuses malformed input, naming the line and the field', () => {
    const lines = fixture('issues.jsonl').trim().split('\n');
    const broken = [...lines.slice(0, 2), '{"id": "x", "title": ', ...lines.slice(2)].join('\n');
    expect(() => importBeads(broken, 'issues.jsonl')).toThrow(/^issues\.jsonl: line 3: malformed JSON/);
    const noTitle = [...lines.slice(0, 1), '{"id": "sy-x", "status": "open"}'].join('\n');
    expect(() => importBeads(noTitle, 'issues.jsonl')).toThrow(/line 2: title: /);
    const badPriority = '[{"id": "a", "title": "A", "priority": "high"}]';
    expect(() => importBeads(badPriority, 'bd.json')).toThrow(/issue \[0\]: priority: /);
    const badDep = '{"id": "a", "title": "A", "dependencies": [{"type": "blocks"}]}';
    expect(() => importBeads(badDep, 'issues.jsonl')).toThrow(/line 1: dependencies\.0\.depends_on_id/);
    expect(() => importBeads('{"id":"a","title":"A"}\n{"id":"a","title":"again"}', 'issues.jsonl')).toThrow(/line 2: id: "a" appears twice/);
    expect(() => importBeads('', 'issues.jsonl')).toThrow(/the file is empty/);
    // A cycle in the issues is caught by the plan rules, named.
    const cyclic = importBeads('{"id":"a","title":"A","dependencies":[{"depends_on_id":"b","type":"blocks"}]}\n{"id":"b","title":"B","dependencies":[{"depends_on_id":"a","type":"blocks"}]}');
    expect(() => validatePlan(cyclic.plan, 'issues.jsonl')).toThrow(/cycle: (a → b → a|b → a → b)/);
  });
});

describe('Markdown checklists', () => {
  it('items are tasks; nested items depend on their parent; after: adds an edge; [x] is done', () => {
    const { plan, warnings } = importMarkdown(fixture('checklist.md'), 'checklist.md');
    expect(plan.name).toBe('Add sign-in');
    const tasks = byId(plan.tasks);
    expect([...tasks.keys()]).toEqual(['sign-in-endpoint', 'rate-limiting', 'database-migrations', 'sign-in-form']);
    expect(tasks.get('sign-in-endpoint')).toMatchObject({ prompt: 'POST /login returns a session cookie.', depends_on: [] });
    expect(tasks.get('rate-limiting')).toMatchObject({ prompt: 'At most five tries a minute.', depends_on: ['sign-in-endpoint'] });
    expect(tasks.get('database-migrations')).toMatchObject({ status: 'done' });
    expect(tasks.get('sign-in-form')!.depends_on).toEqual(['sign-in-endpoint', 'database-migrations']);
    expect(warnings).toEqual(['line 11: "- Not a task, just a note" is not a checklist item ("- [ ]") and was not imported']);
    expect(detectFormat(fixture('checklist.md'))).toBe('markdown');
    expect(validatePlan(plan).tasks).toHaveLength(4);
  });

  it('code fences are text, numbered items count, after: needs no indent, a heading starts a new section', () => {
    const md = ['- [ ] A', '  ```', '  - [ ] not a task, an example', '  ```', '1. [ ] B', 'after: A', '## Later', '  - [ ] C'].join('\n');
    const { plan } = importMarkdown(`\uFEFF${md}`);
    expect(plan.tasks.map((t) => [t.id, t.depends_on])).toEqual([
      ['a', []],
      ['b', ['a']],
      ['c', []],
    ]);
    expect(plan.tasks[0]!.prompt).toContain('- [ ] not a task, an example');
    expect(() => importMarkdown('- [ ] Run tests\n- [ ] Run tests\n- [ ] Ship\n  after: Run tests\n', 'todo.md')).toThrow('todo.md: line 4: "after: Run tests" could mean run-tests or run-tests-2; name one by its id');
  });

  it('refuses malformed checklists, naming the line', () => {
    expect(() => importMarkdown('- [ ] A\n  after: Nothing like it\n', 'todo.md')).toThrow('todo.md: line 2: "after: Nothing like it" names no item of this checklist');
    expect(() => importMarkdown('- [ ] \n', 'todo.md')).toThrow('todo.md: line 1: a checklist item needs a title');
    expect(() => importMarkdown('- [ ] A\n  after:\n', 'todo.md')).toThrow('todo.md: line 2: "after:" needs a task title or id');
    expect(() => importMarkdown('# Nothing to do\n\nJust prose.\n', 'todo.md')).toThrow('todo.md: no checklist items');
    expect(() => importMarkdown('- [ ] A\n  after: A\n', 'todo.md')).toThrow('todo.md: line 2: an item cannot come after itself');
    const twice = importMarkdown('- [ ] Same\n- [ ] Same\n').plan.tasks.map((t) => t.id);
    expect(twice).toEqual(['same', 'same-2']);
  });
});
