/**
 * The merge train: a plan's tasks merge into its integration branch one at a time, in the order
 * they became ready (a child cannot be ready before its parents merged, so dependency order
 * holds by construction, and is checked again here). Each merge is made on a candidate ref
 * first (`refs/switchyard/candidates/<plan>`); where the plan has a verify command it runs on
 * that candidate, and the integration branch moves (compare-and-set) only when it passes. A
 * conflict or a failing candidate sends the task back to Review, marked, with the integration
 * branch unchanged; the rest of the plan goes on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent, TrainResult } from '../../shared/contract';
import { parseCommandLine } from '../../shared/command-line';
import { DEFAULT_VERIFY_TIMEOUT_SEC } from '../../shared/checks';
import { SwitchyardError } from '../../shared/errors';
import type { Plan } from '../../shared/plan';
import type { Task } from '../../shared/task';
import { runTaskCommand, tailOf } from '../checks/task-command';
import type { EngineContext } from '../context';
import { git, gitLine } from '../git/exec';
import { commitIdentityEnv } from '../git/merge';
import { uncommittedFiles } from '../git/worktrees';
import { newId } from '../ids';
import type { RepoSetup } from '../repo-config/repo-setup';
import type { SessionWaiter } from '../tasks/session-waiter';
import type { PlanStore } from './plan-store';

export type { TrainResult };

const RETRY_REFUSED_MS = 30_000;

export class MergeTrain {
  /** Per plan, the merges waiting their turn; one runs at a time per plan. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly queued = new Set<string>();
  /** Candidate verify sessions running now. */
  private readonly sessions = new Set<string>();
  /** When the train last refused each task. */
  private readonly refusedAt = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly plans: PlanStore,
    private readonly deps: { waiter: SessionWaiter; repo: RepoSetup },
  ) {}

  /** Stops a candidate verify under way; its task is left merging, which the next engine settles (reconcileMerging). */
  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.sessions];
    await Promise.all(sessions.map((s) => this.ctx.ptyd()?.kill(s).catch(() => {})));
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  /** With auto-merge on, a plan task that passed its checks joins the train. */
  onEvent(e: EngineEvent): void {
    if (e.type === 'task') this.offer(e.task);
  }

  /**
   * Queues the task if its plan merges by itself and it is ready: in review, its checks passed
   * (or it has none), no conflict. A task the train refused is offered again at most every
   * half minute (its worktree or the integration branch's checkout may have changed).
   */
  offer(t: Task): void {
    if (!t.plan || t.state !== 'review' || this.queued.has(t.id) || this.closed) return;
    const plan = this.plans.plan(t.plan.planId);
    if (!plan.autoMerge || (plan.status !== 'running' && plan.status !== 'paused')) return;
    if (t.gate.escalated || t.flags.conflicts.length > 0 || t.gate.verify === 'failed' || t.gate.verify === 'timeout' || t.gate.verify === 'error') return;
    const refused = this.refusedAt.get(t.id);
    if (refused !== undefined && Date.now() - refused < RETRY_REFUSED_MS) return;
    void this.merge(t.id).catch(() => {});
  }

  /** Queues the task's merge behind its plan's others, and resolves with how it went. */
  merge(taskId: string): Promise<TrainResult> {
    const task = this.ctx.store.task(taskId);
    if (!task.plan) throw new SwitchyardError('invalid-input', 'the task is not part of a plan');
    const planId = task.plan.planId;
    this.queued.add(taskId);
    const prev = this.chains.get(planId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.mergeOne(taskId));
    const settled = next.then(
      () => {},
      () => {},
    ).finally(() => {
      this.queued.delete(taskId);
      if (this.chains.get(planId) === settled) this.chains.delete(planId);
    });
    this.chains.set(planId, settled);
    return next;
  }

  private async mergeOne(taskId: string): Promise<TrainResult> {
    if (this.closed) return { status: 'refused', reason: 'the engine is closing' };
    const { store } = this.ctx;
    const task = store.task(taskId);
    const plan = this.plans.plan(task.plan!.planId);
    const repo = store.project(task.projectId).path;
    const refuse = (reason: string): TrainResult => {
      this.refusedAt.set(taskId, Date.now());
      store.addNote(taskId, `merge train: not merged — ${reason}`);
      this.ctx.taskChanged(store.task(taskId));
      return { status: 'refused', reason };
    };
    if (task.state !== 'review') return refuse(`the task is ${task.state}, not in review`);
    if (!task.branch || !task.worktreePath) return refuse('the task has no branch');
    const siblings = new Map(this.plans.taskIds(plan.id).map((id) => store.task(id)).map((t) => [t.plan!.key, t]));
    const unmerged = task.plan!.parents.filter((k) => siblings.get(k)?.state !== 'done');
    if (unmerged.length > 0) return refuse(`its parents ${unmerged.map((k) => `#${k}`).join(', ')} have not merged`);
    const pending = await uncommittedFiles(task.worktreePath);
    if (pending.length > 0) return refuse(`the worktree has uncommitted changes (${pending.slice(0, 5).join(', ')}); commit them or merge by hand`);
    const checkedOut = await checkedOutAt(repo, plan.integrationBranch);
    if (checkedOut) return refuse(`${plan.integrationBranch} is checked out at ${checkedOut}; switch that checkout to another branch so the train can move it`);

    this.ctx.taskChanged(store.transition(taskId, 'merging', `merging into ${plan.integrationBranch} (merge train)`));
    try {
      const before = await gitLine(['rev-parse', `refs/heads/${plan.integrationBranch}`], { cwd: repo });
      const tip = await gitLine(['rev-parse', `refs/heads/${task.branch}`], { cwd: repo });
      const mt = await git(['merge-tree', '--write-tree', '--name-only', '--no-messages', before, tip], { cwd: repo, okCodes: [1] });
      const [tree, ...rest] = mt.stdout.split('\n').filter(Boolean);
      if (mt.code === 1) {
        const files = rest;
        const t = store.task(taskId);
        this.refusedAt.set(taskId, Date.now());
        this.ctx.taskChanged(
          store.transition(taskId, 'review', `conflicts with ${plan.integrationBranch} in ${files.length} file${files.length === 1 ? '' : 's'}; nothing was merged`, { flags: { ...t.flags, conflicts: files } }),
        );
        return { status: 'conflict', files };
      }
      const env = await commitIdentityEnv(repo);
      const message = `Merge ${task.title} (#${task.plan!.key}) into ${plan.integrationBranch}`;
      const candidate = (await git(['commit-tree', tree!, '-p', before, '-p', tip, '-m', message], { cwd: repo, env })).stdout.trim();
      const candidateRef = `refs/switchyard/candidates/${plan.id}`;
      await git(['update-ref', candidateRef, candidate], { cwd: repo });
      try {
        if (plan.verify) {
          const failed = await this.verifyCandidate(task, plan, repo, candidate);
          // Stopped by a closing engine: nothing is concluded; the next engine settles the task.
          if (this.closed) return { status: 'refused', reason: 'the engine closed during the candidate verify' };
          if (failed !== null) {
            const t = store.task(taskId);
            this.ctx.taskChanged(
              store.transition(taskId, 'review', `the plan's verify failed on the merge candidate; ${plan.integrationBranch} is unchanged`, { gate: { ...t.gate, escalated: 'candidate-failed' } }),
            );
            return { status: 'candidate-failed', tail: failed };
          }
        }
        // Only if nobody moved the integration branch meanwhile.
        await git(['update-ref', '-m', `switchyard: merge train ${task.branch}`, `refs/heads/${plan.integrationBranch}`, candidate, before], { cwd: repo });
      } finally {
        await git(['update-ref', '-d', candidateRef], { cwd: repo, okCodes: [1] }).catch(() => {});
      }
      const t = store.task(taskId);
      this.ctx.taskChanged(store.transition(taskId, 'done', `merged into ${plan.integrationBranch} by the merge train (${candidate.slice(0, 10)})`, { flags: { ...t.flags, conflicts: [] } }));
      return { status: 'merged', commit: candidate };
    } catch (err) {
      // Not offered again at once: a broken repository would otherwise loop the train.
      this.refusedAt.set(taskId, Date.now());
      const now = store.task(taskId);
      if (now.state === 'merging') this.ctx.taskChanged(store.transition(taskId, 'review', `the merge train could not merge it: ${(err as Error).message}`));
      throw err;
    }
  }

  /** Runs the plan's verify on the candidate, in a throwaway detached worktree; null when it passes, else the tail of its output. */
  private async verifyCandidate(task: Task, plan: Plan, repo: string, candidate: string): Promise<string | null> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-candidate-'));
    fs.rmSync(dir, { recursive: true, force: true });
    await git(['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '-q', '--', dir, candidate], { cwd: repo });
    try {
      // Readied like any worktree (copied files, trusted setup), so `npm test` finds its dependencies.
      const notReady = await this.deps.repo.prepareCheckout(task, dir, plan.baseBranch);
      if (notReady) {
        this.ctx.store.addNote(task.id, `merge train: the candidate checkout could not be readied: ${notReady}`);
        return notReady;
      }
      const argv = parseCommandLine(plan.verify!);
      const session = `${task.id}-cv${newId(5)}`;
      this.sessions.add(session);
      const r = await runTaskCommand(this.ctx, this.deps.waiter, {
        task,
        session,
        kind: 'verify',
        title: 'Candidate verify',
        argv,
        env: { ...this.deps.repo.commandEnv(task), SWITCHYARD_WORKTREE: dir },
        cwd: dir,
        timeoutMs: (plan.verifyTimeoutSec ?? DEFAULT_VERIFY_TIMEOUT_SEC) * 1000,
      }).finally(() => this.sessions.delete(session));
      const tail = tailOf(r.lines, 40, 4000);
      this.ctx.store.addNote(task.id, `merge train: the plan's verify ${r.code === 0 ? 'passed' : `failed (exit ${r.code ?? 'unknown'})`} on the candidate ${candidate.slice(0, 10)}${r.code === 0 ? '' : `\n${tail}`}`);
      return r.code === 0 && !r.timedOut ? null : tail || '(no output)';
    } finally {
      await git(['worktree', 'remove', '--force', '--', dir], { cwd: repo, okCodes: [128] }).catch(() => {});
      await git(['worktree', 'prune'], { cwd: repo }).catch(() => {});
    }
  }
}

/** The checkout that has `branch` checked out, if any. */
async function checkedOutAt(repo: string, branch: string): Promise<string | null> {
  const out = await git(['worktree', 'list', '--porcelain'], { cwd: repo });
  let current: string | null = null;
  for (const line of out.stdout.split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line === `branch refs/heads/${branch}`) return current;
  }
  return null;
}
