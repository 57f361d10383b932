/**
 * A plan: its goal, branches, caps and status, Start (with auto-merge), Pause and Stop, export,
 * and its tasks in plan order with what each waits for. Without a plan chosen it lists the
 * project's plans, or says how to import one.
 */
import { useEffect, useState } from 'react';
import type { Plan } from '../../shared/plan';
import type { Task } from '../../shared/task';
import type { Api } from '../api/client';
import { canPausePlan, canStartPlan, canStopPlan, startLabel, type PlanActions } from '../plan-actions';
import { planTasks, unscopedRunning } from '../use-plans';
import { Dialog } from './Dialog';
import { PlanGraph, ViewToggle } from './PlanGraph';
import { StateBadge } from './StateBadge';
import '../styles/plans.css';
import '../styles/plan-editor.css';

const PLAN_VIEW_KEY = 'switchyard.planView';

interface Props {
  api: Api;
  /** The current project's plans (every project's, on the all-projects board). */
  plans: Plan[];
  planId: string | null;
  tasks: Map<string, Task>;
  /** The task open in the panel beside the page, if any. */
  openId: string | null;
  actions: PlanActions;
  onSelectPlan(planId: string | null): void;
  onOpenTask(taskId: string): void;
  onShowOnBoard(planId: string): void;
  onImport: (() => void) | null;
  /** A new plan in the editor; null without a project. */
  onNewPlan: (() => void) | null;
  onPlanWithAgent: (() => void) | null;
  onEdit(planId: string): void;
  onTasksLoaded(tasks: Task[]): void;
  onClose(): void;
}

export function PlanPage(p: Props) {
  const plan = p.planId ? (p.plans.find((x) => x.id === p.planId) ?? null) : null;
  return (
    <section className="plan-page" aria-label={plan ? `Plan ${plan.name}` : 'Plans'}>
      <nav className="plan-nav">
        <button className="btn btn-ghost btn-small" onClick={p.onClose} title="Back to the board (Esc)">
          ← Board
        </button>
        {plan && (
          <button className="btn btn-ghost btn-small" onClick={() => p.onSelectPlan(null)}>
            All plans
          </button>
        )}
        <span className="plan-nav-spacer" />
        {p.plans.length > 0 && <AuthoringButtons {...p} small />}
      </nav>
      {plan ? <PlanDetail {...p} plan={plan} /> : <PlanList {...p} />}
    </section>
  );
}

/** New plan, Plan with agent, Import. */
function AuthoringButtons({ onNewPlan, onPlanWithAgent, onImport, small }: Props & { small?: boolean }) {
  const cls = small ? 'btn btn-small' : 'btn';
  return (
    <>
      {onNewPlan && (
        <button className={small ? cls : 'btn btn-primary'} onClick={onNewPlan}>
          New plan…
        </button>
      )}
      {onPlanWithAgent && (
        <button className={cls} onClick={onPlanWithAgent}>
          Plan with agent…
        </button>
      )}
      {onImport && (
        <button className={cls} onClick={onImport}>
          {small ? 'Import plan…' : 'Import a plan file…'}
        </button>
      )}
    </>
  );
}

