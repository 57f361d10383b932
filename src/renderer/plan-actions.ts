/** What the user can do to a plan, shared by the plan page, the board's toolbar and the palette. */
import { useMemo, useRef } from 'react';
import type { Plan } from '../shared/plan';
import type { Api } from './api/client';

export const canStartPlan = (p: Plan): boolean => p.status === 'draft' || p.status === 'paused' || p.status === 'stopped';
export const canPausePlan = (p: Plan): boolean => p.status === 'running';
export const canStopPlan = (p: Plan): boolean => p.status === 'running' || p.status === 'paused';

/** The start button's words for each status it shows in. */
export function startLabel(p: Plan): string {
  return p.status === 'paused' ? 'Resume' : p.status === 'stopped' ? 'Start again' : 'Start';
}

export interface PlanActions {
  start(plan: Plan, autoMerge?: boolean): Promise<void>;
  pause(plan: Plan): Promise<void>;
  stop(plan: Plan): Promise<void>;
  /** Every task merged: the integration branch into the base, or a pull request of it. */
  finish(plan: Plan, how: 'merge' | 'pull-request'): Promise<void>;
}

interface Deps {
  api: Api;
  toast(kind: 'info' | 'success' | 'error', text: string, detail?: string): void;
  onPlanChanged(plan: Plan): void;
}

export function usePlanActions(deps: Deps): PlanActions {
  const ref = useRef(deps);
  ref.current = deps;
  return useMemo<PlanActions>(() => {
    const run = async (what: string, fn: (api: Api) => Promise<Plan>, done: (p: Plan) => string): Promise<void> => {
      try {
        const p = await fn(ref.current.api);
        ref.current.onPlanChanged(p);
        ref.current.toast('success', done(p));
      } catch (err) {
        ref.current.toast('error', `${what}: ${(err as Error).message}`);
      }
    };
    return {
      start: (plan, autoMerge) =>
        run(
          `Could not start “${plan.name}”`,
          (api) => api.call('plans.start', autoMerge === undefined ? { planId: plan.id } : { planId: plan.id, autoMerge }),
          (p) => `“${p.name}” is running${p.autoMerge ? ', with auto-merge on' : ''}.`,
        ),
      pause: (plan) => run(`Could not pause “${plan.name}”`, (api) => api.call('plans.pause', { planId: plan.id }), (p) => `“${p.name}” is paused: running tasks finish, nothing new starts.`),
      stop: (plan) => run(`Could not stop “${plan.name}”`, (api) => api.call('plans.stop', { planId: plan.id }), (p) => `“${p.name}” is stopped; its agents were stopped and their work kept.`),
      finish: async (plan, how) => {
        const { api, toast } = ref.current;
        try {
          const r = await api.call('plans.finish', { planId: plan.id, how });
          if ('pullRequest' in r) toast('success', `Pull request opened for “${plan.name}”.`, r.pullRequest.url);
          else if (r.merge.status === 'merged') toast('success', `“${plan.name}” merged into ${r.merge.baseBranch} (${r.merge.commit.slice(0, 10)}).`);
          else if (r.merge.status === 'conflict') toast('error', `“${plan.name}” conflicts with ${plan.baseBranch}; nothing was merged.`, r.merge.files.join('\n'));
          else if (r.merge.status === 'refused') toast('error', `“${plan.name}” was not merged: ${r.merge.reason}`);
          else toast('error', `“${plan.name}” was not merged.`);
        } catch (err) {
          toast('error', `Could not finish “${plan.name}”: ${(err as Error).message}`);
        }
      },
    };
  }, []);
}
