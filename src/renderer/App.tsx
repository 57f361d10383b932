import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { COLUMNS, columnOf, type Task } from '../shared/task';
import type { Api } from './api/client';
import { TerminalChannel } from './terminal/channel';
import { useEngineState } from './use-engine-state';
import { useSettings } from './use-settings';
import { useResolvedTheme } from './theme';
import { ToastProvider, useToast } from './toasts';
import { isPaletteKey, isTypingTarget } from './keyboard';
import { askNotificationPermission, notificationsSupported, notify } from './notifications';
import { canEditChecks, canFeedback, canMerge, canRetry, canStart, canVerify, hasWorktree, useTaskActions, type TaskFlowKind } from './task-actions';
import { ALL_PROJECTS, TopBar } from './components/TopBar';
import { Board, sortColumn, type BoardMove } from './components/Board';
import { BoardToolbar, applyFilters, type BoardFilters } from './components/BoardToolbar';
import { OpenRepository } from './components/OpenRepository';
import { NewTaskDialog } from './components/NewTaskDialog';
import { TaskPanel, type PanelTab } from './components/TaskPanel';
import { SettingsDialog } from './components/SettingsDialog';
import { AgentSettings } from './components/AgentSettings';
import { TrustDialog } from './components/TrustDialog';
import { MergeFlow } from './components/MergeFlow';
import { FeedbackDialog } from './components/FeedbackDialog';
import { EditTaskDialog } from './components/EditTaskDialog';
import { GridView } from './components/GridView';
import { HelpOverlay } from './components/HelpOverlay';
import { CommandPalette, type PaletteItem } from './components/CommandPalette';
import { ConfigTrust } from './components/ConfigTrust';
import { RetryDialog } from './components/RetryDialog';
import { PlanPage } from './components/PlanPage';
import { PlanFilter } from './components/PlanFilter';
import { ImportPlanDialog } from './components/ImportPlanDialog';
import { PlanMergeFlow } from './components/PlanMergeFlow';
import { PlanEditor } from './components/PlanEditor';
import { PlannerDialog } from './components/PlannerDialog';
import { emptyPlan } from './plan-draft';
import type { PlanFile } from '../shared/plan';
import type { PlanView } from '../shared/contract';
import { planTasks, unscopedRunning, usePlans } from './use-plans';
import { canPausePlan, canStartPlan, usePlanActions } from './plan-actions';
import type { AttentionReason } from '../shared/contract';
import { useOrphans } from './use-orphans';
import { OrphanNotice, OrphanSessionsDialog } from './components/OrphanSessions';
import { useResumeSupport } from './components/InterruptedBanner';

/** A browser notification's title for each reason a task wants the user. */
const ATTENTION_TITLE: Record<AttentionReason, (title: string) => string> = {
  'needs-input': (t) => `${t} needs your input`,
  'your-turn': (t) => `${t}: your turn`,
  finished: (t) => `${t} finished`,
  'delivery-unconfirmed': (t) => `${t}: feedback not confirmed`,
  stuck: (t) => `${t} looks stuck`,
  'over-budget': (t) => `${t} is over its time budget`,
  'verify-failed': (t) => `${t} failed verify`,
};

const PROJECT_KEY = 'switchyard.project';
const VIEW_KEY = 'switchyard.view';

export function App({ connection }: { connection: Api | { error: string } }) {
  if ('error' in connection) {
    return (
      <div className="fatal">
        <h1>Switchyard</h1>
        <p>{connection.error}</p>
      </div>
    );
  }
  return (
    <ToastProvider>
      <Cockpit api={connection} />
    </ToastProvider>
  );
}

/** What the plan editor opens: an existing plan (planId), or one not created yet (initial: new, imported or proposed). */
interface EditorTarget {
  /** Each opening is a session of its own: a second proposal never inherits the first's draft. */
  session?: number;
  planId: string | null;
  initial?: PlanFile;
  origin?: string;
  notes?: string[];
}

