/**
 * A task's checks: the settings that apply and where each came from, "Verify now", every verify
 * run (with its whole log one click away) and every reviewer verdict.
 */
import { useCallback, useEffect, useState } from 'react';
import { isCustomAgent } from '../../shared/agents';
import type { EffectiveChecks, ReviewerRun, TaskChecks as TaskChecksSettings, VerifyRun } from '../../shared/checks';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { formatDuration, shortSha } from '../format';
import { canEditChecks, canStop, canVerify, type TaskActions } from '../task-actions';
import { useToast } from '../toasts';
import { GateEscalated, GateMark, REVIEW_TONE, ReviewMark, VERIFY_TONE, VerifyMark, fixRounds } from './GateMark';
import { agentSpecLabel } from './TaskCard';

const TRIGGER_LABEL: Record<VerifyRun['trigger'], string> = { exit: 'agent exited', done: 'agent reported done', manual: 'run by you' };

/** Verify and reviewer runs of a task, reloaded whenever the task or one of its terminals changes. */
export function useCheckRuns(api: Api, task: Task): { verifyRuns: VerifyRun[]; reviewerRuns: ReviewerRun[]; loaded: boolean } {
  const [verifyRuns, setVerifyRuns] = useState<VerifyRun[]>([]);
  const [reviewerRuns, setReviewerRuns] = useState<ReviewerRun[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      api.transport.onEvent((e) => {
        if (e.type === 'terminal' && e.taskId === task.id) setTick((n) => n + 1);
      }),
    [api, task.id],
  );
  useEffect(() => {
    let live = true;
    void Promise.all([api.call('tasks.verifyRuns', { taskId: task.id }), api.call('tasks.reviewerRuns', { taskId: task.id })]).then(
      ([v, r]) => {
        if (!live) return;
        setVerifyRuns(v);
        setReviewerRuns(r);
        setLoaded(true);
      },
      () => live && setLoaded(true),
    );
    return () => {
      live = false;
    };
  }, [api, task.id, task.updatedAt, tick]);
  return { verifyRuns, reviewerRuns, loaded };
}

