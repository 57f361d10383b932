/**
 * The one API contract between the UI and the engine. Both transports (Electron IPC and the
 * loopback WebSocket) serve exactly these calls, and every input is validated against the
 * schema here before the engine sees it: the renderer is untrusted input.
 */
import { z } from 'zod';
import type { AgentSpec } from './agents';
import type { ChangedFile, CommitInfo, FileContents, ReviewComment, TaskDiff } from './diff';
import type { Project, Run, Task, TaskEvent, TaskMessage, TerminalInfo } from './task';
import { agentOverridesSchema, agentSpecSchema, type AgentList, type AgentOverridesView } from './agents';
import type { ErrorPayload } from './errors';
import type { SessionInfo } from './ptyd-protocol';
import type { Plan, PlanFile } from './plan';
import { taskChecksSchema, type EffectiveChecks, type ReviewerRun, type TimelineEntry, type VerifyRun, SUPERVISION_POLICIES, type SupervisionPolicy } from './checks';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'ids are letters, digits, _ and -');
const path = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'a path cannot hold a NUL byte');
const branchName = z.string().min(1).max(255);


export const createTaskInput = z.object({
  projectId: id,
  title: z.string().trim().min(1, 'a task needs a title').max(200),
  prompt: z.string().max(100_000),
  baseBranch: branchName.optional(),
  agent: agentSpecSchema,
  startNow: z.boolean().default(true),
  /** The task's own verify, reviewer and supervision settings. */
  checks: taskChecksSchema.optional(),
});

/** The formats a plan can be imported from ("auto" guesses from the content and file name). */
export const IMPORT_FORMATS = ['auto', 'plan', 'markdown', 'beads'] as const;

export interface AppInfo {
  version: string;
  dataDir: string;
  worktreesDir: string;
  /** How this UI reaches the engine. */
  mode: 'desktop' | 'browser';
}

export interface Branches {
  current: string | null;
  branches: string[];
}

export const THEME_CHOICES = ['system', 'dark', 'light'] as const;

export interface Settings {
  /** Where new task worktrees are created; outside every repository. */
  worktreesDir: string;
  /** The agent a new task starts with, unless the user picks another. */
  defaultAgent: AgentSpec | null;
  /** OS or browser notifications when a task needs input or finishes. */
  notifications: boolean;
  theme: (typeof THEME_CHOICES)[number];
  /** Lines of scrollback each terminal keeps in the UI. */
  scrollback: number;
  /** How long an agent must be quiet, with a prompt on screen, before it is flagged "needs input". */
  needsInputQuietMs: number;
  /** The editor "Open in editor" uses: an editor id from editors.list, or null for the first found. */
  editor: string | null;
  /** A custom editor command line; {path} becomes the worktree path as one argument. */
  editorCommand: string | null;
  /** Remove the worktrees of done tasks this many days after they finished, under the clean-up rules; null: never. */
  autoCleanupDays: number | null;
  /** Fetch the base branch from its remote before a task branches from it. */
  fetchBeforeBranching: boolean;
  // ---- supervision defaults (a repository's config and each task can override them) ----
  /** A running agent with no output and no file changes this long is stuck; null: never. */
  stuckAfterSec: number | null;
  stuckPolicy: SupervisionPolicy;
  /** Wall-clock budget of a task's agent runs; null: none. */
  budgetSec: number | null;
  budgetPolicy: SupervisionPolicy;
  /** Automatic restarts per task (the "restart" policy). */
  autoRetryLimit: number;
  /** Plan tasks running at once across all plans (each plan has its own cap too). */
  maxParallelAgents: number;
}

export const settingsPatchSchema = z
  .object({
    worktreesDir: path,
    defaultAgent: agentSpecSchema.nullable(),
    notifications: z.boolean(),
    theme: z.enum(THEME_CHOICES),
    scrollback: z.number().int().min(100).max(100_000),
    needsInputQuietMs: z.number().int().min(1000).max(600_000),
    editor: z.string().min(1).max(64).nullable(),
    editorCommand: z.string().trim().min(1).max(8192).nullable(),
    autoCleanupDays: z.number().int().min(1).max(3650).nullable(),
    fetchBeforeBranching: z.boolean(),
    stuckAfterSec: z.number().int().min(1).max(7 * 24 * 3600).nullable(),
    stuckPolicy: z.enum(SUPERVISION_POLICIES),
    budgetSec: z.number().int().min(1).max(30 * 24 * 3600).nullable(),
    budgetPolicy: z.enum(SUPERVISION_POLICIES),
    autoRetryLimit: z.number().int().min(0).max(20),
    maxParallelAgents: z.number().int().min(1).max(64),
  })
  .partial()
  .strict();

