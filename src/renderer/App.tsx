import { useEffect, useMemo, useState } from 'react';
import type { Api } from './api/client';
import { TerminalChannel } from './terminal/channel';
import { useEngineState } from './use-engine-state';
import { applyTheme, initialTheme, type ThemeName } from './theme';
import { ToastProvider } from './toasts';
import { TopBar } from './components/TopBar';
import { Board } from './components/Board';
import { OpenRepository } from './components/OpenRepository';
import { NewTaskDialog } from './components/NewTaskDialog';
import { TaskPanel } from './components/TaskPanel';
import { SettingsDialog } from './components/SettingsDialog';
import { useToast } from './toasts';
import { isTypingTarget } from './keyboard';

const PROJECT_KEY = 'switchyard.project';

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

function Cockpit({ api }: { api: Api }) {
  const state = useEngineState(api);
  const channel = useMemo(() => new TerminalChannel(api.transport), [api]);
  const [theme, setTheme] = useState<ThemeName>(initialTheme);
  const [projectId, setProjectId] = useState<string | null>(() => localStorage.getItem(PROJECT_KEY));
  const [selectedTaskId, setSelectedTaskId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'new-task' | 'open-repo' | 'settings' | null>(null);
  const toast = useToast();

  useEffect(() => applyTheme(theme), [theme]);

  // Keep the chosen project valid as projects load.
  const project = state.projects.find((p) => p.id === projectId) ?? state.projects[0] ?? null;
  useEffect(() => {
    if (project) localStorage.setItem(PROJECT_KEY, project.id);
  }, [project]);

  const tasks = useMemo(() => [...state.tasks.values()].filter((t) => t.projectId === project?.id), [state.tasks, project]);
  const selected = selectedTaskId ? (state.tasks.get(selectedTaskId) ?? null) : null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (isTypingTarget(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'n' && project) {
        e.preventDefault();
        setDialog('new-task');
      } else if (e.key === 'o') {
        e.preventDefault();
        setDialog('open-repo');
      } else if (e.key === 'Escape' && !dialog) {
        setSelectedTaskId(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [project, dialog]);

  return (
    <div className="app">
      <TopBar
        projects={state.projects}
        project={project}
        onSelectProject={(id) => {
          setProjectId(id);
          setSelectedTaskId(null);
        }}
        onOpenRepository={() => setDialog('open-repo')}
        onNewTask={() => setDialog('new-task')}
        theme={theme}
        onToggleTheme={() => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))}
        onOpenSettings={() => setDialog('settings')}
        connection={state.connection}
      />
      {!state.loaded ? (
        <div className="empty-state">Connecting to the engine…</div>
      ) : !project ? (
        <OpenRepository api={api} variant="page" onOpened={(p) => { state.addProject(p); setProjectId(p.id); }} />
      ) : (
        <main className={`workspace${selected ? ' with-panel' : ''}`}>
          <Board tasks={tasks} selectedId={selected?.id ?? null} onSelect={setSelectedTaskId} onNewTask={() => setDialog('new-task')} />
          {selected && (
            <TaskPanel
              key={selected.id}
              api={api}
              channel={channel}
              task={selected}
              theme={theme}
              onTaskChanged={state.upsertTask}
              onClose={() => setSelectedTaskId(null)}
            />
          )}
        </main>
      )}
      {dialog === 'new-task' && project && (
        <NewTaskDialog
          api={api}
          project={project}
          onClose={() => setDialog(null)}
          onCreated={(t) => {
            state.upsertTask(t);
            setSelectedTaskId(t.id);
            setDialog(null);
          }}
        />
      )}
      {dialog === 'settings' && (
        <SettingsDialog
          api={api}
          onClose={() => setDialog(null)}
          onSaved={(message) => {
            toast('success', message);
            setDialog(null);
          }}
        />
      )}
      {dialog === 'open-repo' && (
        <OpenRepository
          api={api}
          variant="dialog"
          onClose={() => setDialog(null)}
          onOpened={(p) => {
            state.addProject(p);
            setProjectId(p.id);
            setSelectedTaskId(null);
            setDialog(null);
          }}
        />
      )}
    </div>
  );
}
