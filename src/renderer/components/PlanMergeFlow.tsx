/**
 * Merging a plan task goes through its plan's merge train: the work is merged onto a candidate
 * of the integration branch first, the plan's verify runs there, and the integration branch
 * moves only when it passes. Conflicts, a failing candidate and refusals are shown as they are.
 */
import { useState } from 'react';
import type { TrainResult } from '../../shared/contract';
import type { Plan } from '../../shared/plan';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { Dialog } from './Dialog';
import { conflictsSent } from './MergeFlow';

type Step =
  | { kind: 'confirm' }
  | { kind: 'working' }
  | { kind: 'error'; message: string }
  | { kind: 'conflict'; files: string[] }
  | { kind: 'candidate-failed'; tail: string }
  | { kind: 'refused'; reason: string };

function stepOf(r: Exclude<TrainResult, { status: 'merged' }>): Step {
  if (r.status === 'conflict') return { kind: 'conflict', files: r.files };
  if (r.status === 'candidate-failed') return { kind: 'candidate-failed', tail: r.tail };
  return { kind: 'refused', reason: r.reason };
}

interface Props {
  api: Api;
  task: Task;
  plan: Plan | null;
  onDone(message: string | null): void;
}

export function PlanMergeFlow({ api, task, plan, onDone }: Props) {
  const [step, setStep] = useState<Step>({ kind: 'confirm' });
  const into = plan?.integrationBranch ?? task.baseBranch;
  const key = task.plan ? `#${task.plan.key}` : '';

  const merge = async (): Promise<void> => {
    setStep({ kind: 'working' });
    try {
      const r = await api.call('plans.mergeTask', { taskId: task.id });
      if (r.status === 'merged') onDone(`Merged “${task.title}” ${key} into ${into} as ${r.commit.slice(0, 8)}.`);
      else setStep(stepOf(r));
    } catch (err) {
      setStep({ kind: 'error', message: (err as Error).message });
    }
  };
  const sendConflicts = async (): Promise<void> => {
    try {
      const r = await api.call('tasks.sendConflictsToAgent', { taskId: task.id });
      onDone(conflictsSent(r.delivery));
    } catch (err) {
      setStep({ kind: 'error', message: (err as Error).message });
    }
  };
  const close = (): void => onDone(null);
  const ok = (
    <div className="dialog-actions">
      <button className="btn btn-primary" autoFocus onClick={close}>
        OK
      </button>
    </div>
  );

  return (
    <Dialog title={`Merge “${task.title}” into ${into}`} onClose={close} wide closable={step.kind !== 'working'}>
      <div className="merge-preview" data-testid="plan-merge">
        {step.kind === 'confirm' && (
          <>
            {task.gate.escalated && (
              <p className="form-error" role="alert" data-testid="merge-gate-warning">
                {task.gate.escalated === 'candidate-failed' ? 'The plan’s verify failed the last time this work was merged with the integration branch.' : 'This work did not pass all its checks.'}
              </p>
            )}
            <p>
              {key} of {plan ? <strong>{plan.name}</strong> : 'its plan'} merges through the plan’s merge train: onto a candidate of <span className="mono">{into}</span> first
              {plan?.verify ? (
                <>
                  , where the plan’s verify (<span className="mono">{plan.verify}</span>) runs
                </>
              ) : null}
              ; <span className="mono">{into}</span> moves only if {plan?.verify ? 'it passes' : 'it merges cleanly'}. Nothing else is touched.
            </p>
            <div className="dialog-actions">
              <button className="btn" onClick={close}>
                Cancel
              </button>
              <button className="btn btn-merge" autoFocus onClick={() => void merge()}>
                Merge through the train
              </button>
            </div>
          </>
        )}
        {step.kind === 'working' && <p className="working">Merging on a candidate{plan?.verify ? ' and running the plan’s verify' : ''}…</p>}
        {step.kind === 'error' && (
          <>
            <p className="form-error">{step.message}</p>
            {ok}
          </>
        )}
        {step.kind === 'conflict' && (
          <>
            <p className="form-error" data-testid="plan-merge-result" data-status="conflict">
              Merging would conflict with {into}. Nothing was merged; the task is back in Review.
            </p>
            <ul className="file-list-plain">
              {step.files.map((f) => (
                <li key={f} className="mono">
                  {f}
                </li>
              ))}
            </ul>
            <div className="dialog-actions">
              <button className="btn" onClick={() => void sendConflicts()}>
                Send conflicts to agent
              </button>
              <button className="btn btn-primary" autoFocus onClick={close}>
                OK
              </button>
            </div>
          </>
        )}
        {step.kind === 'candidate-failed' && (
          <>
            <p className="form-error" data-testid="plan-merge-result" data-status="candidate-failed">
              The plan’s verify failed on the merge candidate. {into} is unchanged; the task is back in Review, marked.
            </p>
            <pre className="plan-merge-tail">{step.tail || '(no output)'}</pre>
            {ok}
          </>
        )}
        {step.kind === 'refused' && (
          <>
            <p className="form-error" data-testid="plan-merge-result" data-status="refused">
              The merge train refused. Nothing was merged.
            </p>
            <p>{step.reason}</p>
            {ok}
          </>
        )}
      </div>
    </Dialog>
  );
}
