/** Plans, and their tasks' plan columns, as rows of the engine's SQLite store (migration 7). */
import type { AgentSpec } from '../../shared/agents';
import { SwitchyardError } from '../../shared/errors';
import type { Plan, PlanStatus } from '../../shared/plan';
import type { Db } from '../store/db';

interface PlanRow {
  id: string;
  project_id: string;
  name: string;
  goal: string;
  base_branch: string;
  integration_branch: string;
  concurrency: number;
  agent_json: string | null;
  verify: string | null;
  verify_timeout: number | null;
  max_fix_iterations: number | null;
  auto_merge: number;
  status: PlanStatus;
  version: number;
  created_at: number;
  updated_at: number;
}

const toPlan = (r: PlanRow): Plan => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  goal: r.goal,
  baseBranch: r.base_branch,
  integrationBranch: r.integration_branch,
  concurrency: r.concurrency,
  agent: r.agent_json ? (JSON.parse(r.agent_json) as AgentSpec) : null,
  verify: r.verify,
  verifyTimeoutSec: r.verify_timeout,
  maxFixIterations: r.max_fix_iterations,
  autoMerge: r.auto_merge === 1,
  status: r.status,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The plan fields an edit may change. */
export type PlanPatch = Partial<Pick<Plan, 'name' | 'goal' | 'concurrency' | 'agent' | 'verify' | 'verifyTimeoutSec' | 'maxFixIterations' | 'autoMerge' | 'status'>>;

export interface PlanTaskColumns {
  key: string;
  order: number;
  priority: number;
  scope: string[] | null;
  parents: string[];
}

export class PlanStore {
  constructor(private readonly db: Db) {}

  insert(p: Omit<Plan, 'version' | 'createdAt' | 'updatedAt'>, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO plans (id, project_id, name, goal, base_branch, integration_branch, concurrency, agent_json, verify, verify_timeout, max_fix_iterations, auto_merge, status, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      )
      .run(
        p.id,
        p.projectId,
        p.name,
        p.goal,
        p.baseBranch,
        p.integrationBranch,
        p.concurrency,
        p.agent ? JSON.stringify(p.agent) : null,
        p.verify,
        p.verifyTimeoutSec,
        p.maxFixIterations,
        p.autoMerge ? 1 : 0,
        p.status,
        now,
        now,
      );
  }

  plan(id: string): Plan {
    const r = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
    if (!r) throw new SwitchyardError('not-found', `no plan ${id}`);
    return toPlan(r);
  }

  plans(projectId?: string): Plan[] {
    const rows = projectId ? this.db.prepare('SELECT * FROM plans WHERE project_id = ? ORDER BY created_at').all(projectId) : this.db.prepare('SELECT * FROM plans ORDER BY created_at').all();
    return (rows as PlanRow[]).map(toPlan);
  }

  plansWithStatus(statuses: readonly PlanStatus[]): Plan[] {
    const marks = statuses.map(() => '?').join(',');
    return (this.db.prepare(`SELECT * FROM plans WHERE status IN (${marks}) ORDER BY created_at`).all(...statuses) as PlanRow[]).map(toPlan);
  }

  integrationBranchTaken(projectId: string, branch: string): boolean {
    return this.db.prepare('SELECT 1 AS one FROM plans WHERE project_id = ? AND integration_branch = ?').get(projectId, branch) !== undefined;
  }

  /**
   * Applies `patch` only if the plan is still at `expectedVersion`, and bumps the version. A
   * stale write is refused, naming both versions; call inside the transaction that makes the
   * rest of the edit, so nothing is half-applied.
   */
  compareAndSet(id: string, expectedVersion: number, patch: PlanPatch, now = Date.now()): Plan {
    const cols: [string, unknown][] = [];
    if (patch.name !== undefined) cols.push(['name', patch.name]);
    if (patch.goal !== undefined) cols.push(['goal', patch.goal]);
    if (patch.concurrency !== undefined) cols.push(['concurrency', patch.concurrency]);
    if (patch.agent !== undefined) cols.push(['agent_json', patch.agent ? JSON.stringify(patch.agent) : null]);
    if (patch.verify !== undefined) cols.push(['verify', patch.verify]);
    if (patch.verifyTimeoutSec !== undefined) cols.push(['verify_timeout', patch.verifyTimeoutSec]);
    if (patch.maxFixIterations !== undefined) cols.push(['max_fix_iterations', patch.maxFixIterations]);
    if (patch.autoMerge !== undefined) cols.push(['auto_merge', patch.autoMerge ? 1 : 0]);
    if (patch.status !== undefined) cols.push(['status', patch.status]);
    const sets = [...cols.map(([c]) => `${c} = ?`), 'version = version + 1', 'updated_at = ?'].join(', ');
    const r = this.db.prepare(`UPDATE plans SET ${sets} WHERE id = ? AND version = ?`).run(...cols.map(([, v]) => v), now, id, expectedVersion);
    if (r.changes === 0) {
      const current = this.plan(id);
      throw new SwitchyardError('conflict', `the plan changed since you loaded it (you had version ${expectedVersion}; it is now at ${current.version}); reload it and make your change again`);
    }
    return this.plan(id);
  }

  /** Sets a task's plan columns (its place in the graph). */
  setTaskPlan(taskId: string, planId: string, c: PlanTaskColumns): void {
    this.db
      .prepare('UPDATE tasks SET plan_id = ?, plan_key = ?, plan_order = ?, priority = ?, files_scope_json = ?, plan_parents_json = ? WHERE id = ?')
      .run(planId, c.key, c.order, c.priority, c.scope ? JSON.stringify(c.scope) : null, JSON.stringify(c.parents), taskId);
  }

  /** Takes a task out of its plan (removed by an edit): it stays, as a task of its own. */
  detach(taskId: string): void {
    this.db.prepare('UPDATE tasks SET plan_id = NULL, plan_key = NULL, plan_order = NULL, plan_parents_json = NULL, plan_wait = NULL WHERE id = ?').run(taskId);
  }

  /** Why a plan task waits; written only when it changes, so the board sees each change once. Returns whether it changed. */
  setWaiting(taskId: string, waiting: string | null): boolean {
    const r = this.db.prepare('UPDATE tasks SET plan_wait = ? WHERE id = ? AND plan_wait IS NOT ?').run(waiting, taskId, waiting);
    return r.changes > 0;
  }

  taskIds(planId: string): string[] {
    return (this.db.prepare('SELECT id FROM tasks WHERE plan_id = ? ORDER BY plan_order').all(planId) as { id: string }[]).map((r) => r.id);
  }
}