let editorSessions = 0;

type Dialog = 'new-task' | 'open-repo' | 'settings' | 'agents' | 'trust' | 'help' | 'palette' | 'import-plan' | 'planner' | 'orphans' | null;

function Cockpit({ api }: { api: Api }) {
  const state = useEngineState(api);
  const plansState = usePlans(api);
  const orphansState = useOrphans(api);
  const orphans = orphansState.orphans;
  const settings = useSettings(api);
  const toast = useToast();
  const channel = useMemo(() => new TerminalChannel(api.transport), [api]);
  const theme = useResolvedTheme(settings.settings?.theme ?? 'system');
  // ptyd answers agents' colour queries with the palette this window draws.
  useEffect(() => void api.call('ui.theme', { theme }).catch(() => {}), [api, theme]);
  const scrollback = settings.settings?.scrollback ?? 5000;

  const [projectId, setProjectId] = useState<string | null>(() => localStorage.getItem(PROJECT_KEY));
  const [view, setView] = useState<'board' | 'grid'>(() => (localStorage.getItem(VIEW_KEY) === 'grid' ? 'grid' : 'board'));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [tab, setTab] = useState<PanelTab>('agent');
  const [focusToken, setFocusToken] = useState(0);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [flow, setFlow] = useState<{ kind: TaskFlowKind; taskId: string } | null>(null);
  const [notificationPermission, setNotificationPermission] = useState(() => (notificationsSupported() ? Notification.permission : 'denied'));
  const [filters, setFilters] = useState<BoardFilters>({ text: '', showEnded: true, showArchived: false });
  /** The plan the board shows (null: every task). */
  const [planFilter, setPlanFilter] = useState<string | null>(null);
  /** The plan page, showing one plan or (planId null) the project's plans; null: the board. */
  const [planPage, setPlanPage] = useState<{ planId: string | null } | null>(null);
  /** The plan editor, when open. */
  const [editor, setEditor] = useState<EditorTarget | null>(null);

  useEffect(() => localStorage.setItem(VIEW_KEY, view), [view]);
  // The list of sessions without a task closes once every one was adopted or killed.
  useEffect(() => {
    if (dialog === 'orphans' && orphans.length === 0) setDialog(null);
  }, [dialog, orphans.length]);

  // The chosen project, or all of them; keep the choice valid as projects load.
  const allProjects = projectId === ALL_PROJECTS && state.projects.length > 1;
  const project = allProjects ? null : (state.projects.find((p) => p.id === projectId) ?? state.projects[0] ?? null);
  const effectiveProjectId = allProjects ? ALL_PROJECTS : (project?.id ?? null);
  useEffect(() => {
    if (effectiveProjectId) localStorage.setItem(PROJECT_KEY, effectiveProjectId);
  }, [effectiveProjectId]);
  // Asked once per repository: the installed agents that ask about folder trust and are undecided.
  const [trustAsking, setTrustAsking] = useState<string[] | null>(null);
  const trustAsked = useRef(new Set<string>());
  useEffect(() => {
    const id = project?.id;
    if (!id || trustAsked.current.has(id)) return;
    trustAsked.current.add(id);
    void Promise.all([api.call('projects.trust', { projectId: id }), api.call('agents.list', { projectId: id })])
      .then(([trust, agents]) => {
        const installed = new Set(agents.agents.filter((a) => a.installed).map((a) => a.profile.id));
        const asking = trust.agents.filter((a) => a.decision === null && installed.has(a.agent)).map((a) => a.agent);
        if (asking.length === 0) return;
        setTrustAsking(asking);
        setDialog((d) => d ?? 'trust');
      })
      .catch(() => {});
  }, [api, project?.id]);
  const projectsById = useMemo(() => new Map(state.projects.map((p) => [p.id, p])), [state.projects]);

  const inScope = useMemo(() => [...state.tasks.values()].filter((t) => allProjects || t.projectId === project?.id), [state.tasks, allProjects, project]);
  const scopePlans = useMemo(
    () => plansState.plans.filter((p) => allProjects || p.projectId === project?.id).sort((a, b) => b.createdAt - a.createdAt),
    [plansState.plans, allProjects, project],
  );
  const boardPlan = (planFilter && scopePlans.find((p) => p.id === planFilter)) || null;
  const planScope = useMemo(() => (boardPlan ? planTasks(inScope, boardPlan.id) : inScope), [inScope, boardPlan]);
  const boardTasks = useMemo(() => applyFilters(planScope, filters), [planScope, filters]);
  // Cards name their plan unless the board shows that one plan only.
  const planNames = useMemo(() => (boardPlan ? null : new Map(plansState.plans.map((p) => [p.id, p.name]))), [boardPlan, plansState.plans]);
  const unscoped = useMemo(() => {
    for (const p of boardPlan ? [boardPlan] : scopePlans) {
      const live = unscopedRunning(p, inScope);
      if (live.length > 0) return live;
    }
    return [];
  }, [boardPlan, scopePlans, inScope]);
  // Board order, for next/previous: column by column, newest first.
  const ordered = useMemo(() => {
    const cols = COLUMNS.map((c) => sortColumn(c, boardTasks.filter((t) => columnOf(t.state) === c)));
    return cols.flat();
  }, [boardTasks]);
  const openTask = openId ? (state.tasks.get(openId) ?? null) : null;
  // Shortcuts act on a task the user can see: one on the board, or the open one.
  const selectedTask = (selectedId ? ordered.find((t) => t.id === selectedId) : undefined) ?? openTask;

  const openTaskById = useCallback((id: string, nextTab?: PanelTab) => {
    setSelectedId(id);
    setOpenId(id);
    if (nextTab) setTab(nextTab);
  }, []);

  const planActions = usePlanActions({ api, toast, onPlanChanged: plansState.upsertPlan });
  const upsertTasks = useCallback((ts: Task[]) => ts.forEach(state.upsertTask), [state.upsertTask]);
  const openPlan = useCallback((planId: string | null) => {
    setPlanPage({ planId });
    setEditor(null);
    setView('board');
  }, []);
  const openEditor = useCallback((e: EditorTarget) => {
    setEditor({ ...e, session: ++editorSessions });
    setDialog(null);
    setView('board');
  }, []);
  /** A plan just created or saved: on the page, its tasks on the board. */
  const planLanded = useCallback(
    (v: PlanView, message: string) => {
      plansState.upsertPlan(v.plan);
      v.tasks.forEach(state.upsertTask);
      setDialog(null);
      setPlanFilter(v.plan.id);
      openPlan(v.plan.id);
      toast('success', message);
    },
    [plansState, state.upsertTask, openPlan, toast],
  );
  const runDemo = useCallback(async () => {
    try {
      const demo = await api.call('demo.create', {});
      const [projects, view] = await Promise.all([api.call('projects.list', {}), api.call('plans.get', { planId: demo.planId })]);
      projects.forEach(state.addProject);
      plansState.upsertPlan(view.plan);
      view.tasks.forEach(state.upsertTask);
      setProjectId(demo.projectId);
      setOpenId(null);
      setSelectedId(null);
      setDialog(null);
      setPlanFilter(null);
      openPlan(demo.planId);
      toast('success', `The demo is running in ${demo.repo}, with the demo agent (a script, not a model) and auto-merge.`);
    } catch (err) {
      toast('error', `Could not start the demo: ${(err as Error).message}`);
    }
  }, [api, state.addProject, state.upsertTask, plansState, openPlan, toast]);

  const actions = useTaskActions({
    api,
    toast,
    onTaskChanged: state.upsertTask,
    openFlow: (kind, task) => setFlow({ kind, taskId: task.id }),
    onShellOpened: (task, session) => openTaskById(task.id, session),
  });

  const onMove = useCallback(
    (task: Task, move: BoardMove) => {
      if (move === 'start') void actions.start(task);
      else actions.flow('feedback', task);
    },
    [actions],
  );

  // On desktop, a clicked OS notification opens its task.
  useEffect(() => window.switchyard?.onOpenTask((taskId) => openTaskById(taskId)), [openTaskById]);

  // Notifications and the badge: a task starts needing input, or finishes.
  useEffect(() => {
    return api.transport.onEvent((e) => {
      // On desktop the main process shows OS notifications; the page shows them in a browser only.
      if (e.type !== 'attention' || !settings.settings?.notifications || api.transport.mode !== 'browser') return;
      notify(ATTENTION_TITLE[e.reason](e.title), e.detail, () => openTaskById(e.taskId));
    });
  }, [api, settings.settings?.notifications, openTaskById]);

  const step = useCallback(
    (delta: 1 | -1) => {
      if (ordered.length === 0) return;
      const cur = ordered.findIndex((t) => t.id === (selectedId ?? openId));
      const next = ordered[(cur + delta + ordered.length) % ordered.length]!;
      setSelectedId(next.id);
      if (openId) setOpenId(next.id);
      document.querySelector<HTMLElement>(`.card[data-task-id="${next.id}"]`)?.focus({ preventScroll: true });
    },
    [ordered, selectedId, openId],
  );

  const runTaskShortcut = useCallback(
    (key: string, t: Task): boolean => {
      switch (key) {
        case 's':
          if (canStart(t)) void actions.start(t);
          return true;
        case 'f':
          if (canFeedback(t)) actions.flow('feedback', t);
          return true;
        case 'm':
          if (canMerge(t)) actions.flow('merge', t);
          return true;
        case 'e':
          if (hasWorktree(t)) void actions.openInEditor(t);
          return true;
        case 't':
          openTaskById(t.id, 'agent');
          setFocusToken((n) => n + 1);
          return true;
        case 'd':
          openTaskById(t.id, 'changes');
          return true;
        case 'i':
          openTaskById(t.id, 'details');
          return true;
        case 'enter':
          openTaskById(t.id);
          return true;
      }
      return false;
    },
    [actions, openTaskById],
  );

  // The palette key is caught on the way down, before xterm.js would send it to the agent. In
  // a terminal on Linux and Windows it is Ctrl+Shift+K, so the shell keeps its own Ctrl-K; it
  // never replaces a dialog the user is typing in.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!isPaletteKey(e) || (dialog !== null && dialog !== 'palette') || flow) return;
      e.preventDefault();
      e.stopPropagation();
      setDialog((d) => (d === 'palette' ? null : 'palette'));
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dialog, flow]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      // The plan editor keeps the keyboard: no board shortcut may act on a hidden task or drop its edits.
      if (dialog || flow || editor || isTypingTarget(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 'n' && project) setDialog('new-task');
      else if (key === 'o') setDialog('open-repo');
      else if (e.key === '?') setDialog('help');
      else if (key === 'g') setView((v) => (v === 'board' ? 'grid' : 'board'));
      else if (key === 'j' || e.key === 'ArrowDown') step(1);
      else if (key === 'k' || e.key === 'ArrowUp') step(-1);
      else if (e.key === 'Escape') {
        // The editor is left with its own buttons: Escape must not drop edits.
        if (editor) return;
        if (openId) setOpenId(null);
        else setPlanPage(null);
      }
      else if (selectedTask && runTaskShortcut(key, selectedTask)) {
        /* handled */
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [project, dialog, flow, step, selectedTask, runTaskShortcut, openId, editor]);

  const resumable = useResumeSupport(api, selectedTask?.state === 'interrupted' ? selectedTask : null);

  const paletteItems = useMemo<PaletteItem[]>(() => {
    const items: PaletteItem[] = [];
    // The selected task's actions come first: they are what the user most likely wants.
    const t = selectedTask;
    if (t) {
      const g = `Task: ${t.title}`;
      if (t.state === 'interrupted' && resumable?.ok) items.push({ id: 'resume', group: g, label: 'Resume the agent', run: () => void actions.resume(t) });
      if (canStart(t)) items.push({ id: 'start', group: g, label: t.state === 'queued' ? 'Start' : 'Restart the agent', hint: 'S', run: () => void actions.start(t) });
      if (canFeedback(t)) items.push({ id: 'feedback', group: g, label: 'Send feedback', hint: 'F', run: () => actions.flow('feedback', t) });
      if (canMerge(t)) items.push({ id: 'merge', group: g, label: `Merge into ${t.baseBranch}`, hint: 'M', run: () => actions.flow('merge', t) });
      if (canRetry(t)) items.push({ id: 'retry', group: g, label: 'Retry task…', run: () => actions.flow('retry', t) });
      if (canVerify(t)) items.push({ id: 'verify', group: g, label: 'Verify now', run: () => (void actions.verify(t), openTaskById(t.id, 'checks')) });
      items.push({ id: 'checks', group: g, label: 'Checks: verify runs and reviewer verdicts', run: () => openTaskById(t.id, 'checks') });
      if (canEditChecks(t) && t.state !== 'queued') items.push({ id: 'edit-checks', group: g, label: 'Edit checks…', run: () => actions.flow('edit', t) });
      if (hasWorktree(t)) items.push({ id: 'editor', group: g, label: 'Open in editor', hint: 'E', run: () => void actions.openInEditor(t) });
      if (hasWorktree(t)) items.push({ id: 'shell', group: g, label: 'Open a shell in the worktree', run: () => void actions.openShell(t) });
      items.push({ id: 'diff', group: g, label: 'Open the diff', hint: 'D', run: () => openTaskById(t.id, 'changes') });
      items.push({ id: 'details', group: g, label: 'Details, runs and event log', hint: 'I', run: () => openTaskById(t.id, 'details') });
    }
    if (orphans.length > 0) {
      items.push({ id: 'orphans', group: 'Actions', label: `Sessions without a task (${orphans.length})…`, run: () => setDialog('orphans') });
    }
    if (project) items.push({ id: 'new-task', group: 'Actions', label: 'New task', hint: 'N', run: () => setDialog('new-task') });
    items.push(
      { id: 'open-repo', group: 'Actions', label: 'Open a repository', hint: 'O', run: () => setDialog('open-repo') },
      { id: 'view', group: 'Actions', label: view === 'board' ? 'Show the terminal grid' : 'Show the board', hint: 'G', run: () => setView(view === 'board' ? 'grid' : 'board') },
      { id: 'theme', group: 'Actions', label: `Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`, run: () => void settings.save({ theme: theme === 'dark' ? 'light' : 'dark' }) },
      { id: 'settings', group: 'Actions', label: 'Settings', run: () => setDialog('settings') },
      { id: 'agents', group: 'Actions', label: 'Agent profiles', run: () => setDialog('agents') },
      { id: 'help', group: 'Actions', label: 'Keyboard shortcuts', hint: '?', run: () => setDialog('help') },
      { id: 'archived', group: 'Actions', label: filters.showArchived ? 'Hide archived tasks' : 'Show archived tasks', run: () => setFilters((f) => ({ ...f, showArchived: !f.showArchived })) },
    );
    // The plan in view (its page, the board's filter, or the open task's) comes first among plans.
    const cur = scopePlans.find((x) => x.id === (planPage?.planId ?? boardPlan?.id ?? openTask?.plan?.planId));
    if (cur && canStartPlan(cur)) items.push({ id: 'plan-start', group: 'Plans', label: `${cur.status === 'paused' ? 'Resume plan' : cur.status === 'stopped' ? 'Start plan again' : 'Start plan'}: ${cur.name}`, run: () => void planActions.start(cur) });
    if (cur && canPausePlan(cur)) items.push({ id: 'plan-pause', group: 'Plans', label: `Pause plan: ${cur.name}`, run: () => void planActions.pause(cur) });
    if (cur && cur.status !== 'done') items.push({ id: 'plan-edit', group: 'Plans', label: `Edit plan: ${cur.name}`, run: () => openEditor({ planId: cur.id }) });
    if (project) {
      items.push(
        { id: 'plan-new', group: 'Plans', label: 'New plan…', run: () => openEditor({ planId: null, initial: emptyPlan() }) },
        { id: 'plan-agent', group: 'Plans', label: 'Plan with agent…', run: () => setDialog('planner') },
        { id: 'plan-import', group: 'Plans', label: 'Import plan…', run: () => setDialog('import-plan') },
      );
    }
    items.push({ id: 'demo', group: 'Plans', label: 'Try the demo', run: () => void runDemo() });
    items.push({ id: 'plans', group: 'Plans', label: 'Plans of this project', run: () => openPlan(null) });
    for (const x of scopePlans) items.push({ id: `plan-${x.id}`, group: 'Plans', label: `Open plan: ${x.name}`, hint: x.status, run: () => openPlan(x.id) });
    for (const task of inScope) items.push({ id: `task-${task.id}`, group: 'Go to task', label: task.title, run: () => openTaskById(task.id) });
    for (const p of state.projects) items.push({ id: `project-${p.id}`, group: 'Switch project', label: p.name, run: () => setProjectId(p.id) });
    if (state.projects.length > 1) items.push({ id: 'all-projects', group: 'Switch project', label: 'All projects', run: () => setProjectId(ALL_PROJECTS) });
    return items;
  }, [project, view, theme, settings, filters.showArchived, selectedTask, actions, inScope, state.projects, openTaskById, scopePlans, planPage, boardPlan, openTask, planActions, openPlan, openEditor, runDemo, orphans.length, resumable]);

  // The editor's plan and project: an existing plan's own, else the current project.
  const editorPlan = editor?.planId ? (plansState.plans.find((x) => x.id === editor.planId) ?? null) : null;
  const editorProject = editorPlan ? (projectsById.get(editorPlan.projectId) ?? null) : project;

  const flowTask = flow ? (state.tasks.get(flow.taskId) ?? null) : null;
  const needsInput = inScope.filter((t) => t.flags.needsInput).length;

  return (
    <div className="app">
      <TopBar
        projects={state.projects}
        projectId={effectiveProjectId}
        project={project}
        onSelectProject={(id) => {
          setProjectId(id);
          setOpenId(null);
          setSelectedId(null);
          setPlanFilter(null);
          setPlanPage(null);
          setEditor(null);
        }}
        onOpenRepository={() => setDialog('open-repo')}
        onNewTask={() => setDialog('new-task')}
        view={view}
        onView={(v) => {
          setView(v);
          setPlanPage(null);
        }}
        theme={theme}
        onToggleTheme={() => void settings.save({ theme: theme === 'dark' ? 'light' : 'dark' })}
        onOpenSettings={() => setDialog('settings')}
        onHelp={() => setDialog('help')}
        onPalette={() => setDialog('palette')}
        connection={state.connection}
        needsInput={needsInput}
        askNotifications={
          api.transport.mode === 'browser' && settings.settings?.notifications && notificationsSupported() && notificationPermission === 'default'
            ? () => void askNotificationPermission().then(setNotificationPermission)
            : null
        }
      />
      {state.loaded && <OrphanNotice orphans={orphans} onOpen={() => setDialog('orphans')} />}
      {!state.loaded ? (
        <div className="empty-state">Connecting to the engine…</div>
      ) : state.projects.length === 0 ? (
        <OpenRepository api={api} variant="page" onOpened={(p) => (state.addProject(p), setProjectId(p.id))} onDemo={runDemo} />
      ) : view === 'grid' ? (
        <main className="workspace">
          <GridView
            tasks={inScope}
            channel={channel}
            theme={theme}
            scrollback={scrollback}
            actions={actions}
            onOpenTask={(id) => {
              // One terminal, one view: the board's panel takes over from the grid's pane.
              setView('board');
              openTaskById(id);
            }}
          />
        </main>
      ) : (
        <main className={`workspace${openTask && !editor ? ' with-panel' : ''}${planPage ? ' plan-open' : ''}`}>
          {editor && editorProject && (!editor.planId || editorPlan) ? (
            <PlanEditor
              key={`${editor.planId ?? 'new'}-${editor.session ?? 0}`}
              api={api}
              project={editorProject}
              plan={editorPlan}
              initial={editor.initial}
              origin={editor.origin}
              notes={editor.notes}
              tasks={state.tasks}
              onClose={() => setEditor(null)}
              onCreated={(v) => planLanded(v, `Created “${v.plan.name}” with ${v.tasks.length} task${v.tasks.length === 1 ? '' : 's'}. It is a draft until you start it.`)}
              onSaved={(v) => planLanded(v, `Saved “${v.plan.name}”.`)}
            />
          ) : planPage ? (
            <PlanPage
              api={api}
              plans={scopePlans}
              planId={planPage.planId}
              tasks={state.tasks}
              openId={openId}
              actions={planActions}
              onSelectPlan={openPlan}
              onOpenTask={(id) => openTaskById(id)}
              onShowOnBoard={(id) => {
                setPlanFilter(id);
                setPlanPage(null);
              }}
              onImport={project ? () => setDialog('import-plan') : null}
              onNewPlan={project ? () => openEditor({ planId: null, initial: emptyPlan() }) : null}
              onPlanWithAgent={project ? () => setDialog('planner') : null}
              onEdit={(id) => openEditor({ planId: id })}
              onTasksLoaded={upsertTasks}
              onClose={() => setPlanPage(null)}
            />
          ) : (
            <div className="board-area">
              <ConfigTrust api={api} projectId={project?.id ?? null} refreshKey={state.connection} />
              <BoardToolbar filters={filters} onChange={setFilters} total={planScope.length} shown={boardTasks.length}>
                <PlanFilter
                  plans={scopePlans}
                  planId={boardPlan?.id ?? null}
                  onChange={setPlanFilter}
                  onOpenPlans={openPlan}
                  onImport={project ? () => setDialog('import-plan') : null}
                  unscoped={unscoped}
                />
              </BoardToolbar>
              <Board
                tasks={boardTasks}
                projects={allProjects ? projectsById : null}
                planNames={planNames}
                selectedId={selectedTask?.id ?? null}
                openId={openId}
                onSelect={setSelectedId}
                onOpen={(id) => openTaskById(id)}
                onMove={onMove}
                onNewTask={() => setDialog('new-task')}
                hasProject={project !== null}
                filteredOut={planScope.length > 0}
              />
            </div>
          )}
          {openTask && !editor && renderPanel(openTask)}
        </main>
      )}
      {dialog === 'new-task' && project && (
        <NewTaskDialog api={api} project={project} onClose={() => setDialog(null)} onCreated={(t) => (state.upsertTask(t), openTaskById(t.id, 'agent'), setDialog(null))} />
      )}
      {dialog === 'settings' && (
        <SettingsDialog api={api} settings={settings} onClose={() => setDialog(null)} onSaved={(m) => (toast('success', m), setDialog(null))} onOpenAgents={() => setDialog('agents')} onOpenTrust={project ? () => (setTrustAsking(null), setDialog('trust')) : undefined} />
      )}
      {dialog === 'import-plan' && project && (
        <ImportPlanDialog
          api={api}
          project={project}
          onClose={() => setDialog(null)}
          onImported={(v) => planLanded(v, `Imported “${v.plan.name}” with ${v.tasks.length} task${v.tasks.length === 1 ? '' : 's'}. It is a draft until you start it.`)}
          onEdit={(plan, origin) => openEditor({ planId: null, initial: plan, origin })}
        />
      )}
      {dialog === 'planner' && project && (
        <PlannerDialog api={api} project={project} onClose={() => setDialog(null)} onProposal={(plan, notes) => openEditor({ planId: null, initial: plan, origin: 'the agent’s proposal', notes })} />
      )}
      {dialog === 'agents' && <AgentSettings api={api} project={project} onClose={() => setDialog(null)} />}
      {dialog === 'trust' && project && (
        <TrustDialog
          api={api}
          project={project}
          asking={trustAsking}
          onClose={() => {
            setTrustAsking(null);
            setDialog(null);
          }}
        />
      )}
      {dialog === 'help' && <HelpOverlay onClose={() => setDialog(null)} />}
      {dialog === 'orphans' && (
        <OrphanSessionsDialog
          api={api}
          orphans={orphans}
          projects={projectsById}
          tasks={state.tasks}
          onClose={() => setDialog(null)}
          onKilled={orphansState.forget}
          onAdopted={(t, session) => {
            orphansState.forget(session);
            state.upsertTask(t);
            // Show the adopted task where it lives, with its terminal.
            if (!allProjects && t.projectId !== project?.id) setProjectId(t.projectId);
            setDialog(null);
            setView('board');
            setPlanPage(null);
            openTaskById(t.id, 'agent');
          }}
        />
      )}
      {dialog === 'palette' && <CommandPalette items={paletteItems} onClose={() => setDialog(null)} />}
      {dialog === 'open-repo' && (
        <OpenRepository
          api={api}
          variant="dialog"
          onClose={() => setDialog(null)}
          onOpened={(p) => {
            state.addProject(p);
            setProjectId(p.id);
            setOpenId(null);
            setDialog(null);
          }}
        />
      )}
      {flow && flowTask && flow.kind === 'merge' && flowTask.plan && (
        <PlanMergeFlow
          api={api}
          task={flowTask}
          plan={plansState.plans.find((x) => x.id === flowTask.plan!.planId) ?? null}
          onDone={(m) => (setFlow(null), m && toast('success', m))}
        />
      )}
      {flow && flowTask && ((flow.kind === 'merge' && !flowTask.plan) || flow.kind === 'cleanup' || flow.kind === 'discard') && (
        <MergeFlow api={api} task={flowTask} mode={flow.kind} onDone={(m) => (setFlow(null), m && toast('success', m))} />
      )}
      {flow && flowTask && flow.kind === 'feedback' && <FeedbackDialog api={api} task={flowTask} onClose={() => setFlow(null)} />}
      {flow && flowTask && flow.kind === 'retry' && (
        <RetryDialog
          api={api}
          task={flowTask}
          actions={actions}
          onClose={() => setFlow(null)}
          onDone={(t) => {
            setFlow(null);
            openTaskById(t.id, 'agent');
            if (t.id !== flowTask.id) toast('success', `Started a fresh attempt of “${t.title}”.`);
          }}
        />
      )}
      {flow && flowTask && flow.kind === 'edit' && (
        <EditTaskDialog api={api} task={flowTask} onClose={() => setFlow(null)} onSaved={(t) => (state.upsertTask(t), setFlow(null))} />
      )}
    </div>
  );

  function renderPanel(task: Task) {
    return (
      <TaskPanel
        key={task.id}
        api={api}
        channel={channel}
        task={task}
        theme={theme}
        scrollback={scrollback}
        tab={tab}
        onTab={setTab}
        actions={actions}
        onClose={() => setOpenId(null)}
        focusToken={focusToken}
        plan={task.plan ? (plansState.plans.find((x) => x.id === task.plan!.planId) ?? null) : null}
        onOpenPlan={openPlan}
      />
    );
  }
}
