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

/** States from which an agent can be started (or started again). */
export const STARTABLE_STATES: readonly TaskState[] = ['queued', 'interrupted', 'failed', 'review', 'cancelled'];

export function columnOf(state: TaskState): Column {
  return STATE_COLUMN[state];
}

/** The placeholder a command line uses for the task's prompt. */
export const PROMPT_PLACEHOLDER = '{prompt}';

/**
 * Who raised "needs input" or "your turn": the agent's own hook (or a notification it sent its
 * terminal), a `switchyard notify` it ran, or the screen heuristic (the fallback for agents
 * without hooks).
 */
export type FlagSource = 'hook' | 'notify' | 'screen';

/** Flags, not states (DESIGN.md): they ride on a task whatever its state. */
export interface TaskFlags {
  /** The agent waits for the user: it said so (hook, notify), or its screen ends in a prompt and it went quiet. */
  needsInput: boolean;
  /** Who raised needsInput (null when it is down). */
  needsInputSource: FlagSource | null;
  /**
   * The agent ended its turn and waits for the next message (its turn-end hook). It is still
   * running: the user sends a follow-up, or marks the task ready, which runs the verify gate.
   */
  yourTurn: boolean;
  /** Feedback was typed into the agent, but the agent was not seen to take it. */
  deliveryUnconfirmed: boolean;
  /** The last thing the agent reported through `switchyard notify`, if any. */
  message: string | null;
  /** The last merge attempt conflicted in these files (empty: no conflicts). Nothing was merged. */
  conflicts: string[];
  /** The worktree folder was deleted outside Switchyard; the branch (and its commits) may remain. */
  worktreeMissing: boolean;
  /** No output and no file changes for the task's stuck period, while not waiting for input. */
  stuck: boolean;
  /** The agents' running time passed the task's wall-clock budget. */
  overBudget: boolean;
}

export const NO_FLAGS: TaskFlags = { needsInput: false, needsInputSource: null, yourTurn: false, deliveryUnconfirmed: false, message: null, conflicts: [], worktreeMissing: false, stuck: false, overBudget: false };

/** The flags with "needs input" and "your turn" down: the agent moved on, or is gone. */
export function notWaiting(flags: TaskFlags): TaskFlags {
  return { ...flags, needsInput: false, needsInputSource: null, yourTurn: false };
}

export interface DiffStat {
  files: number;
  additions: number;
  deletions: number;
}

export interface Project {
  id: string;
  name: string;
  path: string;
  createdAt: number;
}

import type { AgentSpec } from './agents';
import type { GateSummary, TaskChecks } from './checks';
import type { TaskPlanRef } from './plan';

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
  /** The agent's own session (conversation) id, as its hooks last reported it: Resume continues this one. */
  agentSession: string | null;
  exitCode: number | null;
  /** Why the task is in its current state, for the card and the event log. */
  stateReason: string | null;
  createdAt: number;
  updatedAt: number;
  stateChangedAt: number;
  /** Whether the worktree and branch have been removed after the task ended. */
  cleanedUp: boolean;
  flags: TaskFlags;
  /** Lines changed against the merge base, committed and not, as last measured. */
  diffStat: DiffStat | null;
  /** Hidden from the board; nothing is deleted. */
  archived: boolean;
  /** Tasks started together as attempts at one prompt share this group id; null for a lone task. */
  attemptGroup: string | null;
  /** This attempt's number in its group, from 1; null for a lone task. */
  attemptIndex: number | null;
  /** The task's own verify, reviewer and supervision settings (missing keys inherit). */
  checks: TaskChecks;
  /** The verify gate's and reviewer's latest outcome, and the fix rounds used. */
  gate: GateSummary;
  /** The plan this task belongs to, or null for a task on its own. */
  plan: TaskPlanRef | null;
}

export interface TaskEvent {
  id: number;
  taskId: string;
  at: number;
  fromState: TaskState | null;
  toState: TaskState;
  reason: string;
}

/** One launch of a task's agent. */
export interface Run {
  id: string;
  sessionId: string;
  argv: string[];
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  signal: number | null;
}

/** A terminal of a task besides its agent's: a shell in its worktree, a setup/teardown run from .switchyard/config.yaml, a verify run or the reviewer agent. */
export interface TerminalInfo {
  sessionId: string;
  taskId: string;
  kind: 'shell' | 'setup' | 'verify' | 'review';
  title: string;
  createdAt: number;
}

/** Feedback the user sent, and what the agent reported through `switchyard notify`. */
export interface TaskMessage {
  id: number;
  taskId: string;
  at: number;
  kind: 'feedback' | 'notify';
  text: string;
}
