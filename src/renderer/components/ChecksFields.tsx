/**
 * The checks part of the task dialogs: verify command, fix rounds, reviewer, acceptance
 * criteria, time budget and stuck watch. An empty field inherits the repository's (or the
 * global) value; "off" turns the check off for this task.
 */
import { CUSTOM_PROFILE_ID, SHELL_PROFILE_ID, isCustomAgent } from '../../shared/agents';
import { SUPERVISION_POLICIES, type SupervisionPolicy, type TaskChecks } from '../../shared/checks';
import { PROMPT_PLACEHOLDER } from '../../shared/task';
import type { DetectedAgent } from '../../shared/agents';
import { secondsToMinutes } from '../format';
import { selectable } from './AgentSelect';
import '../styles/checks.css';

/** The form's own view of the settings: text as typed, so half-typed numbers survive. */
export interface ChecksDraft {
  verifyCommand: string;
  verifyOff: boolean;
  verifyTimeoutMin: string;
  maxFixIterations: string;
  /** '' inherit, 'none', a profile id, or 'custom'. */
  reviewer: string;
  reviewerCommand: string;
  acceptanceCriteria: string;
  budgetMin: string;
  budgetOff: boolean;
  budgetPolicy: SupervisionPolicy | '';
  stuckMin: string;
  stuckOff: boolean;
  stuckPolicy: SupervisionPolicy | '';
}

export function draftFromChecks(c: TaskChecks): ChecksDraft {
  return {
    verifyCommand: c.verifyCommand ?? '',
    verifyOff: c.verifyCommand === null,
    verifyTimeoutMin: secondsToMinutes(c.verifyTimeoutSec),
    maxFixIterations: c.maxFixIterations === undefined ? '' : String(c.maxFixIterations),
    reviewer: c.reviewer === undefined ? '' : c.reviewer === null ? 'none' : c.reviewer.profile,
    reviewerCommand: c.reviewer && isCustomAgent(c.reviewer) ? c.reviewer.command : '',
    acceptanceCriteria: c.acceptanceCriteria ?? '',
    budgetMin: secondsToMinutes(c.budgetSec),
    budgetOff: c.budgetSec === null,
    budgetPolicy: c.budgetPolicy ?? '',
    stuckMin: secondsToMinutes(c.stuckAfterSec),
    stuckOff: c.stuckAfterSec === null,
    stuckPolicy: c.stuckPolicy ?? '',
  };
}

