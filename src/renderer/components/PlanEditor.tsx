/**
 * The plan editor: a plan's settings and its tasks, as a list (every field) or as the graph
 * (select a node to edit it and choose its parents). Checked as you type — the plan schema and
 * graph rules (cycles, missing edges, duplicate ids, invalid globs), and tasks whose scopes
 * overlap with no edge ordering them — with each scope glob's matching files previewed from the
 * repository. Saving is compare-and-set on the version loaded: a plan changed elsewhere is never
 * overwritten; the editor says so and offers to reload. A plan not created yet (new, or an
 * agent's proposal) is created as a draft.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useDeferredValue } from 'react';
import { CUSTOM_PROFILE_ID, type DetectedAgent } from '../../shared/agents';
import type { GlobMatches, PlanView } from '../../shared/contract';
import { globError } from '../../shared/globs';
import { DEFAULT_PRIORITY, type Plan, type PlanFile, type PlanProblem, type PlanTaskSpec } from '../../shared/plan';
import { PROMPT_PLACEHOLDER, type Project, type Task } from '../../shared/task';
import { ApiError, type Api } from '../api/client';
import { choiceOf, draftProblems, freshId, newRow, overlapText, refOf, removeTask, renameTask, toDraft, toFile, unorderedOverlaps, type DraftTask, type OverlapWarning, type PlanDraft } from '../plan-draft';
import { planTasks } from '../use-plans';
import { AgentSelect, agentsOrBuiltins, useAgentList } from './AgentSelect';
import { PlanGraph, ViewToggle, type GraphNode } from './PlanGraph';
import { StateBadge } from './StateBadge';
import '../styles/plans.css';
import '../styles/plan-editor.css';

interface Props {
  api: Api;
  project: Project;
  /** The plan being edited (live), or null for a plan not created yet. */
  plan: Plan | null;
  /** A plan not created yet: new (empty), or an agent's proposal. */
  initial?: PlanFile;
  /** Where `initial` came from, for the heading. */
  origin?: string;
  /** What to tell the user about `initial` (what was taken out of an agent's proposal). */
  notes?: string[];
  tasks: Map<string, Task>;
  onClose(): void;
  onCreated(view: PlanView): void;
  onSaved(view: PlanView): void;
}

/** A started task keeps its edges, scope, title, prompt and agent (the engine refuses a change). */
const editable = (t: Task | undefined): boolean => !t || t.state === 'queued' || t.state === 'blocked';
const removable = (t: Task | undefined): boolean => !t || ['queued', 'blocked', 'failed', 'cancelled'].includes(t.state);

