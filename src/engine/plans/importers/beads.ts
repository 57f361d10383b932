/**
 * Beads issues as a plan, from `bd list --json` (a JSON array) or `.beads/issues.jsonl` (one
 * issue per line). Each issue's id, title, description, acceptance_criteria, priority and status
 * come across. A `blocks` dependency (issue_id is blocked by depends_on_id) is an edge. A
 * `parent-child` dependency marks the parent as an epic: not a task, but its children inherit
 * its blockers (a blocker that is itself an epic stands for all of its tasks). Closed issues
 * come in done, and count as merged. Other dependency types are listed as ignored, never dropped
 * silently. Malformed input is refused naming the line (or the array index) and the field.
 */
import { z } from 'zod';
import { matchingBrace } from '../../checks/verdict';
import { SwitchyardError } from '../../../shared/errors';
import type { PlanFileInput } from '../../../shared/plan';
import type { ImportResult } from './types';

const dependency = z.looseObject({
  issue_id: z.string().min(1).optional(),
  depends_on_id: z.string().min(1),
  type: z.string().min(1).default('blocks'),
});

const issue = z.looseObject({
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string().optional().nullable(),
  acceptance_criteria: z.string().optional().nullable(),
  priority: z.number().int().min(0).max(4).optional().nullable(),
  status: z.string().optional().nullable(),
  issue_type: z.string().optional().nullable(),
  dependencies: z.array(dependency).optional().nullable(),
});
type Issue = z.infer<typeof issue>;

/** Parses either shape; `where(i)` says where issue i came from, for errors. */
function readIssues(input: string, file: string): { issues: Issue[]; where: (i: number) => string; skipped: string[] } {
  const text = input.replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  const skipped: string[] = [];
  /** Records that are not issues (memories, a schema header), deleted issues and templates are left out, said so. */
  const keep = (data: unknown, where: string): boolean => {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return true;
    const r = data as Record<string, unknown>;
    if (typeof r._type === 'string' && r._type !== 'issue') {
      skipped.push(`${where}: a "${r._type}" record, not an issue; skipped`);
      return false;
    }
    if (r.status === 'tombstone') {
      skipped.push(`${where}: ${String(r.id)} was deleted in Beads; skipped`);
      return false;
    }
    if (r.is_template === true) {
      skipped.push(`${where}: ${String(r.id)} is a template; skipped`);
      return false;
    }
    return true;
  };
  if (!trimmed) throw new SwitchyardError('invalid-input', `${file}: the file is empty`);
  const check = (data: unknown, where: string): Issue => {
    const r = issue.safeParse(data);
    if (r.success) return r.data;
    const first = r.error.issues[0]!;
    throw new SwitchyardError('invalid-input', `${file}: ${where}: ${first.path.join('.') || '(the issue)'}: ${first.message}`);
  };
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (err) {
      throw new SwitchyardError('invalid-input', `${file}: malformed JSON${atLine(trimmed, (err as Error).message)}: ${(err as Error).message}`);
    }
    const list = (data as unknown[]).map((x, i) => ({ x, i })).filter(({ x, i }) => keep(x, `issue [${i}]`));
    return { issues: list.map(({ x, i }) => check(x, `issue [${i}]`)), where: (k) => `issue [${list[k]!.i}]`, skipped };
  }
  const issues: Issue[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      throw new SwitchyardError('invalid-input', `${file}: line ${i + 1}: malformed JSON: ${(err as Error).message}`);
    }
    if (!keep(data, `line ${i + 1}`)) return;
    issues.push(check(data, `line ${i + 1}`));
    lines.push(i + 1);
  });
  return { issues, where: (i) => `line ${lines[i]}`, skipped };
}

/** " at line N": where the JSON breaks — the position in the error, else the first array element that does not parse. */
function atLine(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  const lineOf = (at: number): string => ` at line ${text.slice(0, at).split('\n').length}`;
  if (m) return lineOf(Number(m[1]));
  // Each issue of the array in turn: the first that does not close or parse is where it breaks.
  for (let start = text.indexOf('{'); start >= 0; ) {
    const end = matchingBrace(text, start);
    try {
      if (end < 0) throw new Error('unclosed');
      JSON.parse(text.slice(start, end + 1));
    } catch {
      return lineOf(start);
    }
    start = text.indexOf('{', end + 1);
  }
  return '';
}

