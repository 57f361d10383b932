/**
 * The verify gate and the fix loop. When an agent exits with 0 or reports done (or the user
 * asks), the task becomes `verifying`: uncommitted work is committed, the verify command runs,
 * then the reviewer agent if one is set. A failure, or a reviewer asking for changes, sends the
 * agent back with the reason while fix rounds remain; when they run out the task goes to Review
 * marked, never merged and never retried forever. Only the user moves a task on from Review.
 *
 * Each gate run owns the task's `verifying` state until it ends: a run that was stopped,
 * superseded by a newer one, or outlived its engine writes nothing more.
 */
import type { FeedbackResult } from '../../shared/contract';
import {
  EMPTY_GATE,
  FIX_PROMPT_TAIL_CHARS,
  type EffectiveChecks,
  type GateSummary,
  type ReviewerRun,
  type VerifyRun,
  type VerifyTrigger,
} from '../../shared/checks';
import { SwitchyardError } from '../../shared/errors';
import { notWaiting, type Task, type TaskState } from '../../shared/task';
import type { EngineContext } from '../context';
import type { RepoSetup } from '../repo-config/repo-setup';
import type { SessionWaiter } from '../tasks/session-waiter';
import type { StartOptions } from '../tasks/runner';
import type { ChecksStore } from './checks-store';
import type { ChecksResolver } from './effective';
import { runReviewer } from './reviewer-run';
import { commitAgentWork, recordVerifyError, runVerify } from './verify-run';

/** States a verify can be asked for in: the agent has finished, one way or another. */
const VERIFIABLE: readonly TaskState[] = ['review', 'failed', 'cancelled', 'interrupted'];

export interface GateDeps {
  repo: RepoSetup;
  checks: ChecksResolver;
  runs: ChecksStore;
  waiter: SessionWaiter;
  /** Starts the task's agent again (the fix loop's restarts are automatic). */
  start: (taskId: string, opts: StartOptions) => Promise<Task>;
  /** Types feedback into a running agent. */
  feedback: (taskId: string, message: string) => Promise<FeedbackResult>;
  /** The user asked this agent session to stop: its "done" or exit must not start a verify. */
  isStopping: (session: string) => boolean;
}

interface Active {
  trigger: VerifyTrigger;
  session: string | null;
  aborted: boolean;
  /** How a stop ends the task: cancelled by the user, or interrupted (its plan was stopped, to resume later). */
  stop: { to: 'cancelled' | 'interrupted' | 'failed'; reason: string };
}

