/**
 * The engine's store: projects, tasks, runs, the event log and settings, in one SQLite file.
 * A state change and the event row that says why are always written in one transaction.
 */
import type { AgentSpec } from '../../shared/agents';
import { EMPTY_GATE, type GateSummary, type TaskChecks } from '../../shared/checks';
import { NO_FLAGS, type Project, type Task, type TaskEvent, type TaskFlags, type TaskState } from '../../shared/task';
import { SwitchyardError } from '../../shared/errors';
import type { ReviewComment } from '../../shared/diff';
import type { Run, TaskMessage, TerminalInfo } from '../../shared/task';

/** A review comment as stored; whether it is outdated is worked out when it is read. */
export type StoredComment = Omit<ReviewComment, 'outdated'>;
import { canTransition } from '../tasks/lifecycle';
import { openDatabase, type Db } from './db';

interface TaskRow {
  id: string;
  project_id: string;
  title: string;
  prompt: string;
  base_branch: string;
  agent_json: string;
  state: TaskState;
  branch: string | null;
  worktree_path: string | null;
  session_id: string | null;
  exit_code: number | null;
  state_reason: string | null;
  created_at: number;
  updated_at: number;
  state_changed_at: number;
  cleaned_up: number;
  flags_json: string;
  diff_files: number | null;
  diff_additions: number | null;
  diff_deletions: number | null;
  archived: number;
  notify_token: string | null;
  attempt_group: string | null;
  attempt_index: number | null;
  checks_json: string;
  gate_json: string;
  plan_id: string | null;
  plan_key: string | null;
  plan_order: number | null;
  priority: number | null;
  files_scope_json: string | null;
  plan_parents_json: string | null;
  plan_wait: string | null;
  agent_session: string | null;
}

function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    projectId: r.project_id,
    title: r.title,
    prompt: r.prompt,
    baseBranch: r.base_branch,
    agent: JSON.parse(r.agent_json) as AgentSpec,
    state: r.state,
    branch: r.branch,
    worktreePath: r.worktree_path,
    sessionId: r.session_id,
    exitCode: r.exit_code,
    stateReason: r.state_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    stateChangedAt: r.state_changed_at,
    cleanedUp: r.cleaned_up === 1,
    agentSession: r.agent_session ?? null,
    flags: { ...NO_FLAGS, ...(JSON.parse(r.flags_json) as Partial<TaskFlags>) },
    diffStat: r.diff_files === null ? null : { files: r.diff_files, additions: r.diff_additions ?? 0, deletions: r.diff_deletions ?? 0 },
    archived: r.archived === 1,
    attemptGroup: r.attempt_group ?? null,
    attemptIndex: r.attempt_index ?? null,
    checks: JSON.parse(r.checks_json) as TaskChecks,
    gate: { ...EMPTY_GATE, ...(JSON.parse(r.gate_json) as Partial<GateSummary>) },
    plan: r.plan_id
      ? {
          planId: r.plan_id,
          key: r.plan_key ?? '',
          order: r.plan_order ?? 0,
          priority: r.priority ?? 2,
          scope: r.files_scope_json ? (JSON.parse(r.files_scope_json) as string[]) : null,
          parents: r.plan_parents_json ? (JSON.parse(r.plan_parents_json) as string[]) : [],
          waiting: r.plan_wait,
        }
      : null,
  };
}

/** Fields of a task that change after creation. */
export type TaskPatch = Partial<
  Pick<Task, 'branch' | 'worktreePath' | 'sessionId' | 'agentSession' | 'exitCode' | 'cleanedUp' | 'flags' | 'diffStat' | 'archived' | 'title' | 'prompt' | 'baseBranch' | 'agent' | 'checks' | 'gate'>
>;

