/**
 * Plans as the user handles them: import (JSON or YAML, validated by schema and graph rules
 * before anything is created), export, compare-and-set edits, and start / pause / stop. Each
 * plan task is a task whose base branch is the plan's integration branch (`sy/plan/<slug>`,
 * made from the plan's base when the plan is imported).
 */
import { stringify } from 'yaml';
import type { PlanPreview } from '../../shared/contract';
import { fieldPath, validatePlan } from './plan-text';
import { readImport, type ImportFormat } from './importers';
import type { AgentSpec } from '../../shared/agents';
import { SwitchyardError } from '../../shared/errors';
import {
  DEFAULT_PRIORITY,
  describeProblems,
  planFileSchema,
  planProblems,
  type Plan,
  type PlanFile,
  type PlanTaskSpec,
} from '../../shared/plan';
import type { Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import { branchExists, currentBranch } from '../git/repository';
import { slugify } from '../git/worktrees';
import { newId } from '../ids';
import { LIVE_STATES } from '../tasks/lifecycle';
import type { TaskRunner } from '../tasks/runner';
import { PlanStore } from './plan-store';

export class Plans {
  readonly store: PlanStore;

  constructor(
    private readonly ctx: EngineContext,
    private readonly runner: TaskRunner,
    /** Something about a plan changed: the scheduler looks again. */
    private readonly changed: () => void,
  ) {
    this.store = new PlanStore(ctx.store.db);
  }

  list(projectId?: string): Plan[] {
    return this.store.plans(projectId);
  }

  get(planId: string): { plan: Plan; tasks: Task[] } {
    const plan = this.store.plan(planId);
    return { plan, tasks: this.ctx.store.planTasks(planId) };
  }

  /** What importing `text` would create, validated, with the importer's warnings; nothing is created. */
  preview(text: string, format: ImportFormat = 'auto', file?: string): PlanPreview {
    const { plan, warnings, format: detected } = readImport(text, format, file);
    const spec = validatePlan(plan, file);
    return { format: detected, plan: spec, warnings, edges: spec.tasks.reduce((n, t) => n + t.depends_on.length, 0), done: spec.tasks.filter((t) => t.status === 'done').length };
  }

  async importText(projectId: string, text: string, file?: string, format: ImportFormat = 'auto'): Promise<{ plan: Plan; tasks: Task[] }> {
    return this.create(projectId, this.preview(text, format, file).plan);
  }

  /** Creates a plan (status draft) from a validated file: its integration branch, then its tasks, in one transaction. */
  async create(projectId: string, spec: PlanFile): Promise<{ plan: Plan; tasks: Task[] }> {
    const { store } = this.ctx;
    const project = store.project(projectId);
    const base = spec.base ?? (await currentBranch(project.path));
    if (!base) throw new SwitchyardError('unknown-branch', `${project.path} has a detached HEAD; name the plan's base branch (base:)`);
    if (!(await branchExists(project.path, base))) throw new SwitchyardError('unknown-branch', `the plan's base branch "${base}" does not exist`);
    const integration = spec.integration_branch ?? `sy/plan/${slugify(spec.name)}`;
    if ((await branchExists(project.path, integration)) || this.store.integrationBranchTaken(projectId, integration)) {
      throw new SwitchyardError('branch-exists', `the integration branch "${integration}" already exists; name another with integration_branch:`);
    }
    // Every task's agent is known before anything is made.
    const agents = spec.tasks.map((t) => this.agentFor(t, spec, project.path));
    const check = await git(['check-ref-format', '--branch', integration], { cwd: project.path, okCodes: [1, 128] });
    if (check.code !== 0) throw new SwitchyardError('invalid-input', `"${integration}" is not a valid branch name`);
    await git(['branch', '--', integration, `refs/heads/${base}`], { cwd: project.path });
    const planId = newId();
    try {
      store.atomically(() => {
        this.store.insert({
          id: planId,
          projectId,
          baseBranch: base,
          integrationBranch: integration,
          ...planSettings(spec),
          status: 'draft',
        });
        spec.tasks.forEach((t, i) => this.addTask(planId, projectId, integration, t, i, agents[i]!));
      });
    } catch (err) {
      // The branch is new and holds nothing of anyone's: it goes with the failed import.
      await git(['branch', '-D', '--', integration], { cwd: project.path, okCodes: [1] }).catch(() => {});
      throw err;
    }
    this.changed();
    return this.get(planId);
  }

  private addTask(planId: string, projectId: string, integration: string, t: PlanTaskSpec, order: number, agent: AgentSpec): Task {
    const { store } = this.ctx;
    const created = store.createTask({
      id: newId(),
      projectId,
      title: t.title,
      prompt: t.prompt,
      baseBranch: integration,
      agent,
      checks: t.acceptance_criteria ? { acceptanceCriteria: t.acceptance_criteria } : {},
      // Finished elsewhere (a closed Beads issue): merged as far as the plan is concerned.
      ...(t.status === 'done' ? { state: 'done' as const, reason: 'imported as already done' } : {}),
    });
    this.store.setTaskPlan(created.id, planId, {
      key: t.id,
      order,
      priority: t.priority ?? DEFAULT_PRIORITY,
      scope: t.files_scope && t.files_scope.length > 0 ? t.files_scope : null,
      parents: t.depends_on,
    });
    return this.ctx.taskChanged(store.task(created.id));
  }

  private agentFor(t: PlanTaskSpec, spec: PlanFile, repo: string): AgentSpec {
    const ref = t.agent ?? spec.agent;
    const agent = ref ? toAgentSpec(ref) : this.ctx.settings().defaultAgent;
    if (!agent) throw new SwitchyardError('invalid-input', `task "${t.id}" has no agent: set agent: on the plan or the task, or a default agent in settings`);
    this.ctx.agents.requireProfile(agent, repo);
    return agent;
  }

  /** The plan as a file (the format it was imported in), for export and for editing. */
  toFile(planId: string): PlanFile {
    const { plan, tasks } = this.get(planId);
    return {
      version: 1,
      name: plan.name,
      goal: plan.goal,
      base: plan.baseBranch,
      integration_branch: plan.integrationBranch,
      concurrency: plan.concurrency,
      ...(plan.agent ? { agent: plan.agent } : {}),
      ...(plan.verify ? { verify: plan.verifyTimeoutSec ? { command: plan.verify, timeout: plan.verifyTimeoutSec } : plan.verify } : {}),
      ...(plan.maxFixIterations !== null ? { max_fix_iterations: plan.maxFixIterations } : {}),
      auto_merge: plan.autoMerge,
      tasks: tasks.map((t) => ({
        id: t.plan!.key,
        title: t.title,
        prompt: t.prompt,
        agent: t.agent,
        ...(t.plan!.scope ? { files_scope: t.plan!.scope } : {}),
        priority: t.plan!.priority,
        ...(t.checks.acceptanceCriteria ? { acceptance_criteria: t.checks.acceptanceCriteria } : {}),
        depends_on: t.plan!.parents,
        ...(t.state === 'done' ? { status: 'done' as const } : {}),
      })),
    };
  }

  exportText(planId: string, format: 'yaml' | 'json'): string {
    const file = this.toFile(planId);
    return format === 'json' ? `${JSON.stringify(file, null, 2)}\n` : stringify(file);
  }

  /**
   * Replaces the plan's definition with `input`, if the plan is still at `expectedVersion`.
   * Tasks are matched by id: new ones are added, missing ones that never started are removed
   * (cancelled), and ones that started keep their place in the graph. All or nothing.
   */
  update(planId: string, expectedVersion: number, input: unknown): { plan: Plan; tasks: Task[] } {
    const { store } = this.ctx;
    const parsed = planFileSchema.safeParse(input);
    if (!parsed.success) throw new SwitchyardError('invalid-input', parsed.error.issues.slice(0, 5).map((i) => `${fieldPath(i.path, input)}: ${i.message}`).join('; '));
    const spec = parsed.data;
    const problems = planProblems(spec);
    if (problems.length > 0) throw new SwitchyardError('invalid-input', describeProblems(problems));
    const current = this.get(planId);
    const project = store.project(current.plan.projectId);
    if (spec.base && spec.base !== current.plan.baseBranch) throw new SwitchyardError('invalid-input', 'a plan’s base branch cannot change once it exists');
    if (spec.integration_branch && spec.integration_branch !== current.plan.integrationBranch) throw new SwitchyardError('invalid-input', 'a plan’s integration branch cannot change once it exists');
    const byKey = new Map(current.tasks.map((t) => [t.plan!.key, t]));
    const agents = spec.tasks.map((t) => this.agentFor(t, spec, project.path));
    if (current.plan.status === 'done') throw new SwitchyardError('bad-state', 'the plan is done: every task has merged; import a new plan for more work');
    // Work that has started keeps what it started with: its edges, scope, title, prompt and agent
    // are history (a change is refused, never ignored); only its priority and place may move.
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    for (const [i, t] of spec.tasks.entries()) {
      const old = byKey.get(t.id);
      if (!old || old.state === 'queued' || old.state === 'blocked') continue;
      const changed = [
        !same([...old.plan!.parents].sort(), [...t.depends_on].sort()) && 'depends_on',
        !same(old.plan!.scope ?? [], t.files_scope ?? []) && 'files_scope',
        old.title !== t.title && 'title',
        !old.prompt.endsWith(t.prompt) && 'prompt',
        !same(old.agent, agents[i]) && 'agent',
      ].filter(Boolean);
      if (changed.length > 0) throw new SwitchyardError('bad-state', `task "${t.id}" has started (${old.state}); its ${changed.join(', ')} cannot change`);
    }
    const keep = new Set(spec.tasks.map((t) => t.id));
    for (const old of current.tasks) {
      if (!keep.has(old.plan!.key) && !['queued', 'blocked', 'cancelled', 'failed'].includes(old.state)) {
        throw new SwitchyardError('bad-state', `task "${old.plan!.key}" is ${old.state}; it cannot be removed from the plan until it is stopped (or has failed)`);
      }
    }
    store.atomically(() => {
      this.store.compareAndSet(planId, expectedVersion, planSettings(spec));
      spec.tasks.forEach((t, i) => {
        const old = byKey.get(t.id);
        if (!old) return this.addTask(planId, project.id, current.plan.integrationBranch, t, i, agents[i]!);
        const waiting = old.state === 'queued' || old.state === 'blocked';
        if (waiting) store.patchTask(old.id, { title: t.title, prompt: t.prompt, agent: agents[i]!, checks: { ...old.checks, acceptanceCriteria: t.acceptance_criteria } });
        this.store.setTaskPlan(old.id, planId, {
          key: t.id,
          order: i,
          priority: t.priority ?? DEFAULT_PRIORITY,
          scope: t.files_scope && t.files_scope.length > 0 ? t.files_scope : null,
          parents: t.depends_on,
        });
        return this.ctx.taskChanged(store.task(old.id));
      });
      for (const old of current.tasks) {
        if (keep.has(old.plan!.key)) continue;
        // Out of the plan for good: a task of its own, kept with its history (a failed one stays failed).
        if (old.state === 'queued' || old.state === 'blocked') store.transition(old.id, 'cancelled', 'removed from its plan');
        else store.addNote(old.id, 'removed from its plan');
        this.store.detach(old.id);
        this.ctx.taskChanged(store.task(old.id));
      }
    });
    this.changed();
    return this.get(planId);
  }

  /** Starts (or resumes) dispatching; `autoMerge` turns merging without review on or off. */
  start(planId: string, opts: { autoMerge?: boolean } = {}): Plan {
    const plan = this.store.plan(planId);
    if (plan.status === 'done') throw new SwitchyardError('bad-state', 'the plan is done: every task has merged');
    const next = this.store.compareAndSet(planId, plan.version, { status: 'running', ...(opts.autoMerge !== undefined ? { autoMerge: opts.autoMerge } : {}) });
    this.changed();
    return next;
  }

  /** Running tasks finish; nothing new starts. */
  pause(planId: string): Plan {
    const plan = this.store.plan(planId);
    if (plan.status !== 'running') throw new SwitchyardError('bad-state', `the plan is ${plan.status}, not running`);
    const next = this.store.compareAndSet(planId, plan.version, { status: 'paused' });
    this.changed();
    return next;
  }

  /** Nothing new starts, and the plan's running agents are stopped (their work stays). */
  async stop(planId: string): Promise<Plan> {
    const plan = this.store.plan(planId);
    if (plan.status === 'done') throw new SwitchyardError('bad-state', 'the plan is done: every task has merged');
    const next = this.store.compareAndSet(planId, plan.version, { status: 'stopped' });
    for (const id of this.store.taskIds(planId)) {
      // Interrupted, not cancelled: starting the plan again resumes them where they were.
      if (LIVE_STATES.includes(this.ctx.store.task(id).state)) await this.runner.stopTask(id, { to: 'interrupted', reason: 'stopped with its plan' }).catch(() => {});
    }
    this.changed();
    return next;
  }
}

function toAgentSpec(ref: string | AgentSpec): AgentSpec {
  return typeof ref === 'string' ? { profile: ref } : ref;
}

/** The plan-wide settings of a plan file, as the store keeps them. */
function planSettings(spec: PlanFile): Pick<Plan, 'name' | 'goal' | 'concurrency' | 'agent' | 'verify' | 'verifyTimeoutSec' | 'maxFixIterations' | 'autoMerge'> {
  return {
    name: spec.name,
    goal: spec.goal,
    concurrency: spec.concurrency,
    agent: spec.agent ? toAgentSpec(spec.agent) : null,
    verify: typeof spec.verify === 'string' ? spec.verify : (spec.verify?.command ?? null),
    verifyTimeoutSec: typeof spec.verify === 'object' ? (spec.verify.timeout ?? null) : null,
    maxFixIterations: spec.max_fix_iterations ?? null,
    autoMerge: spec.auto_merge,
  };
}
