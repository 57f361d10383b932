/**
 * Plans: a named goal as a graph of tasks with `depends_on` edges (a parent blocks its
 * children until it has merged into the plan's integration branch). This is the plan file
 * format (JSON or YAML; schema published as schemas/plan.schema.json) that the CLI imports and
 * exports, and the importers and the planner agent produce. `validatePlan` applies the graph
 * rules on every change: no duplicate ids, no edge to a missing task, no cycle (the error names
 * it), no invalid glob.
 */
import { z } from 'zod';
import { agentSpecSchema, profileIdSchema, type AgentSpec } from './agents';
import { globError } from './globs';
import { verifyCommandSchema } from './checks';

export const PLAN_FORMAT_VERSION = 1;
export const DEFAULT_PLAN_CONCURRENCY = 3;
/** Priority 0 is the most urgent (as in Beads); tasks without one count as 2. */
export const DEFAULT_PRIORITY = 2;

const taskId = z
  .string()
  .trim()
  .min(1, 'a task id cannot be empty')
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'task ids are letters, digits, ".", "_" and "-", starting with a letter or digit');

const agentRef = z.union([profileIdSchema, agentSpecSchema]);

const verifySetting = z.union([verifyCommandSchema, z.strictObject({ command: verifyCommandSchema, timeout: z.number().int().min(1).max(24 * 3600).optional() })]);

export const planTaskSchema = z.strictObject({
  id: taskId,
  title: z.string().trim().min(1, 'a task needs a title').max(200),
  prompt: z.string().max(100_000).default(''),
  agent: agentRef.optional(),
  /** Globs of the files this task may touch; tasks whose scopes overlap never run at once. */
  files_scope: z.array(z.string().max(1024)).max(200).optional(),
  priority: z.number().int().min(0).max(4).optional(),
  acceptance_criteria: z.string().max(20_000).optional(),
  /** Ids of the tasks that must merge before this one starts. */
  depends_on: z.array(taskId).max(1000).default([]),
  /** "done": already finished elsewhere (a closed Beads issue); counts as merged, never runs. */
  status: z.enum(['open', 'done']).optional(),
});

export const planFileSchema = z.strictObject({
  version: z.literal(PLAN_FORMAT_VERSION).default(PLAN_FORMAT_VERSION),
  name: z.string().trim().min(1, 'a plan needs a name').max(200),
  goal: z.string().max(100_000).default(''),
  /** The branch the plan starts from and finally merges into; the repository's current branch if absent. */
  base: z.string().trim().min(1).max(255).optional(),
  /** Default `sy/plan/<slug of the name>`. */
  integration_branch: z.string().trim().min(1).max(255).optional(),
  concurrency: z.number().int().min(1).max(64).default(DEFAULT_PLAN_CONCURRENCY),
  agent: agentRef.optional(),
  verify: verifySetting.optional(),
  max_fix_iterations: z.number().int().min(0).max(20).optional(),
  auto_merge: z.boolean().default(false),
  tasks: z.array(planTaskSchema).max(5000),
});

export type PlanFile = z.output<typeof planFileSchema>;
export type PlanFileInput = z.input<typeof planFileSchema>;
export type PlanTaskSpec = z.output<typeof planTaskSchema>;

export const PLAN_STATUSES = ['draft', 'running', 'paused', 'stopped', 'done'] as const;
/** draft: imported, nothing dispatched; running: dispatching; paused: running tasks finish, nothing new starts; stopped: its agents were stopped; done: every task merged. */
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A plan as the engine keeps it. */
export interface Plan {
  id: string;
  projectId: string;
  name: string;
  goal: string;
  baseBranch: string;
  integrationBranch: string;
  concurrency: number;
  agent: AgentSpec | null;
  verify: string | null;
  verifyTimeoutSec: number | null;
  maxFixIterations: number | null;
  autoMerge: boolean;
  status: PlanStatus;
  /** Bumped by every change: edits say which version they started from (compare-and-set). */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** What a task knows of its plan. */
export interface TaskPlanRef {
  planId: string;
  /** The plan-local id ("#build" in messages). */
  key: string;
  order: number;
  priority: number;
  scope: string[] | null;
  parents: string[];
  /** Why it does not run yet ("waiting for #a, #b", "scope overlaps #c", "cap reached"), or null. */
  waiting: string | null;
}

/** One broken rule, with where it is (a task id, or a field path). */
export interface PlanProblem {
  where: string;
  message: string;
}

/**
 * The graph rules. Returns every problem found (empty when the plan is valid); a cycle is
 * reported once, as the path that closes it: "a → b → c → a".
 */
export function planProblems(plan: Pick<PlanFile, 'tasks'>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const ids = new Set<string>();
  for (const [i, t] of plan.tasks.entries()) {
    if (ids.has(t.id)) problems.push({ where: `tasks[${i}]`, message: `duplicate task id "${t.id}"` });
    ids.add(t.id);
  }
  for (const t of plan.tasks) {
    for (const d of t.depends_on) {
      if (!ids.has(d)) problems.push({ where: t.id, message: `depends on "${d}", which is not a task of this plan` });
      else if (d === t.id) problems.push({ where: t.id, message: 'depends on itself' });
    }
    if (new Set(t.depends_on).size !== t.depends_on.length) problems.push({ where: t.id, message: 'lists the same dependency twice' });
    for (const g of t.files_scope ?? []) {
      const err = globError(g);
      if (err) problems.push({ where: t.id, message: `files_scope: ${err}` });
    }
  }
  const cycle = findCycle(plan.tasks);
  if (cycle) problems.push({ where: cycle[0]!, message: `the dependencies form a cycle: ${cycle.join(' → ')}` });
  return problems;
}

/** A cycle as a list of ids whose last equals its first, or null. Iterative: 5,000 tasks deep is fine. */
export function findCycle(tasks: readonly Pick<PlanTaskSpec, 'id' | 'depends_on'>[]): string[] | null {
  const deps = new Map(tasks.map((t) => [t.id, t.depends_on.filter((d) => d !== t.id)]));
  const state = new Map<string, 'open' | 'done'>();
  for (const start of deps.keys()) {
    if (state.has(start)) continue;
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = deps.get(top.id) ?? [];
      if (top.next >= children.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const child = children[top.next++]!;
      if (!deps.has(child)) continue;
      const s = state.get(child);
      if (s === 'open') {
        const from = stack.findIndex((f) => f.id === child);
        return [...stack.slice(from).map((f) => f.id), child];
      }
      if (s === undefined) {
        state.set(child, 'open');
        stack.push({ id: child, next: 0 });
      }
    }
  }
  return null;
}

/** Formats problems as one message: the first few, and how many more. */
export function describeProblems(problems: readonly PlanProblem[], max = 5): string {
  const shown = problems.slice(0, max).map((p) => `${p.where}: ${p.message}`);
  const more = problems.length > max ? `; and ${problems.length - max} more` : '';
  return `${shown.join('; ')}${more}`;
}