/** Each patchable field, as the columns and values it is stored in. */
function patchColumns(patch: TaskPatch): [string, unknown][] {
  const cols: [string, unknown][] = [];
  const bool = (v: boolean): number => (v ? 1 : 0);
  if (patch.branch !== undefined) cols.push(['branch', patch.branch]);
  if (patch.worktreePath !== undefined) cols.push(['worktree_path', patch.worktreePath]);
  if (patch.sessionId !== undefined) cols.push(['session_id', patch.sessionId]);
  if (patch.agentSession !== undefined) cols.push(['agent_session', patch.agentSession]);
  if (patch.exitCode !== undefined) cols.push(['exit_code', patch.exitCode]);
  if (patch.cleanedUp !== undefined) cols.push(['cleaned_up', bool(patch.cleanedUp)]);
  if (patch.flags !== undefined) cols.push(['flags_json', JSON.stringify(patch.flags)]);
  if (patch.diffStat !== undefined) {
    cols.push(['diff_files', patch.diffStat?.files ?? null], ['diff_additions', patch.diffStat?.additions ?? null], ['diff_deletions', patch.diffStat?.deletions ?? null]);
  }
  if (patch.archived !== undefined) cols.push(['archived', bool(patch.archived)]);
  if (patch.title !== undefined) cols.push(['title', patch.title]);
  if (patch.prompt !== undefined) cols.push(['prompt', patch.prompt]);
  if (patch.baseBranch !== undefined) cols.push(['base_branch', patch.baseBranch]);
  if (patch.agent !== undefined) cols.push(['agent_json', JSON.stringify(patch.agent)]);
  if (patch.checks !== undefined) cols.push(['checks_json', JSON.stringify(patch.checks)]);
  if (patch.gate !== undefined) cols.push(['gate_json', JSON.stringify(patch.gate)]);
  return cols;
}

export interface NewTask {
  id: string;
  projectId: string;
  title: string;
  prompt: string;
  baseBranch: string;
  agent: AgentSpec;
  checks?: TaskChecks;
  /** A task imported as already finished starts done; everything else starts queued. */
  state?: 'queued' | 'done';
  reason?: string;
}

/**
 * Sessions that may have a process running: agent runs not ended, shells not closed, verify and
 * reviewer runs not finished, and setup or teardown runs of the last day (their terminals stay
 * listed after they end, so only recent ones are worth looking for).
 */
const LIVE_SESSIONS = `
  SELECT session_id AS s FROM runs WHERE ended_at IS NULL
  UNION SELECT session_id AS s FROM terminals WHERE closed_at IS NULL AND kind = 'shell'
  UNION SELECT session_id AS s FROM terminals WHERE closed_at IS NULL AND kind = 'setup' AND created_at > @since
  UNION SELECT session_id AS s FROM verify_runs WHERE ended_at IS NULL AND session_id IS NOT NULL
  UNION SELECT session_id AS s FROM reviewer_runs WHERE ended_at IS NULL AND session_id IS NOT NULL`;
const HELPER_RUN_HORIZON_MS = 24 * 3600_000;

export class Store {
  readonly db: Db;