/** A few minutes, as whole seconds; throws with a readable reason. */
function minutesToSeconds(text: string, what: string, minSec: number): number {
  const n = Number(text.trim());
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what}: give a number of minutes, or leave it empty to inherit.`);
  return Math.max(minSec, Math.round(n * 60));
}

/** The task's own settings from the form (missing keys inherit); throws with a readable reason. */
export function checksFromDraft(d: ChecksDraft): TaskChecks {
  const c: TaskChecks = {};
  if (d.verifyOff) c.verifyCommand = null;
  else if (d.verifyCommand.trim()) c.verifyCommand = d.verifyCommand.trim();
  if (d.verifyTimeoutMin.trim()) c.verifyTimeoutSec = minutesToSeconds(d.verifyTimeoutMin, 'Verify timeout', 1);
  if (d.maxFixIterations.trim()) {
    const n = Number(d.maxFixIterations);
    if (!Number.isInteger(n) || n < 0 || n > 20) throw new Error('Fix rounds: a whole number from 0 to 20.');
    c.maxFixIterations = n;
  }
  if (d.reviewer === 'none') c.reviewer = null;
  else if (d.reviewer === CUSTOM_PROFILE_ID) {
    if (!d.reviewerCommand.trim()) throw new Error('Reviewer: give the reviewer’s command line.');
    c.reviewer = { profile: CUSTOM_PROFILE_ID, command: d.reviewerCommand.trim() };
  } else if (d.reviewer) c.reviewer = { profile: d.reviewer };
  if (d.acceptanceCriteria.trim()) c.acceptanceCriteria = d.acceptanceCriteria.trim();
  if (d.budgetOff) c.budgetSec = null;
  else if (d.budgetMin.trim()) c.budgetSec = minutesToSeconds(d.budgetMin, 'Time budget', 5);
  if (d.budgetPolicy) c.budgetPolicy = d.budgetPolicy;
  if (d.stuckOff) c.stuckAfterSec = null;
  else if (d.stuckMin.trim()) c.stuckAfterSec = minutesToSeconds(d.stuckMin, 'Stuck after', 5);
  if (d.stuckPolicy) c.stuckPolicy = d.stuckPolicy;
  return c;
}

/** How many settings the task sets itself, for the section's summary line. */
function ownCount(d: ChecksDraft): number {
  return [d.verifyOff || d.verifyCommand.trim(), d.verifyTimeoutMin.trim(), d.maxFixIterations.trim(), d.reviewer, d.acceptanceCriteria.trim(), d.budgetOff || d.budgetMin.trim(), d.budgetPolicy, d.stuckOff || d.stuckMin.trim(), d.stuckPolicy].filter(Boolean).length;
}

export const POLICY_LABEL: Record<SupervisionPolicy, string> = {
  notify: 'notify me',
  nudge: 'nudge the agent',
  restart: 'restart the agent',
  stop: 'stop the agent',
};

export function PolicySelect({ value, onChange, label, inherit }: { value: SupervisionPolicy | ''; onChange(v: SupervisionPolicy | ''): void; label: string; inherit?: boolean }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as SupervisionPolicy | '')} aria-label={label}>
      {inherit && <option value="">inherit policy</option>}
      {SUPERVISION_POLICIES.map((p) => (
        <option key={p} value={p}>
          {POLICY_LABEL[p]}
        </option>
      ))}
    </select>
  );
}

interface Props {
  draft: ChecksDraft;
  onChange(d: ChecksDraft): void;
  agents: DetectedAgent[];
  /** Opened at first (the edit dialog of a started task has nothing else to show). */
  open?: boolean;
}

export function ChecksFields({ draft: d, onChange, agents, open }: Props) {
  const set = <K extends keyof ChecksDraft>(key: K, value: ChecksDraft[K]): void => onChange({ ...d, [key]: value });
  const own = ownCount(d);
  const reviewers = agents.filter((a) => a.profile.id !== SHELL_PROFILE_ID && a.profile.id !== CUSTOM_PROFILE_ID);
  return (
    <details className="checks-fields" open={open} data-testid="checks-fields">
      <summary>
        Checks <span className="muted">· {own === 0 ? 'inherited from the repository' : `${own} set for this task`}</span>
      </summary>
      <div className="checks-fields-body">
        <div className="field">
          <span>Verify command</span>
          <div className="field-with-off">
            <input
              value={d.verifyOff ? '' : d.verifyCommand}
              onChange={(e) => set('verifyCommand', e.target.value)}
              placeholder={d.verifyOff ? 'off for this task' : 'inherit from repository'}
              disabled={d.verifyOff}
              spellCheck={false}
              className="mono"
              aria-label="Verify"
            />
            <OffBox on={d.verifyOff} set={(v) => set('verifyOff', v)} label="No verify for this task" />
          </div>
          <small className="muted">Runs in the worktree when the agent is done, without a shell (e.g. <code>npm test</code>). A failure goes back to the agent to fix.</small>
        </div>
        <div className="field-grid-3">
          <label className="field">
            <span>Max fix rounds</span>
            <input type="number" min={0} max={20} value={d.maxFixIterations} onChange={(e) => set('maxFixIterations', e.target.value)} placeholder="inherit" aria-label="Max fix iterations" />
          </label>
          <label className="field">
            <span>Verify timeout (min)</span>
            <input type="number" min={0.1} step="any" value={d.verifyTimeoutMin} onChange={(e) => set('verifyTimeoutMin', e.target.value)} placeholder="inherit" aria-label="Verify timeout minutes" />
          </label>
          <label className="field">
            <span>Reviewer agent</span>
            <select value={d.reviewer} onChange={(e) => set('reviewer', e.target.value)} aria-label="Reviewer">
              <option value="">inherit from repository</option>
              <option value="none">none</option>
              {reviewers.map((a) => (
                <option key={a.profile.id} value={a.profile.id} disabled={!selectable(a)}>
                  {a.profile.name}
                  {selectable(a) ? '' : ' — not installed'}
                </option>
              ))}
              <option value={CUSTOM_PROFILE_ID}>Custom command…</option>
            </select>
          </label>
        </div>
        {d.reviewer === CUSTOM_PROFILE_ID && (
          <label className="field">
            <span>Reviewer command</span>
            <input value={d.reviewerCommand} onChange={(e) => set('reviewerCommand', e.target.value)} placeholder={`my-reviewer ${PROMPT_PLACEHOLDER}`} spellCheck={false} className="mono" aria-label="Reviewer program" />
          </label>
        )}
        <label className="field">
          <span>Acceptance criteria</span>
          <textarea
            value={d.acceptanceCriteria}
            onChange={(e) => set('acceptanceCriteria', e.target.value)}
            rows={2}
            placeholder="What “done” means, for the reviewer (empty: inherit)"
            aria-label="Acceptance criteria"
            style={{ minHeight: 52 }}
          />
        </label>
        <div className="field-grid">
          <LimitField
            heading="Time budget (min)"
            what="Time budget"
            offLabel="No time budget"
            offText="none"
            minutes={d.budgetMin}
            off={d.budgetOff}
            policy={d.budgetPolicy}
            onChange={(minutes, off, policy) => onChange({ ...d, budgetMin: minutes, budgetOff: off, budgetPolicy: policy })}
          />
          <LimitField
            heading="Stuck after (min)"
            what="Stuck"
            offLabel="Never flag as stuck"
            offText="never"
            minutes={d.stuckMin}
            off={d.stuckOff}
            policy={d.stuckPolicy}
            onChange={(minutes, off, policy) => onChange({ ...d, stuckMin: minutes, stuckOff: off, stuckPolicy: policy })}
          />
        </div>
      </div>
    </details>
  );
}

function OffBox({ on, set, label }: { on: boolean; set(v: boolean): void; label: string }) {
  return (
    <label className="check" title={label}>
      <input type="checkbox" checked={on} onChange={(e) => set(e.target.checked)} aria-label={label} /> off
    </label>
  );
}

/** Minutes (empty: inherit), what to do when they run out, and "off". */
function LimitField(p: {
  heading: string;
  what: string;
  offLabel: string;
  offText: string;
  minutes: string;
  off: boolean;
  policy: SupervisionPolicy | '';
  onChange(minutes: string, off: boolean, policy: SupervisionPolicy | ''): void;
}) {
  return (
    <div className="field">
      <span>{p.heading}</span>
      <div className="field-with-off">
        <input
          type="number"
          min={0.1}
          step="any"
          value={p.off ? '' : p.minutes}
          onChange={(e) => p.onChange(e.target.value, p.off, p.policy)}
          placeholder={p.off ? p.offText : 'inherit'}
          disabled={p.off}
          aria-label={`${p.what} minutes`}
        />
        <PolicySelect value={p.policy} onChange={(v) => p.onChange(p.minutes, p.off, v)} label={`${p.what} policy`} inherit />
        <OffBox on={p.off} set={(v) => p.onChange(p.minutes, v, p.policy)} label={p.offLabel} />
      </div>
    </div>
  );
}