export function TaskChecks({ api, task, actions, onOpenComment }: { api: Api; task: Task; actions: TaskActions; onOpenComment?: (file: string, line: number) => void }) {
  const [effective, setEffective] = useState<EffectiveChecks | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { verifyRuns, reviewerRuns, loaded } = useCheckRuns(api, task);

  useEffect(() => {
    let live = true;
    void api.call('tasks.checks', { taskId: task.id }).then(
      (c) => live && (setEffective(c), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [api, task.id, task.updatedAt]);

  const rounds = fixRounds(task);
  const agentLive = canStop(task);
  return (
    <div className="checks" data-testid="checks-tab">
      <section className="checks-head">
        {task.gate.escalated ? <GateEscalated task={task} /> : <GateMark task={task} />}
        {!task.gate.escalated && rounds && <span className="muted">{rounds} used</span>}
        {task.gate.autoRetries > 0 && <span className="muted">{task.gate.autoRetries} automatic restart{task.gate.autoRetries === 1 ? '' : 's'}</span>}
        <span className="run-spacer" />
        {canEditChecks(task) && (
          <button className="btn btn-small" onClick={() => actions.flow('edit', task)}>
            Edit checks
          </button>
        )}
        <button
          className="btn btn-small btn-primary"
          disabled={!canVerify(task) || !effective?.verify}
          title={agentLive ? 'The agent is still working; verify runs when it is done' : !effective?.verify ? 'No verify command is set' : !canVerify(task) ? 'There is no worktree to verify' : 'Run the verify command on the worktree now'}
          onClick={() => void actions.verify(task)}
        >
          Verify now
        </button>
      </section>

      <section className="details-section">
        <h3>Settings</h3>
        {error && <p className="form-error">{error}</p>}
        {effective?.skipped && <p className="checks-skipped">{effective.skipped}</p>}
        {effective && <EffectiveSettings effective={effective} own={task.checks} />}
      </section>

      <section className="details-section">
        <h3>Verify runs</h3>
        {effective && !effective.verify && verifyRuns.length === 0 ? (
          <p className="checks-empty" data-testid="checks-empty">
            No verify command. Set one for this task in <strong>Edit checks</strong>, or for the repository in <code>.switchyard/config.yaml</code> under <code>verify:</code>.
          </p>
        ) : loaded && verifyRuns.length === 0 ? (
          <p className="muted">Not run yet. Verify runs when the agent exits cleanly or reports done, or now with “Verify now”.</p>
        ) : (
          <ul className="run-list" aria-label="Verify runs">
            {[...verifyRuns].reverse().map((r, i) => (
              <VerifyRunItem key={r.id} api={api} run={r} defaultOpen={i === 0 && r.status !== 'passed'} />
            ))}
          </ul>
        )}
      </section>

      {(reviewerRuns.length > 0 || effective?.reviewer) && (
        <section className="details-section">
          <h3>Reviewer</h3>
          {reviewerRuns.length === 0 ? (
            <p className="muted">The reviewer agent reads the change after verify passes.</p>
          ) : (
            <ul className="run-list" aria-label="Reviewer runs">
              {[...reviewerRuns].reverse().map((r) => (
                <ReviewerRunItem key={r.id} run={r} onOpenComment={onOpenComment} />
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

function minutes(sec: number | null, none: string): string {
  return sec === null ? none : formatDuration(sec * 1000);
}

/** Each setting that applies, and whether the task set it or inherited it. */
function EffectiveSettings({ effective: c, own }: { effective: EffectiveChecks; own: TaskChecksSettings }) {
  const from = (key: keyof TaskChecksSettings): string => (key in own ? 'task' : 'inherited');
  const src = c.sources;
  const rows: [string, React.ReactNode, string][] = [
    ['Verify command', c.verify ? <code className="mono">{c.verify.display}</code> : <span className="muted">none</span>, c.verify?.source ?? from('verifyCommand')],
    ['Verify timeout', c.verify ? formatDuration(c.verify.timeoutSec * 1000) : '—', src.verifyTimeoutSec],
    ['Fix rounds', `up to ${c.maxFixIterations}`, src.maxFixIterations],
    [
      'Reviewer',
      c.reviewer ? (
        <span title={isCustomAgent(c.reviewer.agent) ? c.reviewer.agent.command : undefined}>{agentSpecLabel(c.reviewer.agent)}</span>
      ) : (
        <span className="muted">none</span>
      ),
      c.reviewer?.source ?? from('reviewer'),
    ],
    ['Acceptance criteria', c.acceptanceCriteria ? <span className="verdict-body">{c.acceptanceCriteria}</span> : <span className="muted">none</span>, src.acceptanceCriteria],
    ['Stuck after', `${minutes(c.stuckAfterSec, 'never')} · ${c.stuckPolicy}`, src.stuck],
    ['Time budget', `${minutes(c.budgetSec, 'none')} · ${c.budgetPolicy}`, src.budget],
    ['Automatic restarts', `up to ${c.retryLimit}`, src.retryLimit],
  ];
  return (
    <div className="checks-settings" data-testid="checks-settings">
      {rows.map(([label, value, source]) => (
        <Row key={label} label={label} value={value} source={source} />
      ))}
    </div>
  );
}

function Row({ label, value, source }: { label: string; value: React.ReactNode; source: string }) {
  return (
    <>
      <span className="muted">{label}</span>
      <span>{value}</span>
      <span className="checks-source" title="Where this value comes from">
        {source}
      </span>
    </>
  );
}

/** One verify run: its outcome at a glance, its tail, and the whole log on request. */
export function VerifyRunItem({ api, run: r, defaultOpen }: { api: Api; run: VerifyRun; defaultOpen?: boolean }) {
  const toast = useToast();
  const [open, setOpen] = useState(defaultOpen ?? false);
  const [log, setLog] = useState<{ log: string; truncated: boolean } | null>(null);
  const loadLog = useCallback(
    () => void api.call('tasks.verifyLog', { taskId: r.taskId, runId: r.id }).then(setLog, (e: Error) => toast('error', 'Could not read the verify log', e.message)),
    [api, r.taskId, r.id, toast],
  );
  return (
    <li className={`run tone-${VERIFY_TONE[r.status]}`} data-testid="verify-run" data-status={r.status} data-attempt={r.attempt}>
      <div className="run-head">
        <span className="run-attempt">#{r.attempt}</span>
        <VerifyMark status={r.status} />
        <code className="mono run-cmd" title={r.command}>
          {r.command}
        </code>
        <span className="run-meta">
          {r.exitCode !== null && <span>exit {r.exitCode}</span>}
          {r.endedAt !== null && <span>{formatDuration(r.endedAt - r.startedAt)}</span>}
          <span title={new Date(r.startedAt).toLocaleString()}>{TRIGGER_LABEL[r.trigger]}</span>
          {r.commit && (
            <span className="mono" title={r.agentWorkCommit === r.commit ? `Verified commit ${r.commit}: the uncommitted files, committed first as “agent work”` : `Verified commit ${r.commit}`}>
              @{shortSha(r.commit)}
              {r.agentWorkCommit === r.commit && ' (agent work)'}
            </span>
          )}
          {r.agentWorkCommit && r.agentWorkCommit !== r.commit && (
            <span className="mono" title={`Uncommitted files were committed first as “agent work”: ${r.agentWorkCommit}`}>
              agent work {shortSha(r.agentWorkCommit)}
            </span>
          )}
        </span>
        <span className="run-spacer" />
        <button className="btn btn-small btn-ghost" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? 'Hide' : 'Output'}
        </button>
        <button
          className="btn btn-small"
          onClick={() => {
            setOpen(true);
            loadLog();
          }}
          aria-label={`Full log of verify #${r.attempt}`}
        >
          {log ? 'Reload log' : 'Full log'}
        </button>
      </div>
      {open && (
        <div className="run-body">
          {r.error && <p className="run-error">{r.error}</p>}
          {log ? (
            <>
              {log.truncated && <span className="log-note">The log was too long: only its end is kept.</span>}
              <pre className="log-block" data-testid="verify-log">
                {log.log || '(no output)'}
              </pre>
            </>
          ) : (
            <>
              <span className="log-note">Last lines</span>
              <pre className="log-block log-tail" data-testid="verify-tail">
                {r.tail || '(no output)'}
              </pre>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/** One reviewer run: the verdict, its summary and comments, or why there is none. */
export function ReviewerRunItem({ run: r, onOpenComment }: { run: ReviewerRun; onOpenComment?: (file: string, line: number) => void }) {
  return (
    <li className={`run tone-${REVIEW_TONE[r.status]}`} data-testid="reviewer-run" data-status={r.status}>
      <div className="run-head">
        <span className="run-attempt">#{r.attempt}</span>
        <ReviewMark status={r.status} />
        <span className="run-meta">
          <span>{agentSpecLabel(r.agent)}</span>
          {r.endedAt !== null && <span>{formatDuration(r.endedAt - r.startedAt)}</span>}
        </span>
      </div>
      <div className="run-body">
        <VerdictBody run={r} onOpenComment={onOpenComment} />
      </div>
    </li>
  );
}

export function VerdictBody({ run: r, onOpenComment }: { run: ReviewerRun; onOpenComment?: (file: string, line: number) => void }) {
  return (
    <>
      {r.error && <p className="run-error">{r.error}</p>}
      {r.verdict?.summary && <p className="verdict-summary">{r.verdict.summary}</p>}
      {r.verdict?.comments && r.verdict.comments.length > 0 && (
        <ul className="verdict-comments" aria-label="Reviewer findings">
          {r.verdict.comments.map((c, i) => (
            <li key={i}>
              <button className="verdict-loc mono" disabled={!onOpenComment} onClick={() => onOpenComment?.(c.file, c.line)} title={onOpenComment ? 'Show this file in the diff' : undefined}>
                {c.file}:{c.line}
              </button>
              <span className="verdict-body">— {c.body}</span>
            </li>
          ))}
        </ul>
      )}
      {r.output && (
        <details className="raw-output" open={r.status === 'invalid' && !r.verdict}>
          <summary>Raw output</summary>
          <pre className="log-block">{r.output}</pre>
        </details>
      )}
    </>
  );
}