function PlanList(p: Props) {
  const { plans, tasks, onSelectPlan } = p;
  if (plans.length === 0) {
    return (
      <div className="plan-empty" data-testid="plans-empty">
        <h2>No plans here yet</h2>
        <p className="muted">
          A plan is a goal as a graph of tasks: each task waits for the ones it depends on to merge, tasks whose files overlap never run at once, and finished work merges in
          order through a merge train.
        </p>
        <div className="plan-actions">
          <AuthoringButtons {...p} />
        </div>
        <p className="muted">
          Plan files, Beads issues and Markdown checklists import with a preview. Or from a terminal: <code>switchyard plan import FILE</code> (YAML or JSON).
        </p>
      </div>
    );
  }
  return (
    <ul className="plan-list">
      {plans.map((plan) => {
        const own = planTasks(tasks.values(), plan.id);
        return (
          <li key={plan.id}>
            <button className="plan-row" onClick={() => onSelectPlan(plan.id)}>
              <span className="plan-row-name">{plan.name}</span>
              <PlanStatus plan={plan} />
              <Progress tasks={own} />
              {plan.goal && <span className="plan-row-goal muted">{plan.goal.split('\n')[0]}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function PlanStatus({ plan }: { plan: Plan }) {
  return (
    <span className={`badge plan-status plan-status-${plan.status}`} data-testid="plan-status" data-status={plan.status}>
      {plan.status === 'running' && <span className="pulse" aria-hidden />}
      {plan.status}
    </span>
  );
}

/** "3 of 5 merged", and a bar. */
function Progress({ tasks }: { tasks: Task[] }) {
  const done = tasks.filter((t) => t.state === 'done').length;
  const pct = tasks.length ? Math.round((done / tasks.length) * 100) : 0;
  return (
    <span className="plan-progress" title={`${done} of ${tasks.length} tasks merged`}>
      <span className="plan-progress-bar" aria-hidden>
        <span style={{ width: `${pct}%` }} />
      </span>
      <span className="muted">
        {done}/{tasks.length} merged
      </span>
    </span>
  );
}

function PlanDetail({ api, plan, tasks: all, openId, actions, onOpenTask, onShowOnBoard, onTasksLoaded, onEdit }: Props & { plan: Plan }) {
  const [autoMerge, setAutoMerge] = useState(plan.autoMerge);
  const [view, setView] = useState<'list' | 'graph'>(() => (localStorage.getItem(PLAN_VIEW_KEY) === 'graph' ? 'graph' : 'list'));
  useEffect(() => localStorage.setItem(PLAN_VIEW_KEY, view), [view]);
  const [confirmStop, setConfirmStop] = useState(false);
  const [exporting, setExporting] = useState(false);
  useEffect(() => setAutoMerge(plan.autoMerge), [plan.id, plan.autoMerge]);
  // The plan's tasks come live from the board's state; load them once too, in case any are missing.
  useEffect(() => {
    void api.call('plans.get', { planId: plan.id }).then((v) => onTasksLoaded(v.tasks), () => {});
  }, [api, plan.id, onTasksLoaded]);

  const tasks = planTasks(all.values(), plan.id);
  const byKey = new Map(tasks.map((t) => [t.plan!.key, t]));
  const live = tasks.filter((t) => t.state === 'running' || t.state === 'verifying').length;
  const unscoped = unscopedRunning(plan, tasks);

  return (
    <div className="plan-detail">
      <header className="plan-head">
        <div className="plan-title-row">
          <h2 className="plan-title">{plan.name}</h2>
          <PlanStatus plan={plan} />
          {plan.autoMerge && <AutoMergeBadge />}
        </div>
        {plan.goal && <p className="plan-goal">{plan.goal}</p>}
        <dl className="plan-facts">
          <dt>Branches</dt>
          <dd>
            <span className="mono">{plan.baseBranch}</span> → <span className="mono">{plan.integrationBranch}</span>
          </dd>
          <dt>At once</dt>
          <dd>
            {plan.concurrency} task{plan.concurrency === 1 ? '' : 's'} of this plan
          </dd>
          <dt>Verify</dt>
          <dd>{plan.verify ? <span className="mono">{plan.verify}</span> : <span className="muted">none: merges are not checked on a candidate</span>}</dd>
          <dt>Progress</dt>
          <dd>
            <Progress tasks={tasks} />
          </dd>
        </dl>
        <div className="plan-actions">
          {canStartPlan(plan) && (
            <>
              <label className="check chip" title="Merge each task through the merge train as soon as it passes its checks, without waiting for your review">
                <input type="checkbox" checked={autoMerge} onChange={(e) => setAutoMerge(e.target.checked)} aria-label="Auto-merge" />
                Auto-merge
              </label>
              <button className="btn btn-primary" onClick={() => void actions.start(plan, autoMerge)}>
                {startLabel(plan)}
              </button>
            </>
          )}
          {canPausePlan(plan) && (
            <button className="btn" onClick={() => void actions.pause(plan)} title="Running tasks finish; nothing new starts">
              Pause
            </button>
          )}
          {canStopPlan(plan) && (
            <button className="btn btn-danger" onClick={() => setConfirmStop(true)}>
              Stop…
            </button>
          )}
          <span className="plan-nav-spacer" />
          {plan.status !== 'done' && (
            <button className="btn" onClick={() => onEdit(plan.id)} title="Change tasks, edges and scopes (tasks that have started keep theirs)">
              Edit plan
            </button>
          )}
          <button className="btn btn-ghost" onClick={() => onShowOnBoard(plan.id)}>
            Show on the board
          </button>
          <button className="btn btn-ghost" onClick={() => setExporting(true)}>
            Export…
          </button>
        </div>
        {unscoped.length > 0 && <UnscopedWarning tasks={unscoped} />}
        {plan.status === 'done' && (
          <div className="plan-done-note" data-testid="plan-finish">
            <p>
              Every task has merged into <span className="mono">{plan.integrationBranch}</span>. Bring the work to <span className="mono">{plan.baseBranch}</span>:
            </p>
            <div className="plan-actions">
              <button className="btn btn-primary" onClick={() => void actions.finish(plan, 'merge')} title={`Merge ${plan.integrationBranch} into ${plan.baseBranch}, under the same rules as a task's merge`}>
                Merge into {plan.baseBranch}
              </button>
              <button className="btn" onClick={() => void actions.finish(plan, 'pull-request')} title="Push the integration branch and open a pull request (needs gh)">
                Open a pull request
              </button>
            </div>
          </div>
        )}
      </header>
      <ViewToggle view={view} onChange={setView} label="Tasks view" className="plan-view-toggle" />
      {view === 'graph' ? (
        <PlanGraph
          nodes={tasks.map((t) => ({ id: t.plan!.key, title: t.title, depends_on: t.plan!.parents, task: t }))}
          selected={tasks.find((t) => t.id === openId)?.plan?.key ?? null}
          onSelect={(key) => {
            const t = byKey.get(key);
            if (t) onOpenTask(t.id);
          }}
          label="Plan graph"
        />
      ) : (
      <ol className="plan-tasks" aria-label="Tasks of the plan">
        {tasks.map((t) => (
          <li key={t.id}>
            <button className={`plan-task plan-task-${t.state}${t.id === openId ? ' plan-task-open' : ''}`} aria-current={t.id === openId} onClick={() => onOpenTask(t.id)} data-task-id={t.id} data-key={t.plan!.key}>
              <span className="plan-task-key mono">#{t.plan!.key}</span>
              <span className="plan-task-main">
                <span className="plan-task-title">{t.title}</span>
                {t.plan!.parents.length > 0 && (
                  <span className="plan-task-deps muted">
                    depends on{' '}
                    {t.plan!.parents.map((k, i) => (
                      <span key={k} className={byKey.get(k)?.state === 'done' ? 'plan-dep-done' : undefined}>
                        {i > 0 ? ', ' : ''}#{k}
                      </span>
                    ))}
                  </span>
                )}
                {t.plan!.scope && t.plan!.scope.length > 0 && <span className="plan-task-scope mono muted" title="files_scope">{t.plan!.scope.join(' ')}</span>}
                {t.plan!.waiting && (t.state === 'blocked' || t.state === 'queued') && (
                  <span className="plan-waiting" data-testid="plan-waiting">
                    {t.plan!.waiting}
                  </span>
                )}
              </span>
              <StateBadge state={t.state} exitCode={t.exitCode} />
            </button>
          </li>
        ))}
      </ol>
      )}
      {confirmStop && (
        <Dialog title={`Stop “${plan.name}”?`} onClose={() => setConfirmStop(false)}>
          <p>
            Nothing new starts{live > 0 ? `, and its ${live} running agent${live === 1 ? ' is' : 's are'} stopped` : ''}. Their work stays in their worktrees, and the plan can be started
            again.
          </p>
          <div className="dialog-actions">
            <button className="btn btn-primary" autoFocus onClick={() => setConfirmStop(false)}>
              Keep running
            </button>
            <button
              className="btn btn-danger"
              onClick={() => {
                setConfirmStop(false);
                void actions.stop(plan);
              }}
            >
              Stop the plan
            </button>
          </div>
        </Dialog>
      )}
      {exporting && <ExportDialog api={api} plan={plan} onClose={() => setExporting(false)} />}
    </div>
  );
}

export function AutoMergeBadge() {
  return (
    <span className="plan-automerge" data-testid="plan-auto-merge" title="Each task merges through the merge train once it passes its checks, without waiting for review">
      auto-merge on
    </span>
  );
}

export function UnscopedWarning({ tasks }: { tasks: Task[] }) {
  return (
    <span className="plan-warning" role="status" data-testid="plan-unscoped-warning" title={tasks.map((t) => `#${t.plan!.key} ${t.title}`).join('\n')}>
      ⚠ {tasks.length} unscoped tasks run in parallel; they may touch the same files
    </span>
  );
}

/** The plan as a file again: shown, copied or downloaded. */
function ExportDialog({ api, plan, onClose }: { api: Api; plan: Plan; onClose(): void }) {
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(null);
    void api.call('plans.export', { planId: plan.id, format }).then(setText, (e: Error) => setError(e.message));
  }, [api, plan.id, format]);
  const fileName = `${plan.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'plan'}.${format === 'yaml' ? 'yaml' : 'json'}`;
  const download = (): void => {
    if (text === null) return;
    const url = URL.createObjectURL(new Blob([text], { type: format === 'yaml' ? 'text/yaml' : 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <Dialog title={`Export “${plan.name}”`} onClose={onClose} wide>
      <div className="plan-export">
        <div className="view-toggle" role="tablist" aria-label="Format">
          {(['yaml', 'json'] as const).map((f) => (
            <button key={f} role="tab" aria-selected={format === f} className={format === f ? 'active' : ''} onClick={() => setFormat(f)}>
              {f.toUpperCase()}
            </button>
          ))}
        </div>
        {error ? <p className="form-error">{error}</p> : <pre className="plan-export-text" data-testid="plan-export-text">{text ?? 'Exporting…'}</pre>}
        <div className="dialog-actions">
          <button className="btn" disabled={text === null} onClick={() => void navigator.clipboard?.writeText(text ?? '')}>
            Copy
          </button>
          <button className="btn btn-primary" disabled={text === null} onClick={download}>
            Download {fileName}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
