/** Task states and the board columns they belong to (DESIGN.md, "Task states"). */
export const TASK_STATES = [
  'queued',
  'blocked',
  'running',
  'verifying',
  'interrupted',
  'review',
  'failed',
  'merging',
  'done',
  'cancelled',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

export const COLUMNS = ['queued', 'running', 'review', 'done'] as const;
export type Column = (typeof COLUMNS)[number];

export const COLUMN_TITLES: Record<Column, string> = {
  queued: 'Queued',
  running: 'Running',
  review: 'Review',
  done: 'Done',
};

const STATE_COLUMN: Record<TaskState, Column> = {
  queued: 'queued',
  blocked: 'queued',
  running: 'running',
  verifying: 'running',
  interrupted: 'running',
  review: 'review',
  failed: 'review',
  merging: 'review',
  done: 'done',
  cancelled: 'done',
};

export function columnOf(state: TaskState): Column {
  return STATE_COLUMN[state];
}

/** Built-in agent profiles of this version. */
export const AGENT_PROFILES = ['shell', 'custom'] as const;
export type AgentProfileId = (typeof AGENT_PROFILES)[number];

/** The placeholder a custom command line uses for the task's prompt. */
export const PROMPT_PLACEHOLDER = '{prompt}';

export interface AgentSpec {
  profile: AgentProfileId;
  /** For "custom": the command line, with {prompt} standing for one argv element. */
  command?: string;
}

export interface Project {
  id: string;
  name: string;
  path: string;
  createdAt: number;
}

export interface Task {
  id: string;
  projectId: string;
  title: string;
  prompt: string;
  baseBranch: string;
  agent: AgentSpec;
  state: TaskState;
  branch: string | null;
  worktreePath: string | null;
  /** The session id of the current run in ptyd, while one exists. */
  sessionId: string | null;
  exitCode: number | null;
  /** Why the task is in its current state, for the card and the event log. */
  stateReason: string | null;
  createdAt: number;
  updatedAt: number;
  stateChangedAt: number;
  /** Whether the worktree and branch have been removed after the task ended. */
  cleanedUp: boolean;
}

export interface TaskEvent {
  id: number;
  taskId: string;
  at: number;
  fromState: TaskState | null;
  toState: TaskState;
  reason: string;
}
