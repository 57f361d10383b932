/**
 * Next to the diff: the latest verify result and the latest reviewer verdict, in a strip that
 * opens for the log and the comments. A comment's file:line opens that file in the diff.
 */
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { formatDuration } from '../format';
import { ReviewMark, VerifyMark, fixRounds } from '../components/GateMark';
import { VerdictBody, VerifyRunItem, useCheckRuns } from '../components/TaskChecks';

export function ReviewChecks({ api, task, onOpenComment }: { api: Api; task: Task; onOpenComment(file: string, line: number): void }) {
  const { verifyRuns, reviewerRuns } = useCheckRuns(api, task);
  const verify = verifyRuns.at(-1);
  const review = reviewerRuns.at(-1);
  if (!verify && !review) return null;
  const rounds = fixRounds(task);
  const comments = review?.verdict?.comments?.length ?? 0;
  // Open at first when something needs the reviewer's eye.
  const bad = (verify && verify.status !== 'passed' && verify.status !== 'running') || (review && review.status !== 'approved' && review.status !== 'running');
  return (
    <details className="review-checks" open={Boolean(bad)} data-testid="review-checks">
      <summary>
        <strong>Checks</strong>
        {verify && (
          <VerifyMark status={verify.status} testId="review-verify" />
        )}
        {verify && (
          <span className="muted">
            <code className="mono">{verify.command}</code>
            {verify.endedAt !== null && ` · ${formatDuration(verify.endedAt - verify.startedAt)}`}
            {verify.exitCode !== null && verify.exitCode !== 0 && ` · exit ${verify.exitCode}`}
          </span>
        )}
        {rounds && <span className="muted">{rounds}</span>}
        {review && (
          <ReviewMark status={review.status} testId="review-verdict">
            {comments > 0 && <span className="muted"> · {comments} comment{comments === 1 ? '' : 's'}</span>}
          </ReviewMark>
        )}
      </summary>
      <div className="review-checks-body">
        {verify && (
          <ul className="run-list">
            <VerifyRunItem api={api} run={verify} defaultOpen={verify.status !== 'passed'} />
          </ul>
        )}
        {review && <VerdictBody run={review} onOpenComment={onOpenComment} />}
      </div>
    </details>
  );
}
