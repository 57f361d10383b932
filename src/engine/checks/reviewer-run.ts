/**
 * One run of the reviewer agent: non-interactive, in a fresh session of its own (never the
 * implementing agent's session, never resumed, and without the task's notify token), on the
 * diff, the task's prompt and its acceptance criteria. Its output must end in a verdict in the
 * published schema; anything else is a failed review.
 */
import type { AgentSpec } from '../../shared/agents';
import type { ReviewerRun } from '../../shared/checks';
import { SwitchyardError } from '../../shared/errors';
import type { Task } from '../../shared/task';
import { buildLaunch } from '../agents/profiles';
import { git } from '../git/exec';
import { uncommittedFiles } from '../git/worktrees';
import { newId } from '../ids';
import { runTaskCommand } from './task-command';
import type { CheckRunDeps } from './verify-run';
import { parseVerdict, reviewerPrompt } from './verdict';

const MAX_DIFF_CHARS = 100_000;
export const REVIEWER_TIMEOUT_SEC = 20 * 60;

export async function runReviewer(d: CheckRunDeps, task: Task, agent: AgentSpec, acceptanceCriteria: string, attempt: number): Promise<ReviewerRun> {
  const { ctx, runs } = d;
  const id = runs.startReviewer({ taskId: task.id, attempt, agent });
  const done = (): ReviewerRun => runs.reviewerRuns(task.id).find((r) => r.id === id)!;
  const worktree = task.worktreePath!;
  try {
    if (!('command' in agent) && agent.profile === 'shell') throw new SwitchyardError('invalid-input', 'a login shell cannot review; choose an agent profile or a command');
    const project = ctx.store.project(task.projectId);
    const profile = ctx.agents.requireProfile(agent, project.path);
    const { diff, truncated, files } = await diffForReview(worktree, task.baseBranch);
    const endMarker = `(Switchyard review request ${newId(10)}: the schema is schemas/review-verdict.schema.json)`;
    const prompt = reviewerPrompt({ title: task.title, prompt: task.prompt, acceptanceCriteria, diff, diffTruncated: truncated, files, endMarker });
    const env = d.env(task);
    const launch = buildLaunch(agent, prompt, worktree, env, { profile, nonInteractive: true });
    const session = `${task.id}-rv${newId(5)}`;
    const before = await worktreeState(worktree);
    if (d.aborted()) throw new SwitchyardError('bad-state', 'stopped by the user before it ran');
    runs.setReviewerSession(id, session);
    d.onSession(session);
    const r = await runTaskCommand(ctx, d.waiter, {
      task,
      session,
      kind: 'review',
      title: `Reviewer ${attempt}`,
      argv: [launch.file, ...launch.args],
      env: { ...env, ...launch.env },
      timeoutMs: REVIEWER_TIMEOUT_SEC * 1000,
      aborted: d.aborted,
    });
    const output = r.lines.join('\n');
    const after = await worktreeState(worktree);
    // A reviewer that edits the work has implemented, not reviewed: its verdict does not count.
    if (after.head !== before.head || after.dirty.some((f) => !before.dirty.includes(f))) {
      const changed = after.head !== before.head ? `committed to the branch (now at ${after.head.slice(0, 10)}; it was at ${before.head.slice(0, 10)})` : `changed ${after.dirty.filter((f) => !before.dirty.includes(f)).slice(0, 5).join(', ')}`;
      runs.endReviewer(id, { status: 'invalid', verdict: null, error: `the reviewer ${changed} in the worktree; a reviewer must not edit the work, so its verdict does not count`, output });
    } else if (r.timedOut) runs.endReviewer(id, { status: 'error', verdict: null, error: `the reviewer timed out after ${REVIEWER_TIMEOUT_SEC}s`, output });
    else if (r.code !== 0) {
      // A reviewer that crashed has not reviewed, whatever it printed before.
      runs.endReviewer(id, { status: 'error', verdict: null, error: `the reviewer exited with ${r.code === null ? 'no exit code (the terminal daemon went away)' : `code ${r.code}`}`, output });
    } else {
      const parsed = parseVerdict(output, endMarker);
      if (!parsed.ok) runs.endReviewer(id, { status: 'invalid', verdict: null, error: parsed.error, output });
      else runs.endReviewer(id, { status: parsed.verdict.verdict === 'approve' ? 'approved' : 'changes-requested', verdict: parsed.verdict, error: null, output });
    }
  } catch (err) {
    runs.endReviewer(id, { status: 'error', verdict: null, error: `the reviewer could not run: ${(err as Error).message}`, output: '' });
  }
  return done();
}

async function worktreeState(worktree: string): Promise<{ head: string; dirty: string[] }> {
  const [head, dirty] = await Promise.all([git(['rev-parse', 'HEAD'], { cwd: worktree }), uncommittedFiles(worktree)]);
  return { head: head.stdout.trim(), dirty };
}

/** The committed change against the merge base with the base branch, capped for a prompt. */
async function diffForReview(worktree: string, baseBranch: string): Promise<{ diff: string; truncated: boolean; files: string[] }> {
  const mb = await git(['merge-base', baseBranch, 'HEAD'], { cwd: worktree, okCodes: [1] });
  const from = mb.stdout.trim() || baseBranch;
  const [diff, names] = await Promise.all([
    git(['diff', '--no-color', '--no-ext-diff', from, 'HEAD'], { cwd: worktree }),
    git(['diff', '--name-only', '-z', from, 'HEAD'], { cwd: worktree }),
  ]);
  const truncated = diff.stdout.length > MAX_DIFF_CHARS;
  return { diff: truncated ? diff.stdout.slice(0, MAX_DIFF_CHARS) : diff.stdout, truncated, files: names.stdout.split('\0').filter(Boolean) };
}
