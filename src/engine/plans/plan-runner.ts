/**
 * Runs plans: after every change (a task's state, a plan's status or edit, a cap) it asks the
 * scheduler what may start, moves tasks between queued and blocked, writes why each waits, and
 * starts what is ready, each from the integration branch as it is at that moment. A task with
 * several parents starts with a synthesis brief of what they did. When every task of a plan
 * has merged, the plan is done.
 */
import type { EngineEvent } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { Plan } from '../../shared/plan';
import type { Task } from '../../shared/task';
import type { EngineContext } from '../context';
import type { TaskRunner } from '../tasks/runner';
import { synthesisBrief } from './brief';
import type { PlanStore } from './plan-store';
import { decide, describeWait, type SchedPlan } from './scheduler';

export class PlanRunner {
  /** Tasks being started right now: they count as running until their start settles. */
  private readonly starting = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;
  private evaluating: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** How long each decision took (ms), for the benchmark. */
  readonly decisionTimes: number[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly plans: PlanStore,
    private readonly runner: TaskRunner,
    /** Offers a task in review to the merge train (auto-merge plans). */
    private readonly offerMerge: (task: Task) => void = () => {},
  ) {
    // A slow heartbeat too: refused merges are offered again, waiting reasons stay true.
    this.timer = setInterval(() => this.schedule(), 30_000);
    this.timer.unref();
  }

  private readonly timer: NodeJS.Timeout;

  onEvent(e: EngineEvent): void {
    if (e.type === 'task' && e.task.plan) this.schedule();
  }

  /** Coalesces a burst of changes into one evaluation, soon. */
  schedule(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.evaluate();
    });
  }

  /** One evaluation at a time; a change during one asks for another after it. */
  async evaluate(): Promise<void> {
    if (this.evaluating) {
      this.again = true;
      return this.evaluating;
    }
    this.evaluating = this.evaluateOnce()
      .catch(() => {
        // A store that closed under us (shutting down); the next change tries again.
      })
      .finally(() => {
        this.evaluating = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.schedule();
        }
      });
    return this.evaluating;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private async evaluateOnce(): Promise<void> {
    const { store } = this.ctx;
    const active = this.plans.plansWithStatus(['draft', 'running', 'paused']);
    if (active.length === 0) return;
    const tasksOf = new Map<string, Task[]>(active.map((p) => [p.id, store.planTasks(p.id)]));
    const t0 = performance.now();
    const snapshot: SchedPlan[] = active.map((p) => ({
      id: p.id,
      projectId: p.projectId,
      running: p.status === 'running',
      concurrency: p.concurrency,
      tasks: tasksOf.get(p.id)!.map((t) => ({
        taskId: t.id,
        key: t.plan!.key,
        // A task being started counts as running, so it is never started twice.
        state: this.starting.has(t.id) ? 'running' : t.state,
        priority: t.plan!.priority,
        order: t.plan!.order,
        scope: t.plan!.scope,
        parents: t.plan!.parents,
        // Supervision's restart goes through interrupted and starts the task itself.
        resumable: !(t.stateReason ?? '').startsWith('stopped by supervision to restart'),
      })),
    }));
    const d = decide(snapshot, this.ctx.settings().maxParallelAgents);
    this.decisionTimes.push(performance.now() - t0);
    if (this.decisionTimes.length > 1000) this.decisionTimes.shift();

    // One transaction for all the bookkeeping, and a write only where something changed.
    const changed: string[] = [];
    store.atomically(() => {
      for (const plan of active) {
        for (const t of tasksOf.get(plan.id)!) {
          if (this.starting.has(t.id)) continue;
          const reason = d.waiting.get(t.id);
          const text = reason ? (reason.kind === 'paused' ? (plan.status === 'draft' ? 'the plan has not been started' : 'the plan is paused') : describeWait(reason)) : null;
          const waiting = t.state === 'queued' || t.state === 'blocked' ? text : null;
          const waitingChanged = waiting !== t.plan!.waiting && this.plans.setWaiting(t.id, waiting);
          if (t.state === 'queued' && d.blocked.has(t.id)) store.transition(t.id, 'blocked', text ?? 'waiting for its parents to merge');
          else if (t.state === 'blocked' && !d.blocked.has(t.id)) store.transition(t.id, 'queued', 'its parents have merged');
          else if (!waitingChanged) continue;
          changed.push(t.id);
        }
      }
    });
    for (const id of changed) this.ctx.taskChanged(store.task(id));
    for (const plan of active) this.finishIfDone(plan, tasksOf.get(plan.id)!);
    // Work in review that the train has not taken yet (after a restart, or a refusal since resolved).
    for (const plan of active) if (plan.autoMerge && plan.status !== 'draft') for (const t of tasksOf.get(plan.id)!) if (t.state === 'review') this.offerMerge(t);

    for (const { taskId, resume } of d.dispatch) {
      if (this.closed) return;
      this.starting.add(taskId);
      const p = this.start(taskId, resume === true)
        .catch(() => {
          // the store closed while it started (shutting down)
        })
        .finally(() => {
          this.starting.delete(taskId);
          this.inFlight.delete(p);
          this.schedule();
        });
      this.inFlight.add(p);
    }
  }

  /** Resolves when no start is in flight (for a clean shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async start(taskId: string, resume: boolean): Promise<void> {
    const { store } = this.ctx;
    const task = store.task(taskId);
    // The plan may have been paused or stopped, or the task changed, since the decision.
    if (this.closed || this.plans.plan(task.plan!.planId).status !== 'running') return;
    if (resume ? task.state !== 'interrupted' : task.state !== 'queued') return;
    this.plans.setWaiting(taskId, null);
    // Under the task's lock, right before the start: the plan still runs and the task is still its own.
    const precondition = (): void => {
      const now = store.task(taskId);
      if (!now.plan || this.plans.plan(now.plan.planId).status !== 'running' || now.state !== (resume ? 'interrupted' : 'queued')) {
        throw new SwitchyardError('bad-state', 'its plan was paused, stopped or edited meanwhile');
      }
    };
    try {
      if (resume) {
        await this.runner.startTask(taskId, { resume: true, automatic: true, reason: 'resumed by its plan', precondition });
        return;
      }
      const brief = task.plan!.parents.length > 1 ? await synthesisBrief(this.ctx, this.plans, task) : null;
      // The brief becomes part of the task's prompt, so restarts and fix rounds keep it.
      if (brief) {
        store.patchTask(taskId, { prompt: `${brief}\n\n${task.prompt}` });
        store.addNote(taskId, 'started with a synthesis brief of its parents (now at the head of its prompt)');
      }
      await this.runner.startTask(taskId, { reason: `started by its plan${brief ? ', with a synthesis brief of its parents' : ''}`, automatic: true, precondition });
    } catch (err) {
      if (err instanceof SwitchyardError && err.message === 'its plan was paused, stopped or edited meanwhile') return;
      // A task that cannot start fails, saying why; its children stay blocked, the rest go on.
      const now = store.task(taskId);
      if (now.state === 'queued' || now.state === 'interrupted') this.ctx.taskChanged(store.transition(taskId, 'failed', `its plan could not start it: ${(err as Error).message}`));
    }
  }

  private finishIfDone(plan: Plan, tasks: Task[]): void {
    if (plan.status !== 'running' || tasks.length === 0 || !tasks.every((t) => t.state === 'done')) return;
    const next = this.plans.compareAndSet(plan.id, plan.version, { status: 'done' });
    this.ctx.emit({ type: 'plan', plan: next });
  }
}
