/**
 * The one API contract between the UI and the engine. Both transports (Electron IPC and the
 * loopback WebSocket) serve exactly these calls, and every input is validated against the
 * schema here before the engine sees it: the renderer is untrusted input.
 */
import { z } from 'zod';
import type { ChangedFile, FileContents, TaskDiff } from './diff';
import type { Project, Task, TaskEvent } from './task';
import { agentSpecSchema } from './agents';
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

export interface Settings {
  worktreesDir: string;
}

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

/** Declares a call: its input schema, and (as a type only) its output. */
function call<Out>() {
  return <In extends z.ZodType>(input: In) => ({ input, output: undefined as unknown as Out });
}

const empty = z.object({}).strict();
const taskRef = z.object({ taskId: id }).strict();

export const API = {
  'app.info': call<AppInfo>()(empty),
  'settings.get': call<Settings>()(empty),
  'settings.update': call<Settings>()(z.object({ worktreesDir: path }).strict()),
  'projects.list': call<Project[]>()(empty),
  'projects.open': call<Project>()(z.object({ path }).strict()),
  'projects.branches': call<Branches>()(z.object({ projectId: id }).strict()),
  'tasks.list': call<Task[]>()(z.object({ projectId: id.optional() }).strict()),
  'tasks.create': call<Task>()(createTaskInput.strict()),
  'tasks.start': call<Task>()(taskRef),
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
  // ---- supervision: feedback, flags ----
  // ---- board and task management ----
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
  | { type: 'terminal'; taskId: string; session: string; state: 'started' | 'exited'; exitCode: number | null; signal: number | null };

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