export interface LostWork {
  /** Files in the worktree that are not committed. */
  uncommitted: string[];
  /** Commits on the task branch that no other branch holds. */
  unmergedCommits: { sha: string; subject: string }[];
}

export type CleanupResult =
  /** `ignoredRemoved`: ignored files and folders that went with the worktree, as with git. */
  | { status: 'removed'; ignoredRemoved: string[] }
  | { status: 'needs-confirmation'; lost: LostWork };

export type MergeResult =
  /** `alreadyMerged`: the base held every commit already, so no merge commit was made. */
  /** `baseBranch` is the branch merged into (the target); `strategy` how. */
  | { status: 'merged'; commit: string; alreadyMerged: boolean; baseBranch: string; strategy: MergeStrategy; updatedCheckout: string | null; cleanup: CleanupResult }
  | { status: 'needs-commit'; files: ChangedFile[] }
  | { status: 'conflict'; files: string[] }
  | { status: 'refused'; reason: string; path: string | null };

// ---- merge: strategies, preview, conflicts, remotes (types) ----
export const MERGE_STRATEGIES = ['merge', 'squash', 'rebase'] as const;
/** merge: a merge commit; squash: one commit on the target; rebase: the task's commits replayed onto the target, then a fast-forward. */
export type MergeStrategy = (typeof MERGE_STRATEGIES)[number];

/** What merging would do, computed from git objects without touching any checkout. */
export interface MergePreview {
  target: string;
  /** The task's commits the target does not have, newest first. */
  commits: { sha: string; subject: string; author: string; date: number }[];
  /** Commits on the target since the task's merge base: how far the base has moved. */
  baseMovedBy: number;
  /** Files that would conflict (merge-tree); empty when the merge is clean. */
  conflicts: string[];
  /** The project's default strategy. */
  strategyDefault: MergeStrategy;
  /** The squash message a squash merge uses unless the user edits it. */
  squashMessage: string;
  /** Uncommitted files in the worktree, which merging would first ask to commit. */
  uncommitted: string[];
}

/** The three sides of a conflicting file, read from git objects (null: absent on that side). */
export interface ConflictContents {
  path: string;
  base: string | null;
  /** The target's version. */
  ours: string | null;
  /** The task's version. */
  theirs: string | null;
  binary: boolean;
}

export type RebaseResult =
  /** stopped: git stopped with `conflicts` unresolved; the rebase is left in the worktree to finish. */
  { status: 'rebased' | 'up-to-date' | 'stopped'; onto: string; conflicts: string[]; output: string };

export type BulkCleanupResult = { taskId: string; result: CleanupResult | { status: 'error'; message: string } }[];

export interface DiskUsage {
  taskId: string;
  title: string;
  path: string;
  bytes: number;
  /** The walk stopped at its bound; `bytes` is a lower bound. */
  truncated: boolean;
  state: Task['state'];
}

export type PushResult = { remote: string; branch: string; output: string };
export type PullRequestResult = { url: string; push: PushResult };

export type DiscardResult = { task: Task; cleanup: CleanupResult };

/** An editor "Open in editor" can use, as found on this machine. */
export interface DetectedEditor {
  id: string;
  name: string;
  /** gui: its own window; terminal: opens in a Switchyard terminal tab; file-manager: the OS fallback. */
  kind: 'gui' | 'terminal' | 'file-manager' | 'custom';
  installed: boolean;
  path: string | null;
}

export type OpenedIn = { editor: string; kind: DetectedEditor['kind']; terminal: TerminalInfo | null };