export class CheckGate {
  /** Tasks whose gate is running now, with the verify or reviewer session to stop. */
  private readonly active = new Map<string, Active>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: GateDeps,
  ) {}

  // ---- how a task gets here ----

  /** The agent exited with 0 (called under the task lock): verify, or straight to Review. */
  async agentSucceeded(taskId: string, why: string, exitCode: number): Promise<void> {
    const { store } = this.ctx;
    const task = store.task(taskId);
    if (task.state !== 'running') return;
    const flags = { ...notWaiting(task.flags), stuck: false };
    let checks: EffectiveChecks;
    try {
      checks = await this.deps.checks.forTask(taskId, true);
    } catch (err) {
      // A broken setting must not wave the work through unchecked: Review, marked.
      const reason = `${why}; its checks could not be read: ${(err as Error).message}`;
      this.ctx.taskChanged(store.transition(taskId, 'review', reason, { exitCode, flags, gate: { ...task.gate, verify: 'error', escalated: 'verify-failed' } }));
      return;
    }
    if (checks.skipped) store.addNote(taskId, `checks skipped: ${checks.skipped}`);
    if (!checks.verify && !checks.reviewer) {
      this.ctx.taskChanged(store.transition(taskId, 'review', why, { exitCode, flags }));
      return;
    }
    this.ctx.taskChanged(store.transition(taskId, 'verifying', `${why}; verifying`, { exitCode, flags, gate: { ...task.gate, verify: null, review: null, escalated: null } }));
    this.launch(taskId, 'exit');
  }

  /** The agent reported `switchyard notify done` while it runs: verify now, the agent still up. */
  agentReportedDone(taskId: string): void {
    void this.ctx.locks
      .run(taskId, () => this.verifyLive(taskId, 'the agent reported done; verifying'))
      .catch((err: unknown) => {
        if (!this.closed) this.ctx.store.addNote(taskId, `verify after "done" could not start: ${(err as Error).message}`);
      });
  }

  /**
   * The user marks a running task ready (its agent waits, its turn over): the gate checks the
   * work with the agent still up, then stops it and moves the task to Review. Without checks
   * there is nothing to run: false, and the caller stops the agent into Review.
   */
  markReady(taskId: string): Promise<boolean> {
    return this.ctx.locks.run(taskId, async () => {
      const task = this.ctx.store.task(taskId);
      if (task.state !== 'running') throw new SwitchyardError('bad-state', `only a running task can be marked ready; this one is ${task.state}`);
      return this.verifyLive(taskId, 'marked ready by the user; verifying');
    });
  }

  /** Starts the gate on a live agent's work (under the task lock); false when there is nothing to check. */
  private async verifyLive(taskId: string, why: string): Promise<boolean> {
    const { store } = this.ctx;
    const task = store.task(taskId);
    if (task.state !== 'running' || (task.sessionId && this.deps.isStopping(task.sessionId))) return false;
    const checks = await this.deps.checks.forTask(taskId, true);
    if (!checks.verify && !checks.reviewer) return false;
    const flags = { ...notWaiting(task.flags), stuck: false };
    this.ctx.taskChanged(store.transition(taskId, 'verifying', why, { flags, gate: { ...task.gate, verify: null, review: null, escalated: null } }));
    this.launch(taskId, 'done');
    return true;
  }

  /** The user asks for a verify of a finished task. It reports; it never sends the agent back. */
  verifyNow(taskId: string): Promise<Task> {
    return this.ctx.locks.run(taskId, async () => {
      const { store } = this.ctx;
      const task = store.task(taskId);
      if (!VERIFIABLE.includes(task.state)) throw new SwitchyardError('bad-state', `a task that is ${task.state} cannot be verified now; wait for its agent to finish, or stop it`);
      if (!task.worktreePath || task.cleanedUp) throw new SwitchyardError('bad-state', 'the task has no worktree to verify');
      const checks = await this.deps.checks.forTask(taskId, true);
      if (!checks.verify) {
        throw new SwitchyardError('invalid-input', checks.skipped ?? 'no verify command is set: set one for this task, or for the repository under verify: in .switchyard/config.yaml');
      }
      const t = this.ctx.taskChanged(store.transition(taskId, 'verifying', 'verify asked for by the user', { gate: { ...task.gate, verify: null, review: null, escalated: null } }));
      this.launch(taskId, 'manual');
      return t;
    });
  }

  /**
   * After an engine restart: a task left verifying has lost its run. That run is stopped (its
   * log kept), an agent that died meanwhile is recorded as ended, and the gate runs again with
   * the trigger it had.
   */
  async recover(): Promise<void> {
    const ptyd = this.ctx.ptyd();
    const live = new Map((await ptyd?.list().catch(() => []))?.map((s) => [s.session, s]) ?? []);
    const why = 'interrupted: the engine stopped during the run';
    for (const task of this.ctx.store.tasksInStates(['verifying'])) {
      if (this.active.has(task.id)) continue;
      const verifies = this.deps.runs.verifyRuns(task.id);
      for (const r of verifies.filter((x) => x.status === 'running' && x.sessionId)) {
        await ptyd?.kill(r.sessionId!).catch(() => {});
        const lines = (await ptyd?.transcript(r.sessionId!).catch(() => null))?.lines ?? [];
        this.deps.runs.endVerify(r.id, { status: 'error', exitCode: null, tail: lines.slice(-60).join('\n'), log: lines.join('\n'), logTruncated: false, error: why });
      }
      for (const r of this.deps.runs.reviewerRuns(task.id).filter((x) => x.status === 'running' && x.sessionId)) await ptyd?.kill(r.sessionId!).catch(() => {});
      this.deps.runs.closeUnfinished(task.id, why);
      // An agent (it had reported done) that ended while no engine listened.
      const agent = task.sessionId ? live.get(task.sessionId) : undefined;
      if (task.sessionId && !agent?.alive) this.ctx.store.endRun(task.sessionId, agent?.exitCode ?? null, agent?.signal ?? null);
      this.ctx.store.addNote(task.id, 'the engine restarted during verify; verifying again');
      this.launch(task.id, verifies[verifies.length - 1]?.trigger ?? 'exit');
    }
  }

  /** Stops the running verify or reviewer; the gate ends the task cancelled. False if none runs. */
  async abort(taskId: string, stop?: Active['stop']): Promise<boolean> {
    const a = this.active.get(taskId);
    if (!a) return false;
    a.aborted = true;
    if (stop) a.stop = stop;
    if (a.session) await this.ctx.requirePtyd().kill(a.session).catch(() => {});
    return true;
  }

  /** The engine is closing: runs still going write nothing more; the next engine recovers them. */
  close(): void {
    this.closed = true;
  }

  /** Resolves when no gate is running (for a clean shutdown and for tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // ---- the gate ----

  private launch(taskId: string, trigger: VerifyTrigger): void {
    const previous = this.active.get(taskId);
    if (previous) previous.aborted = true;
    const active: Active = { trigger, session: null, aborted: false, stop: { to: 'cancelled', reason: 'stopped by the user during verify' } };
    this.active.set(taskId, active);
    const p = this.run(taskId, active)
      .catch(async (err: unknown) => {
        if (!this.owns(taskId, active)) return;
        try {
          await this.finish(taskId, active, `verify could not run: ${(err as Error).message}`, { verify: 'error', escalated: 'verify-failed' });
        } catch {
          // the task is gone, or the store closed: nothing left to record
        }
      })
      .finally(() => {
        if (this.active.get(taskId) === active) this.active.delete(taskId);
        this.pending.delete(p);
      });
    this.pending.add(p);
  }

  /** Whether this run may still write: not superseded, and the engine is not closing. */
  private owns(taskId: string, active: Active): boolean {
    return !this.closed && this.active.get(taskId) === active;
  }

  private async run(taskId: string, active: Active): Promise<void> {
    const { store } = this.ctx;
    const { trigger } = active;
    const checks = await this.deps.checks.forTask(taskId, true);
    if (!this.owns(taskId, active)) return;
    if (active.aborted) return this.stopped(taskId, active, {});
    const fixLoop = trigger !== 'manual' && checks.maxFixIterations > 0;
    const deps = {
      ctx: this.ctx,
      waiter: this.deps.waiter,
      runs: this.deps.runs,
      env: (t: Task): Record<string, string> => this.deps.repo.commandEnv(t),
      onSession: (session: string): void => {
        active.session = session;
      },
      aborted: (): boolean => active.aborted || !this.owns(taskId, active),
    };
    const attempt = store.task(taskId).gate.fixIterations + 1;

    // What is checked is exactly what would merge: the agent's leftovers are committed first.
    let agentWork: string | null;
    try {
      agentWork = await commitAgentWork(this.ctx, store.task(taskId));
    } catch (err) {
      if (!this.owns(taskId, active)) return;
      const error = `could not commit the agent's work before checking it: ${(err as Error).message}`;
      if (checks.verify) recordVerifyError(deps, store.task(taskId), checks.verify.display, attempt, trigger, error);
      return this.finish(taskId, active, error, { verify: 'error', escalated: 'verify-failed' });
    }
    if (!this.owns(taskId, active)) return;
    if (active.aborted) return this.stopped(taskId, active, {});

    if (checks.verify) {
      this.patchGate(taskId, { verify: 'running' });
      const v = await runVerify(deps, store.task(taskId), checks.verify, attempt, trigger, agentWork);
      active.session = null;
      if (!this.owns(taskId, active)) return;
      store.addNote(taskId, verifyNote(v));
      if (active.aborted) return this.stopped(taskId, active, { verify: v.status });
      if (v.status !== 'passed') {
        // A command that cannot run is a setting to fix, not something the agent can fix.
        const fixable = v.status === 'failed' || v.status === 'timeout';
        const used = store.task(taskId).gate.fixIterations;
        if (fixLoop && fixable && used < checks.maxFixIterations) {
          return this.sendBack(taskId, active, fixPrompt(v, used + 1, checks.maxFixIterations), `verify ${v.status}`, { verify: v.status });
        }
        const why =
          trigger === 'manual' || !fixable ? `verify ${v.status}: ${v.command}${v.error ? ` — ${v.error}` : ''}` : `verify still ${v.status} after ${used} fix round${used === 1 ? '' : 's'}: ${v.command}`;
        return this.finish(taskId, active, why, { verify: v.status, escalated: 'verify-failed' });
      }
      this.patchGate(taskId, { verify: 'passed' });
    }

    if (checks.reviewer) {
      this.patchGate(taskId, { review: 'running' });
      const r = await runReviewer(deps, store.task(taskId), checks.reviewer.agent, checks.acceptanceCriteria, attempt);
      active.session = null;
      if (!this.owns(taskId, active)) return;
      store.addNote(taskId, reviewerNote(r));
      if (active.aborted) return this.stopped(taskId, active, { review: r.status });
      if (r.status === 'approved') return this.finish(taskId, active, `${checks.verify ? 'verify passed; ' : ''}the reviewer approved`, { review: 'approved' });
      if (r.status === 'changes-requested') {
        const used = store.task(taskId).gate.fixIterations;
        if (fixLoop && used < checks.maxFixIterations) {
          return this.sendBack(taskId, active, reviewFeedback(r, used + 1, checks.maxFixIterations), 'the reviewer requested changes', { review: 'changes-requested' });
        }
        return this.finish(taskId, active, 'the reviewer requested changes; fix rounds are used up', { review: 'changes-requested', escalated: 'changes-requested' });
      }
      // Malformed output or a reviewer that could not run: a failed review, never an approval.
      return this.finish(taskId, active, `the review failed: ${r.error ?? 'no verdict'}`, { review: r.status, escalated: 'review-invalid' });
    }
    return this.finish(taskId, active, trigger === 'manual' ? 'verify passed' : 'verify passed; ready for review', {});
  }

  /**
   * Ends the gate in Review with `why`. An agent still up (it reported done) is stopped first,
   * so the work that was checked cannot change under the reviewer's eyes.
   */
  private async finish(taskId: string, active: Active, why: string, patch: Partial<GateSummary>): Promise<void> {
    if (!this.owns(taskId, active)) return;
    if (active.aborted) return this.stopped(taskId, active, patch);
    const { store } = this.ctx;
    const task = store.task(taskId);
    if (task.state !== 'verifying') return;
    if (this.agentAlive(task)) {
      await this.ctx.ptyd()?.kill(task.sessionId!).catch(() => {});
      store.addNote(taskId, 'stopped the agent (it had reported done), so the checked work stays as it was checked');
      if (!this.owns(taskId, active)) return;
    }
    const now = store.task(taskId);
    if (now.state !== 'verifying') return;
    this.ctx.taskChanged(store.transition(taskId, 'review', why, { gate: { ...now.gate, ...patch } }));
  }

  private stopped(taskId: string, active: Active, patch: Partial<GateSummary>): void {
    if (!this.owns(taskId, active)) return;
    const { store } = this.ctx;
    const task = store.task(taskId);
    if (task.state !== 'verifying') return;
    this.ctx.taskChanged(store.transition(taskId, active.stop.to, active.stop.reason, { gate: { ...task.gate, ...patch } }));
  }

  /** A fix round: the agent gets the reason, in its session if it still runs, else resumed. */
  private async sendBack(taskId: string, active: Active, prompt: string, what: string, patch: Partial<GateSummary>): Promise<void> {
    const { store } = this.ctx;
    const task = store.task(taskId);
    if (task.state !== 'verifying' || active.aborted) return this.stopped(taskId, active, patch);
    const round = task.gate.fixIterations + 1;
    const gate: GateSummary = { ...task.gate, ...patch, fixIterations: round };
    const reason = `${what}: sent back to the agent to fix (round ${round})`;
    // The round is the gate's last act: the agent's next exit or "done" starts a new run.
    this.active.delete(taskId);
    if (this.agentAlive(task)) {
      this.ctx.taskChanged(store.transition(taskId, 'running', reason, { gate }));
      await this.deps.feedback(taskId, prompt).catch((err: unknown) => store.addNote(taskId, `the fix prompt could not be typed into the agent: ${(err as Error).message}`));
      return;
    }
    this.ctx.taskChanged(store.patchTask(taskId, { gate }));
    store.addMessage(taskId, 'feedback', prompt);
    try {
      await this.deps.start(taskId, { prompt, resume: true, reason, automatic: true });
    } catch (err) {
      const now = store.task(taskId);
      if (now.state === 'verifying') {
        this.ctx.taskChanged(store.transition(taskId, 'review', `${what}, and the agent could not be started again: ${(err as Error).message}`, { gate: { ...now.gate, escalated: 'verify-failed' } }));
      }
    }
  }

  /** The task's agent session is still running (it reported done rather than exiting). */
  private agentAlive(task: Task): boolean {
    return task.sessionId !== null && this.ctx.store.runs(task.id).some((r) => r.endedAt === null && r.sessionId === task.sessionId);
  }

  private patchGate(taskId: string, patch: Partial<GateSummary>): void {
    const task = this.ctx.store.task(taskId);
    this.ctx.taskChanged(this.ctx.store.patchTask(taskId, { gate: { ...EMPTY_GATE, ...task.gate, ...patch } }));
  }
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