export function importBeads(text: string, file = 'the Beads file'): ImportResult {
  const { issues, where, skipped } = readIssues(text, file);
  const warnings: string[] = [...skipped];
  const byId = new Map<string, Issue>();
  issues.forEach((x, i) => {
    if (byId.has(x.id)) throw new SwitchyardError('invalid-input', `${file}: ${where(i)}: id: "${x.id}" appears twice`);
    byId.set(x.id, x);
  });
  const depsOf = (x: Issue) => (x.dependencies ?? []).map((d) => ({ ...d, issue_id: d.issue_id ?? x.id }));

  // Epics: any issue some other issue names as its parent, or typed epic.
  const childrenOf = new Map<string, string[]>();
  for (const x of issues) {
    for (const d of depsOf(x)) {
      if (d.type !== 'parent-child') continue;
      if (!byId.has(d.depends_on_id)) {
        warnings.push(`${x.id}: its parent ${d.depends_on_id} is not in the file; imported without it`);
        continue;
      }
      childrenOf.set(d.depends_on_id, [...(childrenOf.get(d.depends_on_id) ?? []), x.id]);
    }
  }
  const isEpic = (id: string): boolean => childrenOf.has(id) || byId.get(id)?.issue_type === 'epic';
  /** The tasks an id stands for as a blocker: itself, or an epic's tasks (recursively). */
  const tasksUnder = (id: string, seen = new Set<string>()): string[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    if (!isEpic(id)) return [id];
    return (childrenOf.get(id) ?? []).flatMap((c) => tasksUnder(c, seen));
  };
  const blockersOf = (id: string): string[] => {
    const x = byId.get(id)!;
    return depsOf(x)
      .filter((d) => d.type === 'blocks')
      .map((d) => d.depends_on_id);
  };
  const parentsOf = (id: string): string[] =>
    depsOf(byId.get(id)!)
      .filter((d) => d.type === 'parent-child' && byId.has(d.depends_on_id))
      .map((d) => d.depends_on_id);
  /** Blockers of an issue and of every epic above it. */
  const inherited = (id: string, seen = new Set<string>()): string[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    return [...blockersOf(id), ...parentsOf(id).flatMap((p) => inherited(p, seen))];
  };

  const ignoredTypes = new Map<string, number>();
  for (const x of issues) {
    for (const d of depsOf(x)) {
      if (d.type === 'blocks' || d.type === 'parent-child') continue;
      ignoredTypes.set(d.type, (ignoredTypes.get(d.type) ?? 0) + 1);
      warnings.push(`${x.id}: its "${d.type}" dependency on ${d.depends_on_id} is not an ordering; ignored`);
    }
    for (const d of depsOf(x)) {
      if (d.type === 'blocks' && !byId.has(d.depends_on_id)) warnings.push(`${x.id}: it is blocked by ${d.depends_on_id}, which is not in the file; that edge was dropped`);
    }
  }

  /** Every epic above an issue. */
  const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
    for (const p of parentsOf(id)) {
      if (seen.has(p)) continue;
      seen.add(p);
      ancestors(p, seen);
    }
    return seen;
  };
  const tasks: PlanFileInput['tasks'] = [];
  for (const x of issues) {
    if (isEpic(x.id)) continue;
    const deps = new Set<string>();
    const above = ancestors(x.id);
    for (const b of inherited(x.id)) {
      // Blocked by its own epic is no ordering among the epic's tasks: that would make them wait on each other.
      if (!byId.has(b) || above.has(b)) continue;
      const under = tasksUnder(b);
      if (under.length === 0) warnings.push(`${x.id}: blocked by the epic ${b}, which has no tasks; that edge was dropped`);
      for (const t of under) if (t !== x.id) deps.add(t);
    }
    tasks.push({
      id: x.id,
      title: x.title.slice(0, 200),
      prompt: [x.title, x.description ?? ''].filter(Boolean).join('\n\n'),
      ...(x.acceptance_criteria ? { acceptance_criteria: x.acceptance_criteria } : {}),
      ...(x.priority !== undefined && x.priority !== null ? { priority: x.priority } : {}),
      depends_on: [...deps],
      ...(x.status === 'closed' ? { status: 'done' as const } : {}),
    });
  }
  const epics = issues.filter((x) => isEpic(x.id));
  if (epics.length > 0) warnings.unshift(`${epics.length} epic${epics.length === 1 ? '' : 's'} (${epics.map((e) => e.id).slice(0, 5).join(', ')}) became groupings, not tasks; their tasks inherit their blockers`);
  if (tasks.length === 0) throw new SwitchyardError('invalid-input', `${file}: no issues that could become tasks (only epics)`);
  const name = epics.length === 1 ? epics[0]!.title : `Beads import (${tasks.length} issues)`;
  return { plan: { name: name.slice(0, 200), goal: epics.length === 1 ? (epics[0]!.description ?? '') : '', tasks }, warnings };
}
