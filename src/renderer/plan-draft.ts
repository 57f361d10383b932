/**
 * The plan editor's model: a PlanFile being edited, each task with a stable row key (ids can be
 * renamed), and the checks it shows live — the schema's and the graph's rules (planProblems),
 * and tasks whose scopes overlap with no edge ordering them.
 */
import { CUSTOM_PROFILE_ID, type AgentSpec } from '../shared/agents';
import { globError, overlappingGlobs } from '../shared/globs';
import { DEFAULT_PLAN_CONCURRENCY, planFileSchema, planProblems, type PlanFile, type PlanProblem, type PlanTaskSpec } from '../shared/plan';

export interface DraftTask {
  /** Stable across renames, for React keys and selection. */
  row: string;
  spec: PlanTaskSpec;
}

export interface PlanDraft {
  /** Everything but the tasks. */
  head: Omit<PlanFile, 'tasks'>;
  tasks: DraftTask[];
}

let rows = 0;
export const newRow = (): string => `row-${++rows}`;

export function toDraft(file: PlanFile): PlanDraft {
  const { tasks, ...head } = file;
  return { head, tasks: tasks.map((spec) => ({ row: newRow(), spec: { ...spec, depends_on: [...spec.depends_on] } })) };
}

export function emptyPlan(): PlanFile {
  return { version: 1, name: '', goal: '', concurrency: DEFAULT_PLAN_CONCURRENCY, auto_merge: false, tasks: [] };
}

/** The draft as the plan file the engine takes: empty optional fields left out. */
export function toFile(d: PlanDraft): PlanFile {
  return {
    ...d.head,
    tasks: d.tasks.map(({ spec }) => {
      const t: PlanTaskSpec = { ...spec };
      if (t.files_scope && t.files_scope.length === 0) delete t.files_scope;
      if (t.acceptance_criteria !== undefined && t.acceptance_criteria.trim() === '') delete t.acceptance_criteria;
      if (t.agent === undefined) delete t.agent;
      return t;
    }),
  };
}

/** An id not yet taken: task-1, task-2, … */
export function freshId(tasks: readonly DraftTask[], stem = 'task'): string {
  const taken = new Set(tasks.map((t) => t.spec.id));
  for (let i = tasks.length + 1; ; i++) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/**
 * Renames a task and every edge that names it — unless another task has that id too (typing a
 * new id can pass through an existing one): those edges are the other task's, and stay.
 */
export function renameTask(tasks: DraftTask[], row: string, id: string): DraftTask[] {
  const old = tasks.find((t) => t.row === row)?.spec.id;
  const shared = old !== undefined && tasks.some((t) => t.row !== row && t.spec.id === old);
  return tasks.map((t) => {
    const spec = t.row === row ? { ...t.spec, id } : t.spec;
    if (old === undefined || shared || !spec.depends_on.includes(old)) return { ...t, spec };
    return { ...t, spec: { ...spec, depends_on: spec.depends_on.map((d) => (d === old ? id : d)) } };
  });
}

/** Removes a task and the edges to it. */
export function removeTask(tasks: DraftTask[], row: string): DraftTask[] {
  const id = tasks.find((t) => t.row === row)?.spec.id;
  return tasks.filter((t) => t.row !== row).map((t) => (id !== undefined && t.spec.depends_on.includes(id) ? { ...t, spec: { ...t.spec, depends_on: t.spec.depends_on.filter((d) => d !== id) } } : t));
}

// ---- agents: a select's value and a command line, to and from the plan's agent reference ----

/** '' is "the plan's default" (for a task) or "the default agent in Settings" (for the plan). */
export interface AgentChoice {
  profile: string;
  command: string;
}

export function choiceOf(ref: PlanTaskSpec['agent']): AgentChoice {
  if (ref === undefined) return { profile: '', command: '' };
  if (typeof ref === 'string') return { profile: ref, command: '' };
  return { profile: ref.profile, command: 'command' in ref ? ref.command : '' };
}

export function refOf(c: AgentChoice): PlanTaskSpec['agent'] {
  if (c.profile === '') return undefined;
  if (c.profile === CUSTOM_PROFILE_ID) return { profile: CUSTOM_PROFILE_ID, command: c.command };
  return c.profile;
}

export function agentLabel(ref: PlanTaskSpec['agent'] | AgentSpec | null): string {
  if (ref === undefined || ref === null) return 'default agent';
  if (typeof ref === 'string') return ref;
  return 'command' in ref ? `custom: ${ref.command}` : ref.profile;
}

// ---- checks ----

/** The schema's problems (fields) and the graph's (cycles, missing edges, duplicates, globs), in one list. */
export function draftProblems(d: PlanDraft): PlanProblem[] {
  const file = toFile(d);
  const problems: PlanProblem[] = [];
  const parsed = planFileSchema.safeParse(file);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, index, field] = issue.path;
      const where = first === 'tasks' && typeof index === 'number' ? `${file.tasks[index]?.id || `task ${index + 1}`}${field !== undefined ? ` ${String(field)}` : ''}` : issue.path.join('.') || 'plan';
      // Glob errors come from planProblems, with the glob named.
      if (field === 'files_scope') continue;
      problems.push({ where, message: issue.message });
    }
  }
  for (const p of planProblems(file)) if (!problems.some((q) => q.where === p.where && q.message === p.message)) problems.push(p);
  return problems;
}

/** Every task's ancestors (the tasks it waits for, directly or not). Cycles are tolerated. */
export function ancestors(tasks: readonly Pick<PlanTaskSpec, 'id' | 'depends_on'>[]): Map<string, Set<string>> {
  const parents = new Map(tasks.map((t) => [t.id, t.depends_on]));
  const out = new Map<string, Set<string>>();
  for (const t of tasks) {
    const seen = new Set<string>();
    const stack = [...t.depends_on];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(parents.get(id) ?? []));
    }
    out.set(t.id, seen);
  }
  return out;
}

export interface OverlapWarning {
  /** The other task's id. */
  other: string;
  pairs: [string, string][];
}

/**
 * Tasks whose scopes overlap but that no chain of edges orders: the scheduler keeps them apart,
 * but which goes first is left to chance. Keyed by task id, each with the other tasks it overlaps.
 */
export function unorderedOverlaps(tasks: readonly Pick<PlanTaskSpec, 'id' | 'depends_on' | 'files_scope'>[]): Map<string, OverlapWarning[]> {
  const up = ancestors(tasks);
  const scoped = tasks
    .map((t) => ({ id: t.id, globs: (t.files_scope ?? []).filter((g) => g !== '' && globError(g) === null) }))
    .filter((t) => t.globs.length > 0);
  const out = new Map<string, OverlapWarning[]>();
  const add = (id: string, w: OverlapWarning) => out.set(id, [...(out.get(id) ?? []), w]);
  for (let i = 0; i < scoped.length; i++) {
    for (let j = i + 1; j < scoped.length; j++) {
      const a = scoped[i]!;
      const b = scoped[j]!;
      if (a.id === b.id || up.get(a.id)?.has(b.id) || up.get(b.id)?.has(a.id)) continue;
      const pairs = overlappingGlobs(a.globs, b.globs);
      if (pairs.length === 0) continue;
      add(a.id, { other: b.id, pairs });
      add(b.id, { other: a.id, pairs: pairs.map(([x, y]) => [y, x]) });
    }
  }
  return out;
}

export function overlapText(w: OverlapWarning): string {
  return `scope overlaps #${w.other} (${w.pairs.map(([a, b]) => (a === b ? a : `${a} ~ ${b}`)).join(', ')}) and no edge orders them: they never run at once, but which goes first is left to chance`;
}