function verifyNote(v: VerifyRun): string {
  const took = v.endedAt ? ` in ${duration(v.endedAt - v.startedAt)}` : '';
  const code = v.exitCode === null ? '' : ` (exit ${v.exitCode})`;
  return `verify ${v.attempt} ${v.status}${code}${took}: ${v.command}${v.error ? ` — ${v.error}` : ''}`;
}

function reviewerNote(r: ReviewerRun): string {
  if (r.verdict) return `reviewer ${r.attempt}: ${r.verdict.verdict === 'approve' ? 'approved' : `requested changes (${r.verdict.comments?.length ?? 0} comments)`}`;
  return `reviewer ${r.attempt}: ${r.status} — ${r.error ?? ''}`;
}

/** What the agent is told when verify fails: the command, how it ended, and the tail of its output. */
export function fixPrompt(v: VerifyRun, round: number, max: number): string {
  const how = v.status === 'timeout' ? `timed out` : `failed with exit code ${v.exitCode ?? 'unknown'}`;
  const tail = v.tail.length > FIX_PROMPT_TAIL_CHARS ? `…${v.tail.slice(v.tail.length - FIX_PROMPT_TAIL_CHARS + 1)}` : v.tail;
  return [
    `The verify command \`${v.command}\` ${how} on your work (fix round ${round} of ${max}).`,
    'Find the cause and fix it so that the command passes; do not weaken, skip or delete the checks.',
    'The last lines of its output:',
    '',
    tail || '(no output)',
  ].join('\n');
}

/** The reviewer's comments, as review feedback to the implementing agent. */
export function reviewFeedback(r: ReviewerRun, round: number, max: number): string {
  const v = r.verdict!;
  return [
    `A reviewer looked at your change and requests changes (fix round ${round} of ${max}).`,
    ...(v.summary ? [v.summary.trim()] : []),
    '',
    ...(v.comments ?? []).map((c) => `- ${c.file}:${c.line} — ${c.body}`),
    '',
    'Address each comment, then finish as before.',
  ].join('\n');
}