export function PlanEditor({ api, project, plan, initial, origin, notes, tasks: allTasks, onClose, onCreated, onSaved }: Props) {
  const [draft, setDraft] = useState<PlanDraft | null>(() => (initial ? toDraft(initial) : null));
  const [version, setVersion] = useState<number | null>(null);
  const [view, setView] = useState<'list' | 'graph'>('list');
  const [selected, setSelected] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  const agentList = useAgentList(api, project.id);
  const agents = agentsOrBuiltins(agentList.list);
  // Tasks with no agent of their own or of the plan's take the default agent in Settings, if there is one.
  const [hasDefaultAgent, setHasDefaultAgent] = useState(true);
  useEffect(() => {
    void api.call('settings.get', {}).then((s) => setHasDefaultAgent(s.defaultAgent !== null), () => {});
  }, [api]);

  const planId = plan?.id ?? null;
  const load = useCallback(async () => {
    if (!planId) return;
    setError(null);
    try {
      // The version first: if the plan changes between the two calls, saving fails safe (a conflict).
      const v = await api.call('plans.get', { planId });
      const file = JSON.parse(await api.call('plans.export', { planId, format: 'json' })) as PlanFile;
      setVersion(v.plan.version);
      setDraft(toDraft(file));
      setConflict(null);
      setDirty(false);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [api, planId]);
  useEffect(() => {
    void load();
  }, [load]);

  const live = useMemo(() => new Map(planId ? planTasks(allTasks.values(), planId).map((t) => [t.plan!.key, t]) : []), [allTasks, planId]);
  const problems = useMemo(() => {
    if (!draft) return [];
    const found = draftProblems(draft);
    const agentless = draft.head.agent === undefined ? draft.tasks.filter((t) => t.spec.agent === undefined) : [];
    if (!hasDefaultAgent && agentless.length > 0) {
      found.push({ where: 'agent', message: `${agentless.map((t) => `#${t.spec.id}`).join(', ')} ${agentless.length === 1 ? 'has' : 'have'} no agent and Settings has no default agent: choose the plan's default agent` });
    }
    return found;
  }, [draft, hasDefaultAgent]);
  // Only ids, edges and scopes matter to the overlap check: typing a title or a prompt does not
  // rerun it, and a large plan's check trails the typing instead of holding it up.
  const overlapShape = useDeferredValue(JSON.stringify(draft?.tasks.map((t) => [t.spec.id, t.spec.depends_on, t.spec.files_scope ?? []]) ?? []));
  const overlaps = useMemo(() => {
    const shape = JSON.parse(overlapShape) as [string, string[], string[]][];
    return shape.length > 0 ? unorderedOverlaps(shape.map(([id, depends_on, files_scope]) => ({ id, depends_on, files_scope }))) : new Map<string, OverlapWarning[]>();
  }, [overlapShape]);
  const globs = useMemo(() => [...new Set(draft?.tasks.flatMap((t) => t.spec.files_scope ?? []) ?? [])], [draft]);
  const matches = useGlobMatches(api, project.id, globs);
  const changedElsewhere = plan !== null && version !== null && plan.version > version && !busy;

  if (!draft) {
    return (
      <section className="plan-editor" aria-label="Plan editor">
        <div className="empty-state">{error ? <p className="form-error">{error}</p> : 'Loading the plan…'}</div>
      </section>
    );
  }

  const update = (fn: (d: PlanDraft) => PlanDraft): void => {
    setDraft((d) => (d ? fn(d) : d));
    setDirty(true);
  };
  const setHead = (patch: Partial<PlanDraft['head']>): void => update((d) => ({ ...d, head: { ...d.head, ...patch } }));
  const setTask = (row: string, patch: Partial<PlanTaskSpec>): void => update((d) => ({ ...d, tasks: d.tasks.map((t) => (t.row === row ? { ...t, spec: { ...t.spec, ...patch } } : t)) }));
  const addTask = (parent?: string): void => {
    const row = newRow();
    update((d) => ({ ...d, tasks: [...d.tasks, { row, spec: { id: freshId(d.tasks), title: '', prompt: '', depends_on: parent ? [parent] : [] } }] }));
    setSelected(row);
    // The new row's title field, once it is there.
    requestAnimationFrame(() => document.querySelector<HTMLInputElement>(`[data-row="${row}"] input[aria-label="Title"]`)?.focus());
  };
  const rename = (row: string, id: string): void => update((d) => ({ ...d, tasks: renameTask(d.tasks, row, id) }));
  const remove = (row: string): void => {
    update((d) => ({ ...d, tasks: removeTask(d.tasks, row) }));
    if (selected === row) setSelected(null);
  };

  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const file = toFile(draft);
    try {
      if (!plan) {
        onCreated(await api.call('plans.import', { projectId: project.id, text: JSON.stringify(file), format: 'plan' }));
        return;
      }
      const v = await api.call('plans.update', { planId: plan.id, version: version ?? plan.version, plan: file });
      setVersion(v.plan.version);
      setDirty(false);
      onSaved(v);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'conflict') setConflict(err.message);
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const invalid = problems.length > 0;
  const heading = plan ? `Edit plan: ${plan.name}` : origin ? `New plan from ${origin}` : 'New plan';
  const selectedTask = draft.tasks.find((t) => t.row === selected) ?? null;
  const nodes: GraphNode[] = draft.tasks.map((t) => ({
    id: t.spec.id,
    title: t.spec.title,
    depends_on: t.spec.depends_on,
    task: live.get(t.spec.id) ?? null,
    done: t.spec.status === 'done',
    warning: overlaps.get(t.spec.id)?.map(overlapText).join('\n') ?? null,
  }));
  const taskProps = (t: DraftTask) => ({
    t,
    all: draft.tasks,
    live: live.get(t.spec.id),
    problems: problems.filter((p) => p.where === t.spec.id || p.where.startsWith(`${t.spec.id} `)),
    overlaps: overlaps.get(t.spec.id) ?? [],
    matches,
    agents,
    detected: agentList.list !== null,
    onChange: (patch: Partial<PlanTaskSpec>) => setTask(t.row, patch),
    onRename: (id: string) => rename(t.row, id),
    onRemove: () => remove(t.row),
  });

  return (
    <section className="plan-editor" aria-label="Plan editor">
      <nav className="plan-nav plan-editor-nav">
        <button className="btn btn-ghost btn-small" onClick={onClose} title="Leave the editor; unsaved changes are dropped">
          ← {plan ? 'Plan' : 'Back'}
        </button>
        <h2 className="plan-editor-heading">{heading}</h2>
        <ViewToggle view={view} onChange={setView} label="Editor view" />
        <span className="plan-nav-spacer" />
        {dirty && <span className="muted plan-editor-dirty">unsaved changes</span>}
        <button className="btn" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button className="btn btn-primary" onClick={() => void save()} disabled={busy || invalid || (plan !== null && !dirty) || conflict !== null} title={invalid ? 'Fix the problems listed first' : undefined}>
          {busy ? (plan ? 'Saving…' : 'Creating…') : plan ? 'Save' : 'Create plan'}
        </button>
      </nav>
      <div className="plan-editor-body">
        {conflict && (
          <div className="plan-banner plan-banner-conflict" role="alert" data-testid="plan-conflict">
            <div>
              <strong>Not saved: this plan changed since you loaded it.</strong>
              <p>{conflict}</p>
              <p className="muted">Nothing was overwritten. Reload to get the current plan (your edits here are dropped), then make your change again.</p>
            </div>
            <button className="btn btn-primary" onClick={() => void load()}>
              Reload
            </button>
          </div>
        )}
        {!conflict && changedElsewhere && (
          <div className="plan-banner" role="status" data-testid="plan-changed-elsewhere">
            <span>This plan changed since you opened it (version {version} → {plan.version}). Saving will be refused; reload to edit the current plan.</span>
            <button className="btn btn-small" onClick={() => void load()}>
              Reload
            </button>
          </div>
        )}
        {error && (
          <pre className="form-error import-plan-error" role="alert" data-testid="plan-editor-error">
            {error}
          </pre>
        )}
        {notes && notes.length > 0 && (
          <ul className="import-warnings" data-testid="plan-editor-notes" aria-label="About this proposal">
            {notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
        <PlanHead head={draft.head} exists={plan !== null} agents={agents} detected={agentList.list !== null} onChange={setHead} />
        {invalid && (
          <div className="plan-problems" role="status" data-testid="plan-problems">
            <strong>
              {problems.length} problem{problems.length === 1 ? '' : 's'} to fix before {plan ? 'saving' : 'creating the plan'}:
            </strong>
            <ul>
              {problems.slice(0, 12).map((p, i) => (
                <li key={i}>
                  <span className="mono">{p.where}</span>: {p.message}
                </li>
              ))}
              {problems.length > 12 && <li className="muted">and {problems.length - 12} more</li>}
            </ul>
          </div>
        )}
        {view === 'list' ? (
          <>
            <ol className="pe-tasks" aria-label="Tasks">
              {draft.tasks.map((t, i) => (
                <li key={t.row} data-row={t.row} className="pe-task-item">
                  <TaskEditor {...taskProps(t)} index={i} />
                </li>
              ))}
            </ol>
            <div className="plan-actions">
              <button className="btn" onClick={() => addTask()}>
                + Add task
              </button>
              {draft.tasks.length === 0 && <span className="muted">A plan is a graph of tasks: add the first one.</span>}
            </div>
          </>
        ) : (
          <div className="pe-graph-view">
            <div className="pe-graph-main">
              <div className="plan-actions">
                <button className="btn btn-small" onClick={() => addTask()}>
                  + Add task
                </button>
                {selectedTask && (
                  <button className="btn btn-small" onClick={() => addTask(selectedTask.spec.id)} title={`A new task that depends on #${selectedTask.spec.id}`}>
                    + Add a task after #{selectedTask.spec.id}
                  </button>
                )}
                <span className="muted pe-graph-hint">Select a task to edit it and choose what it depends on.</span>
              </div>
              <PlanGraph nodes={nodes} selected={selectedTask?.spec.id ?? null} onSelect={(id) => setSelected(draft.tasks.find((t) => t.spec.id === id)?.row ?? null)} label="Plan graph" />
            </div>
            <aside className="pe-inspector" aria-label="Selected task">
              {selectedTask ? (
                <div data-row={selectedTask.row}>
                  <TaskEditor {...taskProps(selectedTask)} index={draft.tasks.indexOf(selectedTask)} compact />
                </div>
              ) : (
                <p className="muted">No task selected.</p>
              )}
            </aside>
          </div>
        )}
      </div>
    </section>
  );
}

/** The plan's own fields. */
function PlanHead({ head, exists, agents, detected, onChange }: { head: PlanDraft['head']; exists: boolean; agents: DetectedAgent[]; detected: boolean; onChange(patch: Partial<PlanDraft['head']>): void }) {
  const agent = choiceOf(head.agent);
  const verify = typeof head.verify === 'string' ? head.verify : (head.verify?.command ?? '');
  return (
    <div className="plan-head pe-head">
      <div className="field-grid">
        <label className="field">
          <span>Name</span>
          <input value={head.name} onChange={(e) => onChange({ name: e.target.value })} placeholder="Add sign-in" aria-label="Plan name" autoFocus={!exists} />
        </label>
        <div className="field-grid pe-head-small">
          <label className="field">
            <span>At once</span>
            <input type="number" min={1} max={64} value={head.concurrency} onChange={(e) => onChange({ concurrency: Math.max(1, Math.min(64, Number(e.target.value) || 1)) })} aria-label="Concurrency" />
          </label>
          <label className="check pe-automerge" title="Merge each task through the merge train as soon as it passes its checks">
            <input type="checkbox" checked={head.auto_merge} onChange={(e) => onChange({ auto_merge: e.target.checked })} /> Auto-merge
          </label>
        </div>
      </div>
      <label className="field">
        <span>Goal</span>
        <textarea rows={2} value={head.goal} onChange={(e) => onChange({ goal: e.target.value })} placeholder="What the plan achieves, for the agents and for you" aria-label="Goal" />
      </label>
      <div className="field-grid">
        <label className="field">
          <span>Default agent</span>
          <AgentSelect agents={agents} detected={detected} value={agent.profile} emptyLabel="The default agent in Settings" ariaLabel="Plan agent" onChange={(profile) => onChange({ agent: refOf({ profile, command: agent.command }) })} />
          {agent.profile === CUSTOM_PROFILE_ID && (
            <input className="mono" value={agent.command} onChange={(e) => onChange({ agent: refOf({ profile: CUSTOM_PROFILE_ID, command: e.target.value }) })} placeholder={`my-agent --yes ${PROMPT_PLACEHOLDER}`} aria-label="Plan agent command" spellCheck={false} />
          )}
        </label>
        <label className="field">
          <span>Verify command (on each merge candidate)</span>
          <input
            className="mono"
            value={verify}
            onChange={(e) => onChange({ verify: e.target.value.trim() === '' ? undefined : typeof head.verify === 'object' ? { ...head.verify, command: e.target.value } : e.target.value })}
            placeholder="npm test"
            aria-label="Verify command"
            spellCheck={false}
          />
        </label>
      </div>
      {exists && (head.base || head.integration_branch) && (
        <p className="muted pe-branches">
          <span className="mono">{head.base}</span> → <span className="mono">{head.integration_branch}</span> (fixed once the plan exists)
        </p>
      )}
    </div>
  );
}

interface TaskEditorProps {
  t: DraftTask;
  index: number;
  all: DraftTask[];
  live: Task | undefined;
  problems: PlanProblem[];
  overlaps: OverlapWarning[];
  matches: Map<string, GlobMatches>;
  agents: DetectedAgent[];
  detected: boolean;
  compact?: boolean;
  onChange(patch: Partial<PlanTaskSpec>): void;
  onRename(id: string): void;
  onRemove(): void;
}

/** One task's fields; a started task's graph, scope, title, prompt and agent are locked. */
function TaskEditor({ t, index, all, live, problems, overlaps, matches, agents, detected, compact, onChange, onRename, onRemove }: TaskEditorProps) {
  const { spec } = t;
  const locked = !editable(live);
  const agent = choiceOf(spec.agent);
  const others = all.filter((o) => o.row !== t.row && !spec.depends_on.includes(o.spec.id));
  const cls = ['pe-task', problems.length > 0 ? 'pe-task-invalid' : '', overlaps.length > 0 ? 'pe-task-warn' : '', compact ? 'pe-task-compact' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-task={spec.id}>
      <div className="pe-task-top">
        <span className="pe-task-index muted">{index + 1}</span>
        <input className="mono pe-task-id" value={spec.id} onChange={(e) => onRename(e.target.value.trim())} aria-label="Task id" disabled={locked || live !== undefined} spellCheck={false} title="The task's id in the plan (depends_on names it)" />
        <input className="pe-task-title" value={spec.title} onChange={(e) => onChange({ title: e.target.value })} placeholder="What this task does" aria-label="Title" disabled={locked} />
        {live && <StateBadge state={live.state} exitCode={live.exitCode} />}
        {spec.status === 'done' && !live && <span className="badge badge-done">Done</span>}
        {overlaps.length > 0 && (
          <span className="plan-warning pe-overlap" data-testid="overlap-warning" title={overlaps.map(overlapText).join('\n')}>
            ⚠ overlaps {overlaps.map((w) => `#${w.other}`).join(', ')}
          </span>
        )}
        <button className="btn btn-icon" onClick={onRemove} disabled={!removable(live)} aria-label={`Remove task ${spec.id}`} title={removable(live) ? 'Remove this task (and the edges to it)' : 'A task that has started stays in the plan'}>
          ×
        </button>
      </div>
      {locked && <p className="muted pe-locked">Started ({live!.state}): its dependencies, scope, title, prompt and agent stay as they were.</p>}
      <div className="pe-task-cols">
        <div className="pe-task-col">
          <label className="field">
            <span>Prompt</span>
            <textarea rows={compact ? 4 : 3} value={spec.prompt} onChange={(e) => onChange({ prompt: e.target.value })} placeholder="What the agent should do" aria-label="Prompt" disabled={locked} />
          </label>
          <label className="field">
            <span>Acceptance criteria</span>
            <textarea rows={2} value={spec.acceptance_criteria ?? ''} onChange={(e) => onChange({ acceptance_criteria: e.target.value })} placeholder="How the reviewer knows it is done" aria-label="Acceptance criteria" />
          </label>
        </div>
        <div className="pe-task-col">
          <div className="pe-task-grid">
            <label className="field">
              <span>Agent</span>
              <AgentSelect agents={agents} detected={detected} value={agent.profile} emptyLabel="The plan's agent" ariaLabel="Task agent" disabled={locked} onChange={(profile) => onChange({ agent: refOf({ profile, command: agent.command }) })} />
              {agent.profile === CUSTOM_PROFILE_ID && (
                <input className="mono" value={agent.command} onChange={(e) => onChange({ agent: refOf({ profile: CUSTOM_PROFILE_ID, command: e.target.value }) })} placeholder={`my-agent --yes ${PROMPT_PLACEHOLDER}`} aria-label="Task agent command" disabled={locked} spellCheck={false} />
              )}
            </label>
            <label className="field pe-priority">
              <span>Priority</span>
              <select value={spec.priority ?? DEFAULT_PRIORITY} onChange={(e) => onChange({ priority: Number(e.target.value) })} aria-label="Priority">
                {[0, 1, 2, 3, 4].map((p) => (
                  <option key={p} value={p}>
                    {p}
                    {p === 0 ? ' (most urgent)' : p === DEFAULT_PRIORITY ? ' (default)' : ''}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="field">
            <span>Depends on</span>
            <div className="pe-deps">
              {spec.depends_on.map((d) => (
                <span key={d} className={`chip pe-dep${all.some((o) => o.spec.id === d) ? '' : ' pe-dep-missing'}`} data-dep={d}>
                  #{d}
                  {!locked && (
                    <button className="pe-chip-x" onClick={() => onChange({ depends_on: spec.depends_on.filter((x) => x !== d) })} aria-label={`Remove dependency on ${d}`}>
                      ×
                    </button>
                  )}
                </span>
              ))}
              {!locked && others.length > 0 && (
                <select className="pe-dep-add" value="" onChange={(e) => e.target.value && onChange({ depends_on: [...spec.depends_on, e.target.value] })} aria-label="Add a dependency">
                  <option value="">+ depends on…</option>
                  {others.map((o) => (
                    <option key={o.row} value={o.spec.id}>
                      #{o.spec.id} {o.spec.title}
                    </option>
                  ))}
                </select>
              )}
              {spec.depends_on.length === 0 && (locked || others.length === 0) && <span className="muted">nothing: starts first</span>}
            </div>
          </div>
          <ScopeEditor globs={spec.files_scope ?? []} matches={matches} locked={locked} onChange={(files_scope) => onChange({ files_scope })} />
        </div>
      </div>
      {problems.length > 0 && (
        <ul className="pe-task-problems form-error">
          {problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The scope's globs, each with its error or the files it matches now. */
function ScopeEditor({ globs, matches, locked, onChange }: { globs: string[]; matches: Map<string, GlobMatches>; locked: boolean; onChange(globs: string[]): void }) {
  return (
    <div className="field pe-scope">
      <span>Files scope {globs.length === 0 && <em className="muted">— none: overlaps nothing, may run beside anything</em>}</span>
      {globs.map((g, i) => {
        const err = g === '' ? null : globError(g);
        const m = matches.get(g);
        return (
          <div key={i} className="pe-glob">
            <div className="field-row">
              <input
                className={`mono${err ? ' pe-input-error' : ''}`}
                value={g}
                onChange={(e) => onChange(globs.map((x, j) => (j === i ? e.target.value : x)))}
                placeholder="src/feature/**"
                aria-label={`Scope glob ${i + 1}`}
                disabled={locked}
                spellCheck={false}
              />
              {!locked && (
                <button className="btn btn-icon" onClick={() => onChange(globs.filter((_, j) => j !== i))} aria-label={`Remove glob ${g}`}>
                  ×
                </button>
              )}
            </div>
            {err ? (
              <small className="form-error" data-testid="glob-error">
                {err}
              </small>
            ) : g === '' ? null : m ? (
              <small className="muted pe-glob-preview" data-testid="glob-preview" title={m.files.join('\n')}>
                {m.total === 0 ? 'matches no file yet' : `${m.total} file${m.total === 1 ? '' : 's'}: ${m.files.slice(0, 4).join(', ')}${m.total > 4 ? ', …' : ''}`}
              </small>
            ) : (
              <small className="muted pe-glob-preview">…</small>
            )}
          </div>
        );
      })}
      {!locked && (
        <button className="btn btn-small btn-ghost pe-add-glob" onClick={() => onChange([...globs, ''])}>
          + glob
        </button>
      )}
    </div>
  );
}

/** The files each valid glob matches on the project's current branch, asked for after typing pauses, and remembered. */
function useGlobMatches(api: Api, projectId: string, globs: string[]): Map<string, GlobMatches> {
  const [found, setFound] = useState<Map<string, GlobMatches>>(() => new Map());
  const asked = useRef(new Set<string>());
  const key = globs.join('\n');
  useEffect(() => {
    const wanted = key.split('\n').filter((g) => g !== '' && globError(g) === null && !asked.current.has(g));
    if (wanted.length === 0) return;
    const timer = setTimeout(() => {
      for (let i = 0; i < wanted.length; i += 200) {
        const chunk = wanted.slice(i, i + 200);
        chunk.forEach((g) => asked.current.add(g));
        api.call('projects.matchGlobs', { projectId, globs: chunk, limit: 20 }).then(
          (rs) => setFound((prev) => new Map([...prev, ...rs.map((r) => [r.glob, r] as const)])),
          () => chunk.forEach((g) => asked.current.delete(g)),
        );
      }
    }, 350);
    return () => clearTimeout(timer);
  }, [api, projectId, key]);
  return found;
}
