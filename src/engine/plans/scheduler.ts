/**
 * The plan scheduler's decision, as a pure function of the plans' tasks: which tasks to start
 * now, and why each other one waits. A task is dispatchable when every parent has merged into
 * the plan's integration branch (a failed or cancelled parent never unblocks it), fewer tasks
 * run than the plan's cap and the global cap, and its files_scope overlaps no running task's in
 * the same repository. Dispatch goes by priority (0 first), then plan order.
 *
 * It runs on every state change, so it is linear in tasks + edges, and it compares scopes only
 * against the running tasks (at most the caps).
 */
import { scopesOverlap } from '../../shared/globs';
import type { TaskState } from '../../shared/task';

export interface SchedTask {
  taskId: string;
  /** The plan-local id, for messages ("waiting for #build"). */
  key: string;
  state: TaskState;
  priority: number;
  /** Position in the plan. */
  order: number;
  scope: readonly string[] | null;
  /** Plan-local ids of the tasks that must merge first. */
  parents: readonly string[];
  /** For an interrupted task: false when someone else (supervision) is already restarting it. */
  resumable?: boolean;
}

export interface SchedPlan {
  id: string;
  projectId: string;
  /** Only running plans dispatch; paused ones let their running tasks finish. */
  running: boolean;
  concurrency: number;
  tasks: readonly SchedTask[];
}

export type WaitReason =
  | { kind: 'parents'; keys: string[]; failed: string[] }
  | { kind: 'scope'; keys: string[] }
  | { kind: 'plan-cap'; cap: number }
  | { kind: 'global-cap'; cap: number }
  | { kind: 'paused' };

export interface Decision {
  /** Tasks to start, in order; `resume` for an interrupted one (its agent stopped with the plan, or lost in a crash). */
  dispatch: { planId: string; taskId: string; resume?: boolean }[];
  /** Why each task that could run later does not run now. */
  waiting: Map<string, WaitReason>;
  /** Tasks whose parents have not all merged (they belong in `blocked`), and ready ones (`queued`). */
  blocked: Set<string>;
}

/**
 * States in which a task holds its slot and its scope: its agent (or its checks) runs, or it
 * was interrupted (stopped with its plan, lost in a crash, restarted by supervision) and will
 * go on where it was; nothing else may take its place meanwhile.
 */
const LIVE: readonly TaskState[] = ['running', 'verifying', 'interrupted'];
/** States from which the scheduler may start a task. */
const WAITING: readonly TaskState[] = ['queued', 'blocked'];
/** A parent in these states will never merge by itself. */
const DEAD: readonly TaskState[] = ['failed', 'cancelled'];

export function decide(plans: readonly SchedPlan[], globalCap: number): Decision {
  const dispatch: Decision['dispatch'] = [];
  const waiting = new Map<string, WaitReason>();
  const blocked = new Set<string>();
  let globalRunning = 0;
  const runningScopes = new Map<string, { key: string; scope: readonly string[] | null }[]>();
  const planRunning = new Map<string, number>();
  for (const p of plans) {
    let n = 0;
    for (const t of p.tasks) {
      if (!LIVE.includes(t.state)) continue;
      n++;
      const list = runningScopes.get(p.projectId) ?? [];
      list.push({ key: t.key, scope: t.scope });
      runningScopes.set(p.projectId, list);
    }
    planRunning.set(p.id, n);
    globalRunning += n;
  }

  const candidates: { plan: SchedPlan; task: SchedTask }[] = [];
  for (const p of plans) {
    const stateOf = new Map(p.tasks.map((t) => [t.key, t.state]));
    for (const t of p.tasks) {
      // Interrupted work goes on first when its plan runs; it already holds its slot.
      if (t.state === 'interrupted' && p.running && t.resumable !== false) {
        dispatch.push({ planId: p.id, taskId: t.taskId, resume: true });
        continue;
      }
      if (!WAITING.includes(t.state)) continue;
      const pending = t.parents.filter((k) => stateOf.get(k) !== 'done');
      if (pending.length > 0) {
        blocked.add(t.taskId);
        waiting.set(t.taskId, { kind: 'parents', keys: pending, failed: pending.filter((k) => DEAD.includes(stateOf.get(k) ?? 'queued')) });
        continue;
      }
      if (!p.running) {
        waiting.set(t.taskId, { kind: 'paused' });
        continue;
      }
      candidates.push({ plan: p, task: t });
    }
  }
  candidates.sort((a, b) => a.task.priority - b.task.priority || a.task.order - b.task.order || a.plan.id.localeCompare(b.plan.id));

  for (const { plan, task } of candidates) {
    if (globalRunning >= globalCap) {
      waiting.set(task.taskId, { kind: 'global-cap', cap: globalCap });
      continue;
    }
    if ((planRunning.get(plan.id) ?? 0) >= plan.concurrency) {
      waiting.set(task.taskId, { kind: 'plan-cap', cap: plan.concurrency });
      continue;
    }
    const live = runningScopes.get(plan.projectId) ?? [];
    const clashes = live.filter((r) => scopesOverlap(task.scope, r.scope)).map((r) => r.key);
    if (clashes.length > 0) {
      waiting.set(task.taskId, { kind: 'scope', keys: clashes });
      continue;
    }
    dispatch.push({ planId: plan.id, taskId: task.taskId });
    globalRunning++;
    planRunning.set(plan.id, (planRunning.get(plan.id) ?? 0) + 1);
    live.push({ key: task.key, scope: task.scope });
    runningScopes.set(plan.projectId, live);
  }
  return { dispatch, waiting, blocked };
}

/** One line for the card: "waiting for #a, #b", "scope overlaps #c", "cap reached". */
export function describeWait(r: WaitReason): string {
  const refs = (keys: string[]): string => keys.map((k) => `#${k}`).join(', ');
  switch (r.kind) {
    case 'parents':
      return r.failed.length > 0 ? `blocked: ${refs(r.failed)} failed or was stopped` : `waiting for ${refs(r.keys)}`;
    case 'scope':
      return `scope overlaps ${refs(r.keys)}`;
    case 'plan-cap':
      return `cap reached (${r.cap} at once in this plan)`;
    case 'global-cap':
      return `cap reached (${r.cap} at once across plans)`;
    case 'paused':
      return 'the plan is paused';
  }
}
