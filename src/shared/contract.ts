/**
 * The one API contract between the UI and the engine. Both transports (Electron IPC and the
 * loopback WebSocket) serve exactly these calls, and every input is validated against the
 * schema here before the engine sees it: the renderer is untrusted input.
 */
import { z } from 'zod';
import type { AgentSpec } from './agents';
import type { ChangedFile, FileContents, TaskDiff } from './diff';
import type { Project, Run, Task, TaskEvent, TaskMessage, TerminalInfo } from './task';
import { agentOverridesSchema, agentSpecSchema, type AgentList, type AgentOverridesView } from './agents';
import type { ErrorPayload } from './errors';

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
});

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
  | { status: 'merged'; commit: string; alreadyMerged: boolean; baseBranch: string; updatedCheckout: string | null; cleanup: CleanupResult }
  | { status: 'needs-commit'; files: ChangedFile[] }
  | { status: 'conflict'; files: string[] }
  | { status: 'refused'; reason: string; path: string | null };

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
export type AttentionReason = 'needs-input' | 'finished' | 'delivery-unconfirmed';

/** Declares a call: its input schema, and (as a type only) its output. */
function call<Out>() {
  return <In extends z.ZodType>(input: In) => ({ input, output: undefined as unknown as Out });
}

const empty = z.object({}).strict();
const taskRef = z.object({ taskId: id }).strict();

export const API = {
  'app.info': call<AppInfo>()(empty),
  'settings.get': call<Settings>()(empty),
  'settings.update': call<Settings>()(settingsPatchSchema),
  'projects.list': call<Project[]>()(empty),
  'projects.open': call<Project>()(z.object({ path }).strict()),
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
  'tasks.events': call<TaskEvent[]>()(taskRef),
  'tasks.diff': call<TaskDiff>()(taskRef),
  'tasks.fileContents': call<FileContents>()(
    z
      .object({
        taskId: id,
        group: z.enum(['committed', 'uncommitted']),
        path,
        oldPath: path.nullable(),
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
      })
      .strict(),
  ),
  'tasks.cleanup': call<CleanupResult>()(z.object({ taskId: id, confirmLoss: z.boolean() }).strict()),
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
  'tasks.dismissFlag': call<Task>()(z.object({ taskId: id, flag: z.enum(['needsInput', 'deliveryUnconfirmed', 'message']) }).strict()),
  // ---- board and task management ----
  'tasks.update': call<Task>()(
    z
      .object({ taskId: id, title: z.string().trim().min(1).max(200).optional(), prompt: z.string().max(100_000).optional(), baseBranch: branchName.optional(), agent: agentSpecSchema.optional() })
      .strict(),
  ),
  'tasks.archive': call<Task>()(z.object({ taskId: id, archived: z.boolean() }).strict()),
  'tasks.discard': call<DiscardResult>()(z.object({ taskId: id, confirmLoss: z.boolean() }).strict()),
  'tasks.runs': call<Run[]>()(taskRef),
  'tasks.terminals': call<TerminalInfo[]>()(taskRef),
  'tasks.openShell': call<TerminalInfo>()(taskRef),
  'tasks.closeShell': call<null>()(z.object({ taskId: id, session: id }).strict()),
  'tasks.refreshDiffStat': call<Task>()(taskRef),
  'editors.list': call<DetectedEditor[]>()(empty),
  'tasks.openInEditor': call<OpenedIn>()(z.object({ taskId: id, editor: z.string().min(1).max(64).optional() }).strict()),
} as const;

export type Api = typeof API;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = Api[M]['output'];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API, name);
}

/** Events the engine pushes to every connected UI. */
export type EngineEvent =
  | { type: 'task'; task: Task }
  | { type: 'project'; project: Project }
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