/**
 * How feedback reached the agent. typed-confirmed: typed, submitted, and the agent was seen to
 * take it. typed-unconfirmed: typed and submitted, but the screen did not show it taken (the
 * task is flagged deliveryUnconfirmed). restarted: the agent had exited and was started again
 * with the feedback as its prompt.
 */
export type FeedbackDelivery = 'typed-confirmed' | 'typed-unconfirmed' | 'restarted';
export type FeedbackResult = { task: Task; delivery: FeedbackDelivery };

/** Why a task wants the user's attention (an OS or browser notification). */
export type AttentionReason = 'needs-input' | 'your-turn' | 'finished' | 'delivery-unconfirmed' | 'stuck' | 'over-budget' | 'verify-failed';

/** Declares a call: its input schema, and (as a type only) its output. */
function call<Out>() {
  return <In extends z.ZodType>(input: In) => ({ input, output: undefined as unknown as Out });
}

const empty = z.object({}).strict();
const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a full commit id');
const diffAgainstSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('merge-base') }),
  z.object({ kind: z.literal('base-tip') }),
  z.object({ kind: z.literal('commit'), sha }),
]);
const taskRef = z.object({ taskId: id }).strict();

export const API = {
  'app.info': call<AppInfo>()(empty),
  'settings.get': call<Settings>()(empty),
  'settings.update': call<Settings>()(settingsPatchSchema),
  /** The theme this window draws (the setting, or the OS's for "system"): ptyd answers colour queries with it. */
  'ui.theme': call<null>()(z.object({ theme: z.enum(['dark', 'light']) }).strict()),
  'projects.list': call<Project[]>()(empty),
  'projects.open': call<Project>()(z.object({ path }).strict()),
  /** Which agents may work in this repository's task worktrees without asking about trust. */
  'projects.trust': call<TrustView>()(z.object({ projectId: id }).strict()),
  'projects.trust.set': call<TrustView>()(
    z.object({ projectId: id, decisions: z.object({ claude: z.boolean(), codex: z.boolean(), gemini: z.boolean() }).partial().strict() }).strict(),
  ),
  'projects.branches': call<Branches>()(z.object({ projectId: id }).strict()),
  'tasks.list': call<Task[]>()(z.object({ projectId: id.optional() }).strict()),
  'tasks.create': call<Task>()(createTaskInput.strict()),
  'tasks.start': call<Task>()(
    z
      .object({
        taskId: id,
        /** Start with another profile, which becomes the task's agent. */
        agent: agentSpecSchema.optional(),
        /** Resume the agent's last session in the worktree, where the profile can. */
        resume: z.boolean().optional(),
      })
      .strict(),
  ),
  'tasks.stop': call<Task>()(taskRef),
  /** A running agent's work is ready (its turn is over): the verify gate checks it, then Review. */
  'tasks.ready': call<Task>()(taskRef),
  'tasks.events': call<TaskEvent[]>()(taskRef),
  'tasks.diff': call<TaskDiff>()(z.object({ taskId: id, against: diffAgainstSchema.optional() }).strict()),
  'tasks.commits': call<CommitInfo[]>()(taskRef),
  'tasks.fileContents': call<FileContents>()(
    z
      .object({
        taskId: id,
        group: z.enum(['committed', 'uncommitted']),
        path,
        oldPath: path.nullable(),
        against: diffAgainstSchema.optional(),
      })
      .strict(),
  ),
  'tasks.merge': call<MergeResult>()(
    z
      .object({
        taskId: id,
        commitUncommitted: z.boolean(),
        /** The uncommitted files the user saw and agreed to commit. */
        expectedFiles: z.array(path).max(100_000).optional(),
        /** Defaults to the project's default strategy. */
        strategy: z.enum(MERGE_STRATEGIES).optional(),
        /** The branch to merge into; defaults to the task's base branch. */
        target: branchName.optional(),
        /** The squash commit's (or merge commit's) message. */
        message: z.string().trim().min(1).max(100_000).optional(),
      })
      .strict(),
  ),
  /** Where commits exist on no other branch, confirming needs `confirmBranch`: the branch name, typed by the user. */
  'tasks.cleanup': call<CleanupResult>()(z.object({ taskId: id, confirmLoss: z.boolean(), confirmBranch: branchName.optional() }).strict()),
  // ---- agents: profiles, detection, overrides ----
  /** Every profile for a repository (or globally), with what is installed. */
  'agents.list': call<AgentList>()(z.object({ projectId: id.optional() }).strict()),
  /** Detects again (after installing an agent), then lists. */
  'agents.refresh': call<AgentList>()(z.object({ projectId: id.optional() }).strict()),
  /** The overrides stored globally, or for one repository. */
  'agents.overrides.get': call<AgentOverridesView>()(z.object({ projectId: id.optional() }).strict()),
  /** Replaces the overrides of that scope, after checking every profile they make. */
  'agents.overrides.save': call<AgentList>()(z.object({ projectId: id.optional(), overrides: agentOverridesSchema }).strict()),
  // ---- supervision: feedback, flags ----
  /** Typed into a running agent and checked, or a restart (resuming) with it as the prompt. */
  'tasks.feedback': call<FeedbackResult>()(
    z.object({ taskId: id, message: z.string().trim().min(1, 'write some feedback first').max(100_000) }).strict(),
  ),
  /** The task's history of feedback sent and agent reports, oldest first. */
  'tasks.messages': call<TaskMessage[]>()(taskRef),
  /** The user has seen a flag and dismisses it. */
  'tasks.dismissFlag': call<Task>()(z.object({ taskId: id, flag: z.enum(['needsInput', 'yourTurn', 'deliveryUnconfirmed', 'message', 'stuck', 'overBudget']) }).strict()),
  // ---- checks: verify gate, reviewer, retries, timeline ----
  /** What applies to the task: its own settings over its repository's over the global ones. */
  'tasks.checks': call<EffectiveChecks>()(taskRef),
  /** Runs the verify command now (then the reviewer, if one is set); returns once it has started. */
  'tasks.verify': call<Task>()(taskRef),
  /** Every verify run of the task, oldest first. */
  'tasks.verifyRuns': call<VerifyRun[]>()(taskRef),
  /** A verify run's whole log, as text. */
  'tasks.verifyLog': call<{ log: string; truncated: boolean }>()(z.object({ taskId: id, runId: z.number().int().min(1) }).strict()),
  /** Every reviewer run of the task, oldest first. */
  'tasks.reviewerRuns': call<ReviewerRun[]>()(taskRef),
  /** Starts a failed, stopped or stuck task again: in its worktree, or as a fresh attempt from the base, with its agent or another. */
  'tasks.retry': call<Task>()(z.object({ taskId: id, fresh: z.boolean(), agent: agentSpecSchema.optional() }).strict()),
  /** States, runs, verify attempts, reviewer verdicts, feedback and merges, oldest first. */
  'tasks.timeline': call<TimelineEntry[]>()(taskRef),
  // ---- plans ----
  'plans.list': call<Plan[]>()(z.object({ projectId: id.optional() }).strict()),
  /** The plan and its tasks, in plan order. */
  'plans.get': call<PlanView>()(z.object({ planId: id }).strict()),
  /** A plan file's text (JSON or YAML), validated before anything is created; the plan starts as a draft. */
  'plans.import': call<PlanView>()(
    z.object({ projectId: id, text: z.string().min(1).max(5_000_000), file: z.string().max(4096).optional(), format: z.enum(IMPORT_FORMATS).optional() }).strict(),
  ),
  /** What importing would create (a plan file, a Markdown checklist, Beads issues), with warnings; creates nothing. */
  'plans.preview': call<PlanPreview>()(
    z.object({ text: z.string().min(1).max(5_000_000), file: z.string().max(4096).optional(), format: z.enum(IMPORT_FORMATS).optional() }).strict(),
  ),
  'plans.export': call<string>()(z.object({ planId: id, format: z.enum(['yaml', 'json']) }).strict()),
  /** Replaces the plan's definition if it is still at `version` (compare-and-set). */
  'plans.update': call<PlanView>()(z.object({ planId: id, version: z.number().int().min(1), plan: z.unknown() }).strict()),
  'plans.start': call<Plan>()(z.object({ planId: id, autoMerge: z.boolean().optional() }).strict()),
  'plans.pause': call<Plan>()(z.object({ planId: id }).strict()),
  'plans.stop': call<Plan>()(z.object({ planId: id }).strict()),
  /** "Plan with agent": a proposed plan for the goal, validated (one retry with the errors); creates nothing. */
  'plans.propose': call<PlannerResult>()(z.object({ projectId: id, goal: z.string().trim().min(1, 'say what the plan should achieve').max(20_000), agent: agentSpecSchema, base: branchName.optional() }).strict()),
  /** For the scope editor: which files on `ref` (default the current branch) each glob matches, at most `limit` each. */
  'projects.matchGlobs': call<GlobMatches[]>()(
    z.object({ projectId: id, globs: z.array(z.string().min(1).max(1024)).min(1).max(200), ref: branchName.optional(), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
  ),
  /** The demo: a sample repository in a temporary folder and a six-task plan run by the demo agent, started with auto-merge. */
  'demo.create': call<{ projectId: string; planId: string; repo: string }>()(empty),
  /** When every task has merged: the integration branch into the plan's base, or a pull request of it. */
  'plans.finish': call<PlanFinishResult>()(z.object({ planId: id, how: z.enum(['merge', 'pull-request']) }).strict()),
  /** Merges a plan task into its integration branch through the merge train (candidate first). */
  'plans.mergeTask': call<TrainResult>()(taskRef),
  // ---- sessions that lost their task ----
  /** Sessions in ptyd that no task of this engine owns (a restored database, a deleted task). */
  'sessions.orphans': call<OrphanSession[]>()(empty),
  /** Binds an orphan to a task: its own task, or a new one for the worktree it runs in. */
  'sessions.adopt': call<Task>()(z.object({ session: id }).strict()),
  /** Stops an orphan's whole process tree and forgets the session. */
  'sessions.kill': call<null>()(z.object({ session: id }).strict()),
  // ---- board and task management ----
  'tasks.update': call<Task>()(
    z
      .object({
        taskId: id,
        title: z.string().trim().min(1).max(200).optional(),
        prompt: z.string().max(100_000).optional(),
        baseBranch: branchName.optional(),
        agent: agentSpecSchema.optional(),
        /** Replaces the task's own checks settings (any state but done). */
        checks: taskChecksSchema.optional(),
      })
      .strict(),
  ),
  'tasks.archive': call<Task>()(z.object({ taskId: id, archived: z.boolean() }).strict()),
  'tasks.discard': call<DiscardResult>()(z.object({ taskId: id, confirmLoss: z.boolean(), confirmBranch: branchName.optional() }).strict()),
  'tasks.runs': call<Run[]>()(taskRef),
  'tasks.terminals': call<TerminalInfo[]>()(taskRef),
  'tasks.openShell': call<TerminalInfo>()(taskRef),
  'tasks.closeShell': call<null>()(z.object({ taskId: id, session: id }).strict()),
  'tasks.refreshDiffStat': call<Task>()(taskRef),
  'editors.list': call<DetectedEditor[]>()(empty),
  'tasks.openInEditor': call<OpenedIn>()(z.object({ taskId: id, editor: z.string().min(1).max(64).optional() }).strict()),
  // ---- review: viewed files, comments ----
  'review.viewed': call<Record<string, string>>()(taskRef),
  'review.setViewed': call<null>()(z.object({ taskId: id, path, blob: z.string().max(64), viewed: z.boolean() }).strict()),
  'review.comments': call<ReviewComment[]>()(taskRef),
  'review.addComment': call<ReviewComment>()(
    z
      .object({
        taskId: id,
        path,
        side: z.enum(['original', 'modified']),
        startLine: z.number().int().min(1),
        endLine: z.number().int().min(1),
        revision: z.string().min(1).max(64),
        body: z.string().trim().min(1, 'a comment needs text').max(20_000),
      })
      .strict(),
  ),
  'review.deleteComment': call<null>()(z.object({ taskId: id, commentId: z.number().int().min(1) }).strict()),
  'review.sendComments': call<FeedbackResult>()(taskRef),
  // ---- merge: strategies, preview, conflicts, remotes ----
  'tasks.mergePreview': call<MergePreview>()(z.object({ taskId: id, target: branchName.optional() }).strict()),
  'tasks.conflictContents': call<ConflictContents>()(z.object({ taskId: id, path, target: branchName.optional() }).strict()),
  /** Starts `git rebase <target>` in the task's worktree and leaves it there to finish. */
  'tasks.rebaseOntoBase': call<RebaseResult>()(z.object({ taskId: id, target: branchName.optional() }).strict()),
  /** Feedback naming the conflicting files, asking the agent to rebase and resolve them. */
  'tasks.sendConflictsToAgent': call<FeedbackResult>()(taskRef),
  'projects.mergeStrategy': call<MergeStrategy>()(z.object({ projectId: id }).strict()),
  'projects.setMergeStrategy': call<MergeStrategy>()(z.object({ projectId: id, strategy: z.enum(MERGE_STRATEGIES) }).strict()),
  /** Per task with a worktree: its size on disk. */
  'tasks.diskUsage': call<DiskUsage[]>()(z.object({ projectId: id.optional() }).strict()),
  /** Clean-up of many tasks under the same rules; work that would be lost is never confirmed in bulk. */
  'tasks.cleanupMany': call<BulkCleanupResult>()(z.object({ taskIds: z.array(id).min(1).max(1000) }).strict()),
  /** Pushes the task's branch to the base's remote (or origin), setting its upstream. */
  'tasks.push': call<PushResult>()(taskRef),
  /** Pushes, then `gh pr create`; needs `gh` on PATH and a GitHub remote. */
  'tasks.createPullRequest': call<PullRequestResult>()(
    z.object({ taskId: id, title: z.string().trim().min(1).max(300).optional(), body: z.string().max(60_000).optional(), target: branchName.optional() }).strict(),
  ),
  // ---- repository config: trust, setup, ports ----
  /** The committed .switchyard/config.yaml of the current branch (or `branch`), and whether that exact content is trusted. */
  'projects.config': call<RepoConfigView>()(z.object({ projectId: id, branch: branchName.optional() }).strict()),
  /** Trusts exactly the content with this sha256; refused if the file has changed since it was shown. */
  'projects.trustConfig': call<RepoConfigView>()(
    z.object({ projectId: id, hash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'), branch: branchName.optional() }).strict(),
  ),
  // ---- attempts ----
  /** One prompt as 2–4 attempts, each its own task (worktree, branch, agent) in one attempt group. */
  'tasks.createAttempts': call<Task[]>()(
    z
      .object({
        projectId: id,
        title: z.string().trim().min(1, 'a task needs a title').max(200),
        prompt: z.string().max(100_000),
        baseBranch: branchName.optional(),
        agents: z.array(agentSpecSchema).min(2, 'attempts are 2 to 4').max(4, 'attempts are 2 to 4'),
        startNow: z.boolean().default(true),
        /** Each attempt's own checks settings. */
        checks: taskChecksSchema.optional(),
      })
      .strict(),
  ),
  /** Every attempt of the task's group, by attempt number, with fresh diff stats; just the task if it has no group. */
  'tasks.attempts': call<Task[]>()(taskRef),
  /** How attempt b's branch tip differs from attempt a's (committed work). */
  'tasks.compareAttempts': call<ChangedFile[]>()(z.object({ a: id, b: id }).strict()),
  /** One file at attempt a's tip (original) and attempt b's tip (modified); `oldPath` for a rename. */
  'tasks.compareFileContents': call<FileContents>()(z.object({ a: id, b: id, path, oldPath: path.nullable().optional() }).strict()),
} as const;

export type Api = typeof API;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = Api[M]['output'];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API, name);
}

// ---- repository config: trust, setup, ports (types) ----
/** `.switchyard/config.yaml` as committed on `ref`, for the trust prompt. */
export interface RepoConfigView {
  present: boolean;
  /** The file in the main checkout, for display. */
  path: string;
  /** The branch (or HEAD) the content was read from. */
  ref: string;
  content: string | null;
  /** sha256 of `content`: what projects.trustConfig trusts. */
  hash: string | null;
  trusted: boolean;
  /** Whether it has setup or teardown commands (copy-only files need no trust). */
  hasCommands: boolean;
  /** Why the file cannot be used, naming the field; null when it parses. */
  error: string | null;
}

// ---- plans (types) ----
export interface PlanView {
  plan: Plan;
  tasks: Task[];
}

export interface PlanPreview {
  /** The format the text was read as ("auto" resolved). */
  format: Exclude<(typeof IMPORT_FORMATS)[number], 'auto'>;
  plan: PlanFile;
  /** What the importer left out or changed (ignored dependency types, epics, dropped edges). */
  warnings: string[];
  edges: number;
  /** Tasks that come in already done (closed issues). */
  done: number;
}

/** A glob, the files it matches (up to the limit), how many in all, or why it is not a valid glob. */
export interface GlobMatches {
  glob: string;
  files: string[];
  total: number;
  error: string | null;
}

/** One round of "plan with agent": what the agent printed, and what was wrong with it. */
export interface PlannerAttempt {
  output: string;
  errors: string[];
  exitCode: number | null;
}

/** ok: a valid proposal to edit and approve (nothing is created yet); invalid: two rounds failed. */
export type PlannerResult =
  /** `warnings`: what was taken out of the proposal (commands, auto-merge, branches, agents) for the user to decide. */
  { status: 'ok'; plan: PlanFile; attempts: PlannerAttempt[]; warnings: string[] } | { status: 'invalid'; attempts: PlannerAttempt[] };

export type PlanFinishResult = { merge: MergeResult } | { pullRequest: PullRequestResult };

export type TrainResult =
  | { status: 'merged'; commit: string }
  | { status: 'conflict'; files: string[] }
  | { status: 'candidate-failed'; tail: string }
  | { status: 'refused'; reason: string };

/** One agent's folder-trust decision for a repository, and what trusting means for it. */
export interface TrustAgentView {
  agent: 'claude' | 'codex' | 'gemini';
  name: string;
  /** null: not asked yet. */
  decision: 'trusted' | 'declined' | null;
  decidedAt: number | null;
  /** What trusting does, exactly (what is passed, what is written where). */
  description: string;
}

export interface TrustView {
  projectId: string;
  /** The main checkout, which the agents key trust on for every worktree of the repository. */
  checkout: string;
  agents: TrustAgentView[];
}

/** A session in ptyd that no task owns: shown to the user, who adopts or kills it. */
export interface OrphanSession extends Pick<SessionInfo, 'session' | 'pid' | 'cwd' | 'alive' | 'exitCode' | 'signal' | 'startedAt'> {
  /** Whether "adopt" can bind it to a task; if not, `why` says what is missing. */
  adoptable: boolean;
  why: string | null;
  /** The task adopting binds it to, or the project a new task would be made in. */
  taskId: string | null;
  projectId: string | null;
}

/** Events the engine pushes to every connected UI. */
export type EngineEvent =
  | { type: 'task'; task: Task }
  /** The orphan sessions changed (found at reconnect, adopted, killed, exited). */
  | { type: 'orphans'; orphans: OrphanSession[] }
  | { type: 'project'; project: Project }
  /** A plan was created, edited, started, paused, stopped or finished. */
  | { type: 'plan'; plan: Plan }
  /** What is known of the installed agents changed (a version probe answered): list them again. */
  | { type: 'agents' }
  /** A task's terminal session started or ended. */
  | { type: 'terminal'; taskId: string; session: string; state: 'started' | 'exited'; exitCode: number | null; signal: number | null }
  /**
   * A task wants the user: it started needing input, finished (review or failed, or the agent
   * reported done), or feedback typed into it was not seen taken. `title` is the task's title,
   * `detail` one line for the notification's body.
   */
  | { type: 'attention'; taskId: string; reason: AttentionReason; title: string; detail: string };

/** Messages of the JSON request channel, shared by both transports. */
export interface RpcRequest {
  id: number;
  method: string;
  input: unknown;
}

export type RpcResponse =
  | { id: number; ok: true; output: unknown }
  | { id: number; ok: false; error: ErrorPayload };

/** The engine side of the contract: one handler per call, typed by the contract. */
export type Handlers = { [M in Method]: (input: ParsedInput<M>) => Promise<Output<M>> };
