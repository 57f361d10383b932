/**
 * The synthesis brief a task with several parents starts with: for each parent, its title, the
 * subject lines of the commits it merged, the files it changed, and its review notes (the
 * reviewer's verdict and the user's comments). Everything comes from git and the store; nothing
 * is summarised or invented.
 */
import type { Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import type { PlanStore } from './plan-store';

const MAX_SUBJECTS = 30;
const MAX_FILES = 60;

export async function synthesisBrief(ctx: EngineContext, plans: PlanStore, task: Task): Promise<string> {
  const { store } = ctx;
  const project = store.project(task.projectId);
  const plan = plans.plan(task.plan!.planId);
  const siblings = plans.taskIds(plan.id).map((id) => store.task(id));
  const byKey = new Map(siblings.map((t) => [t.plan!.key, t]));
  const parts: string[] = [`This task builds on ${task.plan!.parents.length} earlier tasks of the plan "${plan.name}", all merged into ${plan.integrationBranch}:`];
  for (const key of task.plan!.parents) {
    const parent = byKey.get(key);
    if (!parent) continue;
    const { subjects, files } = await mergedWork(project.path, plan.integrationBranch, parent);
    parts.push('', `## #${key}: ${parent.title}`);
    parts.push(subjects.length > 0 ? `Commits:\n${subjects.slice(0, MAX_SUBJECTS).map((s) => `- ${s}`).join('\n')}` : 'Commits: none');
    if (subjects.length > MAX_SUBJECTS) parts.push(`- … and ${subjects.length - MAX_SUBJECTS} more`);
    parts.push(files.length > 0 ? `Files changed: ${files.slice(0, MAX_FILES).join(', ')}${files.length > MAX_FILES ? `, and ${files.length - MAX_FILES} more` : ''}` : 'Files changed: none');
    const notes = reviewNotes(ctx, parent.id);
    if (notes.length > 0) parts.push(`Review notes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  }
  return parts.join('\n');
}

/**
 * What a merged branch brought: the merge commit on the integration branch whose second parent
 * is the branch's tip tells where the integration branch stood before it; the branch's own
 * commits are those since then.
 */
async function mergedWork(repo: string, integration: string, parent: Task): Promise<{ subjects: string[]; files: string[] }> {
  const branchTip = parent.branch ? await git(['rev-parse', '--verify', '--quiet', `refs/heads/${parent.branch}^{commit}`], { cwd: repo, okCodes: [1] }) : null;
  let tip = branchTip?.code === 0 ? branchTip.stdout.trim() : '';
  // The merge train's merge commit names the task, so it is found even once the branch is gone.
  const merges = await git(['log', '--merges', '--format=%H %P%x00%s', `refs/heads/${integration}`], { cwd: repo });
  let before: string | null = null;
  for (const line of merges.stdout.split('\n')) {
    const [ids = '', subject = ''] = line.split('\0');
    const [, first, ...others] = ids.trim().split(' ');
    if (!first) continue;
    if ((tip && others.includes(tip)) || (!tip && subject.endsWith(`(#${parent.plan!.key}) into ${integration}`))) {
      before = first;
      tip ||= others[0] ?? '';
      break;
    }
  }
  if (!tip) return { subjects: [], files: [] };
  // A fast-forward leaves no merge commit: the branch's commits since it left the base.
  const from = before ?? (await git(['merge-base', `refs/heads/${integration}`, tip], { cwd: repo })).stdout.trim();
  const range = from === tip ? [] : [`${from}..${tip}`];
  if (range.length === 0) return { subjects: [], files: [] };
  const [log, diff] = await Promise.all([
    git(['log', '--no-merges', '--format=%s', ...range], { cwd: repo }),
    git(['diff', '--name-only', '-z', `${from}...${tip}`], { cwd: repo }),
  ]);
  return { subjects: log.stdout.split('\n').filter(Boolean), files: diff.stdout.split('\0').filter(Boolean) };
}

function reviewNotes(ctx: EngineContext, taskId: string): string[] {
  const out: string[] = [];
  const verdict = ctx.store.db
    .prepare("SELECT verdict_json FROM reviewer_runs WHERE task_id = ? AND verdict_json IS NOT NULL ORDER BY id DESC LIMIT 1")
    .get(taskId) as { verdict_json: string } | undefined;
  if (verdict) {
    const v = JSON.parse(verdict.verdict_json) as { verdict: string; summary?: string; comments?: { file: string; line: number; body: string }[] };
    out.push(`reviewer: ${v.verdict === 'approve' ? 'approved' : 'requested changes'}${v.summary ? ` — ${v.summary}` : ''}`);
    for (const c of v.comments ?? []) out.push(`reviewer on ${c.file}:${c.line}: ${c.body}`);
  }
  for (const c of ctx.store.comments(taskId)) out.push(`review comment on ${c.path}:${c.startLine}: ${c.body}`);
  return out;
}
