/** Verify runs and reviewer runs, as rows of the engine's SQLite store (migration 6). */
import type { AgentSpec } from '../../shared/agents';
import type { ReviewerRun, ReviewerStatus, ReviewVerdict, VerifyRun, VerifyStatus, VerifyTrigger } from '../../shared/checks';
import { SwitchyardError } from '../../shared/errors';
import type { Db } from '../store/db';

/** A verify log is kept up to this size (its head is dropped beyond). */
export const MAX_LOG_CHARS = 1_000_000;
const MAX_OUTPUT_CHARS = 200_000;

interface VerifyRow {
  id: number;
  task_id: string;
  attempt: number;
  trigger: VerifyTrigger;
  command: string;
  session_id: string | null;
  started_at: number;
  ended_at: number | null;
  status: VerifyStatus;
  exit_code: number | null;
  commit_sha: string | null;
  agent_work_commit: string | null;
  tail: string;
  error: string | null;
}

interface ReviewerRow {
  id: number;
  task_id: string;
  attempt: number;
  agent_json: string;
  session_id: string | null;
  started_at: number;
  ended_at: number | null;
  status: ReviewerStatus;
  verdict_json: string | null;
  error: string | null;
  output: string;
}

const toVerify = (r: VerifyRow): VerifyRun => ({
  id: r.id,
  taskId: r.task_id,
  attempt: r.attempt,
  trigger: r.trigger,
  command: r.command,
  sessionId: r.session_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  status: r.status,
  exitCode: r.exit_code,
  commit: r.commit_sha,
  agentWorkCommit: r.agent_work_commit,
  tail: r.tail,
  error: r.error,
});

const toReviewer = (r: ReviewerRow): ReviewerRun => ({
  id: r.id,
  taskId: r.task_id,
  attempt: r.attempt,
  agent: JSON.parse(r.agent_json) as AgentSpec,
  sessionId: r.session_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  status: r.status,
  verdict: r.verdict_json ? (JSON.parse(r.verdict_json) as ReviewVerdict) : null,
  error: r.error,
  output: r.output,
});

function capHead(text: string, max: number): { text: string; truncated: boolean } {
  return text.length <= max ? { text, truncated: false } : { text: text.slice(text.length - max), truncated: true };
}

export class ChecksStore {
  constructor(private readonly db: Db) {}

  startVerify(v: { taskId: string; attempt: number; trigger: VerifyTrigger; command: string; commit: string | null; agentWorkCommit: string | null }, now = Date.now()): number {
    const r = this.db
      .prepare(
        `INSERT INTO verify_runs (task_id, attempt, trigger, command, started_at, status, commit_sha, agent_work_commit)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(v.taskId, v.attempt, v.trigger, v.command, now, v.commit, v.agentWorkCommit);
    return Number(r.lastInsertRowid);
  }

  setVerifySession(id: number, session: string): void {
    this.db.prepare('UPDATE verify_runs SET session_id = ? WHERE id = ?').run(session, id);
  }

  endVerify(id: number, end: { status: Exclude<VerifyStatus, 'running'>; exitCode: number | null; tail: string; log: string; logTruncated: boolean; error: string | null }, now = Date.now()): void {
    const log = capHead(end.log, MAX_LOG_CHARS);
    this.db
      .prepare('UPDATE verify_runs SET status = ?, exit_code = ?, tail = ?, log = ?, log_truncated = ?, error = ?, ended_at = ? WHERE id = ?')
      .run(end.status, end.exitCode, end.tail, log.text, log.truncated || end.logTruncated ? 1 : 0, end.error, now, id);
  }

  verifyRuns(taskId: string): VerifyRun[] {
    return (this.db.prepare('SELECT * FROM verify_runs WHERE task_id = ? ORDER BY id').all(taskId) as VerifyRow[]).map(toVerify);
  }

  verifyLog(taskId: string, id: number): { log: string; truncated: boolean } {
    const r = this.db.prepare('SELECT log, log_truncated FROM verify_runs WHERE task_id = ? AND id = ?').get(taskId, id) as { log: string; log_truncated: number } | undefined;
    if (!r) throw new SwitchyardError('not-found', `the task has no verify run ${id}`);
    return { log: r.log, truncated: r.log_truncated === 1 };
  }

  startReviewer(v: { taskId: string; attempt: number; agent: AgentSpec }, now = Date.now()): number {
    const r = this.db
      .prepare(`INSERT INTO reviewer_runs (task_id, attempt, agent_json, started_at, status) VALUES (?, ?, ?, ?, 'running')`)
      .run(v.taskId, v.attempt, JSON.stringify(v.agent), now);
    return Number(r.lastInsertRowid);
  }

  setReviewerSession(id: number, session: string): void {
    this.db.prepare('UPDATE reviewer_runs SET session_id = ? WHERE id = ?').run(session, id);
  }

  endReviewer(id: number, end: { status: Exclude<ReviewerStatus, 'running'>; verdict: ReviewVerdict | null; error: string | null; output: string }, now = Date.now()): void {
    this.db
      .prepare('UPDATE reviewer_runs SET status = ?, verdict_json = ?, error = ?, output = ?, ended_at = ? WHERE id = ?')
      .run(end.status, end.verdict ? JSON.stringify(end.verdict) : null, end.error, capHead(end.output, MAX_OUTPUT_CHARS).text, now, id);
  }

  reviewerRuns(taskId: string): ReviewerRun[] {
    return (this.db.prepare('SELECT * FROM reviewer_runs WHERE task_id = ? ORDER BY id').all(taskId) as ReviewerRow[]).map(toReviewer);
  }

  /** Runs an engine that stopped left open: they will never report, so they end as errors. */
  closeUnfinished(taskId: string, why: string, now = Date.now()): void {
    this.db.prepare(`UPDATE verify_runs SET status = 'error', error = ?, ended_at = ? WHERE task_id = ? AND status = 'running'`).run(why, now, taskId);
    this.db.prepare(`UPDATE reviewer_runs SET status = 'error', error = ?, ended_at = ? WHERE task_id = ? AND status = 'running'`).run(why, now, taskId);
  }
}
