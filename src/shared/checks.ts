/**
 * Checks on finished work, and supervision of running agents: the verify gate, the fix loop,
 * the reviewer agent, stuck and over-budget watching, retries, and the activity timeline.
 * Settings come from three levels: the engine's global settings, the repository's trusted
 * `.switchyard/config.yaml`, and the task itself; the most specific wins.
 */
import { z } from 'zod';
import { agentSpecSchema, type AgentSpec } from './agents';
import { parseCommandLine } from './command-line';

export const SUPERVISION_POLICIES = ['notify', 'nudge', 'restart', 'stop'] as const;
/** notify: flag and notify; nudge: also type a nudge into the agent; restart: stop and resume it (counts as a retry); stop: stop it. */
export type SupervisionPolicy = (typeof SUPERVISION_POLICIES)[number];

export const DEFAULT_MAX_FIX_ITERATIONS = 2;
export const DEFAULT_VERIFY_TIMEOUT_SEC = 20 * 60;
/** The largest slice of a failing verify's output sent back to the agent. */
export const FIX_PROMPT_TAIL_CHARS = 4000;

/** A verify command line: words and quotes, no shell (a pipe or && is refused when it is set, not when it would run). */
export const verifyCommandSchema = z
  .string()
  .trim()
  .min(1)
  .max(8192)
  .superRefine((c, ctx) => {
    try {
      parseCommandLine(c);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^the agent command/, 'the verify command') });
    }
  });

/**
 * A task's own settings for checks and supervision. A missing key inherits the repository's
 * (or the global) value; null turns the check off for this task.
 */
export const taskChecksSchema = z
  .object({
    verifyCommand: verifyCommandSchema.nullable(),
    verifyTimeoutSec: z.number().int().min(1).max(24 * 3600),
    maxFixIterations: z.number().int().min(0).max(20),
    reviewer: agentSpecSchema.nullable(),
    /** What "done" means, for the reviewer. */
    acceptanceCriteria: z.string().max(20_000),
    stuckAfterSec: z.number().int().min(1).max(7 * 24 * 3600).nullable(),
    stuckPolicy: z.enum(SUPERVISION_POLICIES),
    budgetSec: z.number().int().min(1).max(30 * 24 * 3600).nullable(),
    budgetPolicy: z.enum(SUPERVISION_POLICIES),
  })
  .partial()
  .strict();
export type TaskChecks = z.infer<typeof taskChecksSchema>;

/** Where an effective value came from. */
export type CheckSource = 'task' | 'plan' | 'repository' | 'default';

/** What applies to a task once its settings, its repository's and the global ones are merged. */
export interface EffectiveChecks {
  verify: { argv: string[]; display: string; timeoutSec: number; source: CheckSource } | null;
  /** The repository names a verify command or reviewer that cannot run yet, and why (e.g. the config is not trusted). */
  skipped: string | null;
  maxFixIterations: number;
  reviewer: { agent: AgentSpec; source: CheckSource } | null;
  acceptanceCriteria: string;
  stuckAfterSec: number | null;
  stuckPolicy: SupervisionPolicy;
  budgetSec: number | null;
  budgetPolicy: SupervisionPolicy;
  /** Automatic restarts (supervision policy "restart") allowed per task. */
  retryLimit: number;
  /** Where each of the other values came from ("default": the global settings, or the built-in default). */
  sources: Record<'verifyTimeoutSec' | 'maxFixIterations' | 'acceptanceCriteria' | 'stuck' | 'budget' | 'retryLimit', CheckSource>;
}

export type VerifyStatus = 'running' | 'passed' | 'failed' | 'timeout' | 'error';
export type ReviewerStatus = 'running' | 'approved' | 'changes-requested' | 'invalid' | 'error';
/** What started a verify: the agent exited with 0, it reported done, or the user asked. */
export type VerifyTrigger = 'exit' | 'done' | 'manual';

/** The gate's latest outcome, carried on the task for the card. */
export interface GateSummary {
  verify: VerifyStatus | null;
  review: ReviewerStatus | null;
  /** Fix rounds used (verify failures and reviewer change requests sent back) since the user last started the task. */
  fixIterations: number;
  /** Automatic restarts by supervision since the user last started the task. */
  autoRetries: number;
  /**
   * The gate gave up: verify still failing, or changes still requested, when the fix rounds ran
   * out; or the plan's verify failed on the merge candidate (the merge train).
   */
  escalated: 'verify-failed' | 'changes-requested' | 'review-invalid' | 'candidate-failed' | null;
}

export const EMPTY_GATE: GateSummary = { verify: null, review: null, fixIterations: 0, autoRetries: 0, escalated: null };

/** One run of the verify command. */
export interface VerifyRun {
  id: number;
  taskId: string;
  /** 1 for the first verify since the task was started by the user, 2 after the first fix, … */
  attempt: number;
  trigger: VerifyTrigger;
  /** The command as shown. */
  command: string;
  sessionId: string | null;
  startedAt: number;
  endedAt: number | null;
  status: VerifyStatus;
  exitCode: number | null;
  /** The commit that was verified (the branch tip, after committing any uncommitted work). */
  commit: string | null;
  /** The "agent work" commit made first from uncommitted files, if there were any. */
  agentWorkCommit: string | null;
  /** The last lines of the output. */
  tail: string;
  /** Why it could not run, or timed out. */
  error: string | null;
}

/** One run of the reviewer agent. */
export interface ReviewerRun {
  id: number;
  taskId: string;
  attempt: number;
  agent: AgentSpec;
  sessionId: string | null;
  startedAt: number;
  endedAt: number | null;
  status: ReviewerStatus;
  verdict: ReviewVerdict | null;
  /** Why the output was not a verdict (the parse error), or why the reviewer could not run. */
  error: string | null;
  /** The reviewer's output, as printed (capped). */
  output: string;
}

// ---- the reviewer's answer: a small published schema (schemas/review-verdict.schema.json) ----

export const reviewCommentSchema = z
  .object({
    file: z.string().trim().min(1).max(4096),
    line: z.number().int().min(1),
    body: z.string().trim().min(1).max(20_000),
  })
  .strict();

export const reviewVerdictSchema = z.discriminatedUnion('verdict', [
  z.object({ verdict: z.literal('approve'), summary: z.string().max(20_000).optional(), comments: z.array(reviewCommentSchema).max(200).optional() }).strict(),
  z
    .object({
      verdict: z.literal('request_changes'),
      summary: z.string().max(20_000).optional(),
      comments: z.array(reviewCommentSchema).min(1, 'request_changes needs at least one comment on file:line').max(200),
    })
    .strict(),
]);
export type ReviewVerdict = z.infer<typeof reviewVerdictSchema>;

// ---- the activity timeline ----

export type TimelineKind = 'state' | 'run' | 'verify' | 'review' | 'feedback' | 'report' | 'supervision' | 'merge' | 'note';

export interface TimelineEntry {
  at: number;
  /** How long it lasted: until the next state, or the run's end; null while it goes on, or for an instant. */
  durationMs: number | null;
  kind: TimelineKind;
  title: string;
  detail: string | null;
  tone: 'ok' | 'bad' | 'warn' | 'info' | 'live';
}