  constructor(file: string) {
    this.db = openDatabase(file);
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in a transaction, or inside the one already open (so operations compose into one). */
  atomically<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn)();
  }

  // projects

  addProject(p: Project): Project {
    this.db
      .prepare('INSERT INTO projects (id, name, path, created_at) VALUES (?, ?, ?, ?)')
      .run(p.id, p.name, p.path, p.createdAt);
    return p;
  }

  projectByPath(path: string): Project | null {
    const r = this.db.prepare('SELECT * FROM projects WHERE path = ?').get(path) as ProjectRow | undefined;
    return r ? toProject(r) : null;
  }

  project(id: string): Project {
    const r = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    if (!r) throw new SwitchyardError('not-found', `no project ${id}`);
    return toProject(r);
  }

  projects(): Project[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY created_at').all() as ProjectRow[]).map(toProject);
  }

  // tasks

  createTask(t: NewTask, now = Date.now()): Task {
    this.atomically(() => {
      this.db
        .prepare(
          `INSERT INTO tasks (id, project_id, title, prompt, base_branch, agent_json, checks_json, state, created_at, updated_at, state_changed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(t.id, t.projectId, t.title, t.prompt, t.baseBranch, JSON.stringify(t.agent), JSON.stringify(t.checks ?? {}), t.state ?? 'queued', now, now, now);
      this.insertEvent(t.id, now, null, t.state ?? 'queued', t.reason ?? 'created');
    });
    return this.task(t.id);
  }

  task(id: string): Task {
    const r = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    if (!r) throw new SwitchyardError('not-found', `no task ${id}`);
    return toTask(r);
  }

  tasks(projectId?: string): Task[] {
    const rows = projectId
      ? this.db.prepare('SELECT * FROM tasks WHERE project_id = ? ORDER BY created_at').all(projectId)
      : this.db.prepare('SELECT * FROM tasks ORDER BY created_at').all();
    return (rows as TaskRow[]).map(toTask);
  }

  /** A plan's tasks in plan order, in one query (the scheduler reads them on every change). */
  planTasks(planId: string): Task[] {
    return (this.db.prepare('SELECT * FROM tasks WHERE plan_id = ? ORDER BY plan_order').all(planId) as TaskRow[]).map(toTask);
  }

  /** The task a ptyd session belongs to (through its run), or null. */
  taskBySession(sessionId: string): Task | null {
    const r = this.db
      .prepare('SELECT tasks.* FROM runs JOIN tasks ON tasks.id = runs.task_id WHERE runs.session_id = ?')
      .get(sessionId) as TaskRow | undefined;
    return r ? toTask(r) : null;
  }

  /** A task by id, or null when there is none (a session naming a task that was deleted). */
  findTask(id: string): Task | null {
    const r = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return r ? toTask(r) : null;
  }

  /** Sessions the store has open (runs not ended, terminals not closed): their saved output stays. */
  openSessionIds(): string[] {
    const rows = this.db
      .prepare('SELECT session_id AS s FROM runs WHERE ended_at IS NULL UNION SELECT session_id AS s FROM terminals WHERE closed_at IS NULL')
      .all() as { s: string }[];
    return rows.map((r) => r.s);
  }

  /** Sessions the store believes may have a process running (LIVE_SESSIONS). */
  liveSessionIds(now = Date.now()): string[] {
    const rows = this.db.prepare(`SELECT s FROM (${LIVE_SESSIONS})`).all({ since: now - HELPER_RUN_HORIZON_MS }) as { s: string }[];
    return rows.map((r) => r.s);
  }

  isLiveSession(sessionId: string, now = Date.now()): boolean {
    return this.db.prepare(`SELECT 1 AS one FROM (${LIVE_SESSIONS}) WHERE s = @session`).get({ since: now - HELPER_RUN_HORIZON_MS, session: sessionId }) !== undefined;
  }

  /** Whether a ptyd session was started by this engine for one of its tasks (agent or shell). */
  isKnownSession(sessionId: string): boolean {
    return (
      this.db.prepare('SELECT 1 AS one FROM runs WHERE session_id = ?').get(sessionId) !== undefined ||
      this.db.prepare('SELECT 1 AS one FROM terminals WHERE session_id = ?').get(sessionId) !== undefined
    );
  }

  tasksInStates(states: readonly TaskState[]): Task[] {
    const marks = states.map(() => '?').join(',');
    const rows = this.db.prepare(`SELECT * FROM tasks WHERE state IN (${marks})`).all(...states) as TaskRow[];
    return rows.map(toTask);
  }

  patchTask(id: string, patch: TaskPatch, now = Date.now()): Task {
    const cols = patchColumns(patch);
    if (cols.length > 0) {
      const sets = cols.map(([c]) => `${c} = ?`).join(', ');
      this.db.prepare(`UPDATE tasks SET ${sets}, updated_at = ? WHERE id = ?`).run(...cols.map(([, v]) => v), now, id);
    }
    return this.task(id);
  }

  /** Moves a task to `to` with the event that says why, in one transaction. */
  transition(id: string, to: TaskState, reason: string, patch: TaskPatch = {}, now = Date.now()): Task {
    this.atomically(() => {
      const from = this.task(id).state;
      if (!canTransition(from, to)) {
        throw new SwitchyardError('bad-state', `a task that is ${from} cannot become ${to}`);
      }
      this.patchTask(id, patch, now);
      this.db
        .prepare('UPDATE tasks SET state = ?, state_reason = ?, state_changed_at = ?, updated_at = ? WHERE id = ?')
        .run(to, reason, now, now, id);
      this.insertEvent(id, now, from, to, reason);
    });
    return this.task(id);
  }

  private insertEvent(taskId: string, at: number, from: TaskState | null, to: TaskState, reason: string): void {
    this.db
      .prepare('INSERT INTO events (task_id, at, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?)')
      .run(taskId, at, from, to, reason);
  }

  events(taskId: string): TaskEvent[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE task_id = ? ORDER BY id').all(taskId) as {
      id: number;
      task_id: string;
      at: number;
      from_state: TaskState | null;
      to_state: TaskState;
      reason: string;
    }[];
    return rows.map((r) => ({ id: r.id, taskId: r.task_id, at: r.at, fromState: r.from_state, toState: r.to_state, reason: r.reason }));
  }

  // attempts: tasks started together from one prompt

  setAttempt(taskId: string, group: string, index: number, now = Date.now()): Task {
    this.db.prepare('UPDATE tasks SET attempt_group = ?, attempt_index = ?, updated_at = ? WHERE id = ?').run(group, index, now, taskId);
    return this.task(taskId);
  }

  /** The tasks of an attempt group, by attempt number. */
  attemptGroup(group: string): Task[] {
    const rows = this.db.prepare('SELECT * FROM tasks WHERE attempt_group = ? ORDER BY attempt_index, created_at').all(group) as TaskRow[];
    return rows.map(toTask);
  }

  /** Says why a task is in its state without changing the state (an attempt cancelled because another was merged). */
  setStateReason(taskId: string, reason: string, now = Date.now()): Task {
    this.atomically(() => {
      this.db.prepare('UPDATE tasks SET state_reason = ?, updated_at = ? WHERE id = ?').run(reason, now, taskId);
      this.addNote(taskId, reason, now);
    });
    return this.task(taskId);
  }

  // runs

  addRun(run: { id: string; taskId: string; sessionId: string; argv: string[] }, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO runs (id, task_id, session_id, argv_json, started_at) VALUES (?, ?, ?, ?, ?)')
      .run(run.id, run.taskId, run.sessionId, JSON.stringify(run.argv), now);
  }

  endRun(sessionId: string, exitCode: number | null, signal: number | null, now = Date.now()): void {
    this.db
      .prepare('UPDATE runs SET ended_at = ?, exit_code = ?, signal = ? WHERE session_id = ? AND ended_at IS NULL')
      .run(now, exitCode, signal, sessionId);
  }

  runs(taskId: string): Run[] {
    const rows = this.db.prepare('SELECT * FROM runs WHERE task_id = ? ORDER BY started_at').all(taskId) as {
      id: string;
      session_id: string;
      argv_json: string;
      started_at: number;
      ended_at: number | null;
      exit_code: number | null;
      signal: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      argv: JSON.parse(r.argv_json) as string[],
      startedAt: r.started_at,
      endedAt: r.ended_at,
      exitCode: r.exit_code,
      signal: r.signal,
    }));
  }

  // extra terminals (shells beside the agent)

  addTerminal(t: { sessionId: string; taskId: string; kind: TerminalInfo['kind']; title: string }, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO terminals (session_id, task_id, kind, title, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(t.sessionId, t.taskId, t.kind, t.title, now);
  }

  /** The task an open extra terminal belongs to, or null. */
  terminalTask(sessionId: string): string | null {
    return this.openTerminal(sessionId)?.taskId ?? null;
  }

  /** An open terminal's task and kind, or null. */
  openTerminal(sessionId: string): { taskId: string; kind: TerminalInfo['kind'] } | null {
    const r = this.db.prepare('SELECT task_id, kind FROM terminals WHERE session_id = ? AND closed_at IS NULL').get(sessionId) as { task_id: string; kind: TerminalInfo['kind'] } | undefined;
    return r ? { taskId: r.task_id, kind: r.kind } : null;
  }

  closeTerminal(sessionId: string, now = Date.now()): void {
    this.db.prepare('UPDATE terminals SET closed_at = ? WHERE session_id = ? AND closed_at IS NULL').run(now, sessionId);
  }

  terminals(taskId: string): TerminalInfo[] {
    const rows = this.db.prepare('SELECT * FROM terminals WHERE task_id = ? AND closed_at IS NULL ORDER BY created_at').all(taskId) as {
      session_id: string;
      task_id: string;
      kind: TerminalInfo['kind'];
      title: string;
      created_at: number;
    }[];
    return rows.map((r) => ({ sessionId: r.session_id, taskId: r.task_id, kind: r.kind, title: r.title, createdAt: r.created_at }));
  }

  // messages: feedback sent to the agent, and what the agent reported

  addMessage(taskId: string, kind: TaskMessage['kind'], text: string, now = Date.now()): void {
    this.db.prepare('INSERT INTO messages (task_id, at, kind, text) VALUES (?, ?, ?, ?)').run(taskId, now, kind, text);
  }

  messages(taskId: string): TaskMessage[] {
    const rows = this.db.prepare('SELECT * FROM messages WHERE task_id = ? ORDER BY id').all(taskId) as {
      id: number;
      task_id: string;
      at: number;
      kind: TaskMessage['kind'];
      text: string;
    }[];
    return rows.map((r) => ({ id: r.id, taskId: r.task_id, at: r.at, kind: r.kind, text: r.text }));
  }

  // notify tokens: the secret an agent's `switchyard notify` proves its task with; never on Task

  /** The user's trust decisions for a repository: agent → trusted, with when. */
  trustDecisions(projectId: string): { agent: string; trusted: boolean; decidedAt: number }[] {
    const rows = this.db.prepare('SELECT agent, trusted, decided_at FROM agent_trust WHERE project_id = ?').all(projectId) as { agent: string; trusted: number; decided_at: number }[];
    return rows.map((r) => ({ agent: r.agent, trusted: r.trusted === 1, decidedAt: r.decided_at }));
  }

  setTrustDecision(projectId: string, agent: string, trusted: boolean, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO agent_trust (project_id, agent, trusted, decided_at) VALUES (?, ?, ?, ?) ON CONFLICT (project_id, agent) DO UPDATE SET trusted = excluded.trusted, decided_at = excluded.decided_at')
      .run(projectId, agent, trusted ? 1 : 0, now);
  }

  notifyToken(taskId: string): string | null {
    const r = this.db.prepare('SELECT notify_token FROM tasks WHERE id = ?').get(taskId) as { notify_token: string | null } | undefined;
    return r?.notify_token ?? null;
  }

  setNotifyToken(taskId: string, token: string): void {
    this.db.prepare('UPDATE tasks SET notify_token = ? WHERE id = ?').run(token, taskId);
  }

  /** An event row for something that happened to a task without changing its state (feedback sent). */
  addNote(taskId: string, reason: string, now = Date.now()): void {
    const state = this.task(taskId).state;
    this.insertEvent(taskId, now, state, state, reason);
  }

  // review: viewed files and comments

  viewedFiles(taskId: string): Record<string, string> {
    const rows = this.db.prepare('SELECT path, blob FROM viewed_files WHERE task_id = ?').all(taskId) as { path: string; blob: string }[];
    return Object.fromEntries(rows.map((r) => [r.path, r.blob]));
  }

  setViewed(taskId: string, path: string, blob: string | null): void {
    if (blob === null) this.db.prepare('DELETE FROM viewed_files WHERE task_id = ? AND path = ?').run(taskId, path);
    else this.db.prepare('INSERT INTO viewed_files (task_id, path, blob) VALUES (?, ?, ?) ON CONFLICT(task_id, path) DO UPDATE SET blob = excluded.blob').run(taskId, path, blob);
  }

  addComment(c: Omit<StoredComment, 'id' | 'status' | 'createdAt'>, now = Date.now()): number {
    const r = this.db
      .prepare(
        'INSERT INTO review_comments (task_id, path, side, start_line, end_line, revision, quote, body, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(c.taskId, c.path, c.side, c.startLine, c.endLine, c.revision, c.quote, c.body, 'open', now);
    return Number(r.lastInsertRowid);
  }

  comments(taskId: string): StoredComment[] {
    const rows = this.db.prepare('SELECT * FROM review_comments WHERE task_id = ? ORDER BY path, start_line, id').all(taskId) as {
      id: number;
      task_id: string;
      path: string;
      side: 'original' | 'modified';
      start_line: number;
      end_line: number;
      revision: string;
      quote: string;
      body: string;
      status: 'open' | 'sent';
      created_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      taskId: r.task_id,
      path: r.path,
      side: r.side,
      startLine: r.start_line,
      endLine: r.end_line,
      revision: r.revision,
      quote: r.quote,
      body: r.body,
      status: r.status,
      createdAt: r.created_at,
    }));
  }

  deleteComment(taskId: string, id: number): void {
    this.db.prepare('DELETE FROM review_comments WHERE task_id = ? AND id = ?').run(taskId, id);
  }

  markCommentsSent(taskId: string, ids: number[]): void {
    const mark = this.db.prepare("UPDATE review_comments SET status = 'sent' WHERE task_id = ? AND id = ?");
    this.db.transaction(() => ids.forEach((id) => mark.run(taskId, id)))();
  }

  // settings

  setting(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

interface ProjectRow {
  id: string;
  name: string;
  path: string;
  created_at: number;
}

function toProject(r: ProjectRow): Project {
  return { id: r.id, name: r.name, path: r.path, createdAt: r.created_at };
}
