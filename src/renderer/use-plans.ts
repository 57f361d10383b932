/** Every plan the engine knows, loaded on each (re)connect and kept live from 'plan' events. */
import { useCallback, useEffect, useState } from 'react';
import type { Plan } from '../shared/plan';
import type { Task } from '../shared/task';
import type { Api } from './api/client';

export interface PlansState {
  plans: Plan[];
  upsertPlan(plan: Plan): void;
}

export function usePlans(api: Api): PlansState {
  const [plans, setPlans] = useState<Plan[]>([]);
  const upsertPlan = useCallback((plan: Plan) => {
    setPlans((prev) => {
      const i = prev.findIndex((p) => p.id === plan.id);
      if (i < 0) return [...prev, plan];
      // Events and call results can cross: keep the newer version.
      if (prev[i]!.version > plan.version || (prev[i]!.version === plan.version && prev[i]!.updatedAt > plan.updatedAt)) return prev;
      const next = prev.slice();
      next[i] = plan;
      return next;
    });
  }, []);
  useEffect(() => {
    const offEvent = api.transport.onEvent((e) => {
      if (e.type === 'plan') upsertPlan(e.plan);
    });
    const offConn = api.transport.onConnection((s) => {
      if (s === 'open') void api.call('plans.list', {}).then(setPlans, () => {});
    });
    return () => {
      offEvent();
      offConn();
    };
  }, [api, upsertPlan]);
  return { plans, upsertPlan };
}

/** A plan's tasks in plan order. */
export function planTasks(tasks: Iterable<Task>, planId: string): Task[] {
  const out: Task[] = [];
  for (const t of tasks) if (t.plan?.planId === planId) out.push(t);
  return out.sort((a, b) => a.plan!.order - b.plan!.order);
}

const LIVE: readonly Task['state'][] = ['running', 'verifying'];

/** Tasks of a running plan with no files_scope that run at the same time: they may touch the same files. */
export function unscopedRunning(plan: Plan, tasks: readonly Task[]): Task[] {
  if (plan.status !== 'running') return [];
  const live = tasks.filter((t) => t.plan?.planId === plan.id && LIVE.includes(t.state) && !(t.plan.scope && t.plan.scope.length > 0));
  return live.length >= 2 ? live : [];
}
