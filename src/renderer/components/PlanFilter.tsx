/** The board's plan selector: all tasks, or one plan's; with the plan's page, auto-merge and parallel-scope warnings. */
import type { Plan } from '../../shared/plan';
import type { Task } from '../../shared/task';
import { AutoMergeBadge, UnscopedWarning } from './PlanPage';
import '../styles/plans.css';

interface Props {
  plans: Plan[];
  planId: string | null;
  onChange(planId: string | null): void;
  /** Opens the plan's page (or, with no plan chosen, the list of plans). */
  onOpenPlans(planId: string | null): void;
  onImport: (() => void) | null;
  /** Unscoped tasks of a running plan that run at once. */
  unscoped: Task[];
}

export function PlanFilter({ plans, planId, onChange, onOpenPlans, onImport, unscoped }: Props) {
  const plan = planId ? (plans.find((p) => p.id === planId) ?? null) : null;
  return (
    <>
      <span className="plan-filter">
        <select value={plan?.id ?? ''} onChange={(e) => onChange(e.target.value || null)} aria-label="Plan" title="Show all tasks, or one plan’s">
          <option value="">All tasks</option>
          {plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} · {p.status}
            </option>
          ))}
        </select>
        <button className="btn btn-small btn-ghost" onClick={() => onOpenPlans(plan?.id ?? null)} title={plan ? `Open the page of “${plan.name}”` : 'Every plan of this project'}>
          {plan ? 'Plan page' : 'Plans'}
        </button>
        {onImport && plans.length === 0 && (
          <button className="btn btn-small btn-ghost" onClick={onImport}>
            Import plan…
          </button>
        )}
      </span>
      {plan?.autoMerge && <AutoMergeBadge />}
      {unscoped.length > 0 && <UnscopedWarning tasks={unscoped} />}
    </>
  );
}
