/**
 * A task's activity timeline: its states, agent runs, verify attempts, reviewer verdicts,
 * feedback, reports and merges, built from the event log and the run records, each with a
 * timestamp and a duration. A state lasts until the next one; the current one up to now.
 */
import type { ReviewerRun, TimelineEntry, VerifyRun } from '../../shared/checks';
import type { Run, TaskEvent, TaskMessage, TaskState } from '../../shared/task';

const STATE_TITLES: Record<TaskState, string> = {
  queued: 'Queued',
  blocked: 'Blocked',
  running: 'Running',
  verifying: 'Verifying',
  interrupted: 'Interrupted',
  review: 'In review',
  failed: 'Failed',
  merging: 'Merging',
  done: 'Merged',
  cancelled: 'Stopped',
};

export interface TimelineSources {
  events: TaskEvent[];
  runs: Run[];
  verifyRuns: VerifyRun[];
  reviewerRuns: ReviewerRun[];
  messages: TaskMessage[];
  now: number;
}

export function buildTimeline(s: TimelineSources): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const transitions = s.events.filter((e) => e.fromState !== e.toState);
  transitions.forEach((e, i) => {
    const next = transitions[i + 1];
    const ended = next !== undefined || e.toState === 'done';
    out.push({
      at: e.at,
      durationMs: next ? next.at - e.at : e.toState === 'done' ? null : s.now - e.at,
      kind: e.toState === 'done' || e.toState === 'merging' ? 'merge' : 'state',
      title: e.fromState === null ? 'Created' : STATE_TITLES[e.toState],
      detail: e.reason,
      tone: !ended ? 'live' : e.toState === 'failed' || e.toState === 'interrupted' ? 'bad' : e.toState === 'done' ? 'ok' : 'info',
    });
  });
  for (const e of s.events) {
    if (e.fromState !== e.toState) continue;
    // Verify and reviewer notes repeat their own records, which carry more.
    if (/^(verify \d|reviewer \d)/.test(e.reason)) continue;
    const supervision = e.reason.startsWith('supervision:');
    out.push({
      at: e.at,
      durationMs: null,
      kind: supervision ? 'supervision' : /merg/i.test(e.reason) ? 'merge' : 'note',
      title: supervision ? 'Supervision' : 'Note',
      detail: supervision ? e.reason.slice('supervision:'.length).trim() : e.reason,
      tone: supervision ? 'warn' : 'info',
    });
  }
  s.runs.forEach((r, i) => {
    const code = r.exitCode ?? (r.signal ? 128 + r.signal : null);
    out.push({
      at: r.startedAt,
      durationMs: (r.endedAt ?? s.now) - r.startedAt,
      kind: 'run',
      title: `Agent run ${i + 1}`,
      detail: r.endedAt === null ? 'running' : r.signal ? `killed by signal ${r.signal}` : `exited with code ${code ?? 'unknown'}`,
      tone: r.endedAt === null ? 'live' : code === 0 ? 'ok' : 'bad',
    });
  }
  );
  for (const v of s.verifyRuns) {
    out.push({
      at: v.startedAt,
      durationMs: (v.endedAt ?? s.now) - v.startedAt,
      kind: 'verify',
      title: `Verify ${v.attempt} ${v.status}${v.exitCode !== null && v.status !== 'passed' ? ` (exit ${v.exitCode})` : ''}`,
      detail: [v.command, v.agentWorkCommit ? `agent work committed as ${v.agentWorkCommit.slice(0, 10)}` : null, v.error].filter(Boolean).join(' · '),
      tone: v.status === 'running' ? 'live' : v.status === 'passed' ? 'ok' : 'bad',
    });
  }
  for (const r of s.reviewerRuns) {
    const verdict = r.status === 'approved' ? 'approved' : r.status === 'changes-requested' ? `requested changes (${r.verdict?.comments?.length ?? 0})` : r.status;
    out.push({
      at: r.startedAt,
      durationMs: (r.endedAt ?? s.now) - r.startedAt,
      kind: 'review',
      title: `Reviewer ${r.attempt} ${verdict}`,
      detail: r.error ?? r.verdict?.summary ?? null,
      tone: r.status === 'running' ? 'live' : r.status === 'approved' ? 'ok' : r.status === 'changes-requested' ? 'warn' : 'bad',
    });
  }
  for (const m of s.messages) {
    out.push({
      at: m.at,
      durationMs: null,
      kind: m.kind === 'feedback' ? 'feedback' : 'report',
      title: m.kind === 'feedback' ? 'Feedback sent' : 'Agent reported',
      detail: m.text.length > 500 ? `${m.text.slice(0, 500)}…` : m.text,
      tone: 'info',
    });
  }
  // Stable by time; at equal times, states first.
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i).map(({ e }) => e);
}
