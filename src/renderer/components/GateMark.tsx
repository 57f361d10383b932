/**
 * The verify gate's and reviewer's latest outcome as a small mark (cards, the panel, the review
 * strip), and the labels for verify and reviewer statuses.
 */
import type { ReviewerStatus, VerifyStatus } from '../../shared/checks';
import type { ReactNode } from 'react';
import type { Task } from '../../shared/task';
import '../styles/checks.css';

export type GateStatus =
  | 'verifying'
  | 'fixing'
  | 'reviewing'
  | 'passed'
  | 'failed'
  | 'timeout'
  | 'error'
  | 'approved'
  | 'changes-requested'
  | 'review-invalid'
  | 'review-error';

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'live';

interface GateView {
  status: GateStatus;
  label: string;
  title: string;
  tone: Tone;
  icon: string;
}

export const VERIFY_LABEL: Record<VerifyStatus, string> = {
  running: 'verifying',
  passed: 'verify passed',
  failed: 'verify failed',
  timeout: 'verify timed out',
  error: 'verify could not run',
};

export const REVIEW_LABEL: Record<ReviewerStatus, string> = {
  running: 'reviewing',
  approved: 'reviewer approved',
  'changes-requested': 'changes requested',
  invalid: 'reviewer output invalid',
  error: 'reviewer could not run',
};

export const VERIFY_TONE: Record<VerifyStatus, Tone> = { running: 'live', passed: 'ok', failed: 'bad', timeout: 'bad', error: 'warn' };
export const REVIEW_TONE: Record<ReviewerStatus, Tone> = { running: 'live', approved: 'ok', 'changes-requested': 'warn', invalid: 'bad', error: 'warn' };


const VERIFY_ICON: Record<VerifyStatus, string> = { running: '', passed: '✓', failed: '✕', timeout: '✕', error: '!' };
const REVIEW_ICON: Record<ReviewerStatus, string> = { running: '', approved: '✓', 'changes-requested': '!', invalid: '?', error: '!' };

const ESCALATED_LABEL = { 'verify-failed': 'verify failed', 'changes-requested': 'changes requested', 'review-invalid': 'review invalid', 'candidate-failed': 'failed on merge' } as const;

/** The card's short word and hover text for each outcome. */
const GATE_TEXT: Record<Exclude<GateStatus, 'verifying' | 'reviewing' | 'fixing'>, [label: string, title: string]> = {
  passed: ['verified', 'verify passed'],
  failed: ['verify failed', 'verify failed'],
  timeout: ['verify timed out', 'verify timed out (counted as failed)'],
  error: ['verify error', 'The verify command could not run'],
  approved: ['approved', 'Verify passed (if set); the reviewer approved'],
  'changes-requested': ['changes requested', 'The reviewer requested changes'],
  'review-invalid': ['review invalid', 'The reviewer’s output was not a valid verdict'],
  'review-error': ['reviewer error', 'The reviewer agent could not run'],
};
const REVIEW_GATE: Record<Exclude<ReviewerStatus, 'running'>, keyof typeof GATE_TEXT> = { approved: 'approved', 'changes-requested': 'changes-requested', invalid: 'review-invalid', error: 'review-error' };

/** What the gate shows for a task, or null when nothing was checked yet. */
export function gateView(task: Task): GateView | null {
  const g = task.gate;
  if (g.review === 'running') return { status: 'reviewing', label: 'reviewing', title: 'Verify passed; the reviewer agent is reading the change', tone: 'live', icon: '' };
  if (g.verify === 'running' || task.state === 'verifying') return { status: 'verifying', label: 'verifying', title: 'The verify command is running', tone: 'live', icon: '' };
  // A failure went back to the agent, which works on it now.
  if (task.state === 'running' && g.fixIterations > 0 && !g.escalated && (g.verify === 'failed' || g.verify === 'timeout' || g.review === 'changes-requested')) {
    const why = g.review === 'changes-requested' && g.verify === 'passed' ? 'the reviewer requested changes' : 'verify failed';
    const max = task.checks.maxFixIterations;
    return { status: 'fixing', label: `fix round ${g.fixIterations}${max ? `/${max}` : ''}`, title: `${why[0]!.toUpperCase()}${why.slice(1)}; the agent works on fix round ${g.fixIterations}`, tone: 'warn', icon: '↻' };
  }
  // The reviewer's word comes after verify passed, so it is the latest news.
  if ((g.verify === 'passed' || g.verify === null) && g.review) {
    const [label, title] = GATE_TEXT[REVIEW_GATE[g.review]];
    return { status: REVIEW_GATE[g.review], label, title, tone: REVIEW_TONE[g.review], icon: REVIEW_ICON[g.review] };
  }
  if (!g.verify) return null;
  const [label, title] = GATE_TEXT[g.verify];
  return { status: g.verify, label, title, tone: VERIFY_TONE[g.verify], icon: VERIFY_ICON[g.verify] };
}

/** "2/2 fixes": the fix rounds used, against the task's limit where the card knows it. */
export function fixRounds(task: Task): string | null {
  const used = task.gate.fixIterations;
  const max = task.checks.maxFixIterations ?? (task.gate.escalated && task.gate.escalated !== 'review-invalid' ? used : null);
  if (used === 0 && !max) return null;
  return max !== null && max !== undefined ? `${used}/${max} fix${max === 1 ? '' : 'es'}` : `${used} fix${used === 1 ? '' : 'es'}`;
}

interface MarkProps {
  tone: Tone;
  icon: string;
  label: string;
  status: string;
  testId?: string;
  title?: string;
  children?: ReactNode;
}

/** A status as a coloured icon (a spinner while it runs) and its label. */
export function StatusMark({ tone, icon, label, status, testId, title, children }: MarkProps) {
  return (
    <span className={`gate-mark tone-${tone}`} data-testid={testId} data-status={status} title={title}>
      {tone === 'live' ? <span className="gate-spinner" aria-hidden /> : <span className="gate-icon" aria-hidden>{icon}</span>}
      <span className="gate-label">{label}</span>
      {children}
    </span>
  );
}

export function VerifyMark({ status, testId }: { status: VerifyStatus; testId?: string }) {
  return <StatusMark tone={VERIFY_TONE[status]} icon={VERIFY_ICON[status]} label={VERIFY_LABEL[status]} status={status} testId={testId} />;
}

export function ReviewMark({ status, testId, children }: { status: ReviewerStatus; testId?: string; children?: ReactNode }) {
  return (
    <StatusMark tone={REVIEW_TONE[status]} icon={REVIEW_ICON[status]} label={REVIEW_LABEL[status]} status={status} testId={testId}>
      {children}
    </StatusMark>
  );
}

/** The gate's mark on a card or the panel: an icon (or a spinner while it runs) and a short label. */
export function GateMark({ task }: { task: Task }) {
  const v = gateView(task);
  if (!v) return null;
  return <StatusMark tone={v.tone} icon={v.icon} label={v.label} status={v.status} testId="gate-mark" title={v.title} />;
}

/** The gate gave up: a prominent label with the fix rounds used. */
export function GateEscalated({ task }: { task: Task }) {
  const e = task.gate.escalated;
  if (!e) return null;
  const rounds = fixRounds(task);
  return (
    <span className="gate-escalated" data-testid="gate-escalated" data-reason={e} title="The fix rounds ran out: this needs you">
      {ESCALATED_LABEL[e]}
      {rounds && <span className="gate-rounds"> · {rounds}</span>}
    </span>
  );
}
