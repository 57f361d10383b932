/**
 * Finishing a plan: once every task has merged into the integration branch, it is merged into
 * the plan's base (the same rules as a single task's merge: objects first, then a fast-forward
 * of a clean checkout or a compare-and-swap of the ref; a dirty checkout or a conflict is
 * refused and nothing changes), or pushed and opened as a pull request.
 */
import type { PlanFinishResult } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { Plan } from '../../shared/plan';
import type { EngineContext } from '../context';
import { mergeIntoBase } from '../git/merge';
import { createPullRequest } from '../merge/remotes';
import type { PlanStore } from './plan-store';


export async function finishPlan(ctx: EngineContext, plans: PlanStore, planId: string, how: 'merge' | 'pull-request', toolPath: string): Promise<PlanFinishResult> {
  const plan = plans.plan(planId);
  const tasks = ctx.store.planTasks(planId);
  const open = tasks.filter((t) => t.state !== 'done');
  if (open.length > 0) {
    throw new SwitchyardError('bad-state', `${open.length} of the plan's tasks have not merged yet (${open.slice(0, 5).map((t) => `#${t.plan!.key}`).join(', ')}); finish them first`);
  }
  const repo = ctx.store.project(plan.projectId).path;
  if (how === 'pull-request') {
    const body = summary(plan, tasks.map((t) => `- #${t.plan!.key} ${t.title}`));
    const pullRequest = await createPullRequest({ repo, baseBranch: plan.baseBranch, branch: plan.integrationBranch, target: plan.baseBranch, title: plan.name, body, toolPath });
    return { pullRequest };
  }
  const out = await mergeIntoBase({ repo, target: plan.baseBranch, taskBranch: plan.integrationBranch, strategy: 'merge', message: `Merge plan "${plan.name}" (${plan.integrationBranch})\n\n${summary(plan, tasks.map((t) => `- ${t.title}`))}` });
  if (out.status === 'merged') {
    // The plan's worktrees are cleaned up task by task, under the usual rules: nothing is removed here.
    return { merge: { status: 'merged', commit: out.commit, alreadyMerged: out.alreadyMerged, baseBranch: plan.baseBranch, strategy: 'merge', updatedCheckout: out.updatedCheckout, cleanup: { status: 'removed', ignoredRemoved: [] } } };
  }
  return { merge: out };
}

function summary(plan: Plan, lines: string[]): string {
  return [plan.goal.trim(), `${lines.length} task${lines.length === 1 ? '' : 's'}:`, ...lines].filter(Boolean).join('\n');
}
