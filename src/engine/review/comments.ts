/**
 * Review comments and viewed files. A comment keeps the lines it was made on; when those lines
 * change in the agent's latest version it is kept and marked outdated. "Send to agent" turns
 * the open comments into one feedback message: file:line, the quoted code, then the comment.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FeedbackResult, ParsedInput } from '../../shared/contract';
import type { ReviewComment } from '../../shared/diff';
import { SwitchyardError } from '../../shared/errors';
import { isSafeRepoPath } from '../../shared/paths';
import type { EngineContext } from '../context';
import { gitBuffer } from '../git/exec';
import { isInside } from '../paths';
import type { StoredComment } from '../store/store';
import type { Review } from './review';

function linesOf(text: string, start: number, end: number): string {
  return text.split('\n').slice(start - 1, end).join('\n');
}

export class ReviewNotes {
  constructor(
    private readonly ctx: EngineContext,
    private readonly review: Review,
    private readonly sendFeedback: (taskId: string, message: string) => Promise<FeedbackResult>,
  ) {}

  viewed(taskId: string): Record<string, string> {
    this.ctx.store.task(taskId);
    return this.ctx.store.viewedFiles(taskId);
  }

  setViewed(input: ParsedInput<'review.setViewed'>): null {
    this.check(input.taskId, input.path);
    this.ctx.store.setViewed(input.taskId, input.path, input.viewed ? input.blob : null);
    return null;
  }

  async add(input: ParsedInput<'review.addComment'>): Promise<ReviewComment> {
    const { project, worktreePath } = this.review.reviewable(input.taskId);
    this.check(input.taskId, input.path);
    if (input.endLine < input.startLine) throw new SwitchyardError('invalid-input', 'the range ends before it starts');
    // The revision is a commit or the worktree snapshot tree; both live in the repository.
    const cwd = fs.existsSync(worktreePath) ? worktreePath : project.path;
    const blob = await gitBuffer(['cat-file', 'blob', `${input.revision}:${input.path}`], { cwd, okCodes: [128] });
    if (blob.code !== 0) throw new SwitchyardError('not-found', `${input.path} does not exist in ${input.revision.slice(0, 10)}`);
    const quote = linesOf(blob.stdout.toString('utf8'), input.startLine, input.endLine);
    const { taskId: _t, ...rest } = input;
    const id = this.ctx.store.addComment({ ...rest, taskId: input.taskId, quote });
    return this.list(input.taskId).find((c) => c.id === id)!;
  }

  remove(taskId: string, commentId: number): null {
    this.ctx.store.deleteComment(taskId, commentId);
    return null;
  }

  list(taskId: string): ReviewComment[] {
    const task = this.ctx.store.task(taskId);
    return this.ctx.store.comments(taskId).map((c) => ({ ...c, outdated: this.isOutdated(task.worktreePath, c) }));
  }

  /** Comments on the agent's side are outdated once those lines read differently in the worktree. */
  private isOutdated(worktreePath: string | null, c: StoredComment): boolean {
    if (c.side !== 'modified' || !worktreePath) return false;
    const file = path.join(worktreePath, c.path);
    if (!isInside(worktreePath, file)) return true;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return true;
    }
    return linesOf(text, c.startLine, c.endLine) !== c.quote;
  }

  /** Sends every open comment to the agent as one message, and marks them sent. */
  async send(taskId: string): Promise<FeedbackResult> {
    const open = this.list(taskId).filter((c) => c.status === 'open');
    if (open.length === 0) throw new SwitchyardError('bad-state', 'there are no open comments to send');
    const result = await this.sendFeedback(taskId, composeFeedback(open));
    this.ctx.store.markCommentsSent(taskId, open.map((c) => c.id));
    return result;
  }

  private check(taskId: string, p: string): void {
    this.ctx.store.task(taskId);
    if (!isSafeRepoPath(p)) throw new SwitchyardError('invalid-input', `"${p}" is not a path inside the repository`);
  }
}

/** file:line, the quoted code, then the comment — for each open comment, in file order. */
export function composeFeedback(comments: ReviewComment[]): string {
  const parts = comments.map((c) => {
    const where = c.startLine === c.endLine ? `${c.path}:${c.startLine}` : `${c.path}:${c.startLine}-${c.endLine}`;
    const side = c.side === 'original' ? ' (the code before your change)' : '';
    const quoted = c.quote
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
    return `${where}${side}${c.outdated ? ' (these lines have changed since)' : ''}\n${quoted}\n${c.body}`;
  });
  return `Review comments on your change:\n\n${parts.join('\n\n')}`;
}
