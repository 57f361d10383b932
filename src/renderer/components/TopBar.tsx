import type { Project } from '../../shared/task';
import type { ConnectionState } from '../api/transport';
import type { ThemeName } from '../theme';
import { modKey } from '../keyboard';

export const ALL_PROJECTS = '*';

interface Props {
  projects: Project[];
  /** A project id, or ALL_PROJECTS. */
  projectId: string | null;
  project: Project | null;
  onSelectProject(id: string): void;
  onOpenRepository(): void;
  onNewTask(): void;
  view: 'board' | 'grid';
  onView(v: 'board' | 'grid'): void;
  theme: ThemeName;
  onToggleTheme(): void;
  onOpenSettings(): void;
  onHelp(): void;
  onPalette(): void;
  connection: ConnectionState;
  needsInput: number;
  /** Browser mode, notifications on, but the browser has not been asked yet. */
  askNotifications: (() => void) | null;
}

export function TopBar(p: Props) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ⇄
        </span>
        <span className="brand-name">Switchyard</span>
      </div>
      {p.projects.length > 0 && (
        <label className="project-switcher" title={p.project?.path}>
          <span className="sr-only">Project</span>
          <select value={p.projectId ?? ''} onChange={(e) => p.onSelectProject(e.target.value)} aria-label="Project">
            {p.projects.length > 1 && <option value={ALL_PROJECTS}>All projects</option>}
            {p.projects.map((proj) => (
              <option key={proj.id} value={proj.id}>
                {proj.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {p.project && (
        <span className="project-path" title={p.project.path}>
          {p.project.path}
        </span>
      )}
      {p.projects.length > 0 && (
        <div className="view-toggle" role="tablist" aria-label="View">
          <button role="tab" aria-selected={p.view === 'board'} className={p.view === 'board' ? 'active' : ''} onClick={() => p.onView('board')} title="Board (G)">
            Board
          </button>
          <button role="tab" aria-selected={p.view === 'grid'} className={p.view === 'grid' ? 'active' : ''} onClick={() => p.onView('grid')} title="Terminal grid (G)">
            Terminals
          </button>
        </div>
      )}
      <div className="topbar-spacer" />
      {p.needsInput > 0 && (
        <span className="attention-badge" title="Tasks waiting for your input">
          ● {p.needsInput} need{p.needsInput === 1 ? 's' : ''} input
        </span>
      )}
      {p.askNotifications && (
        <button className="btn btn-ghost btn-small" onClick={p.askNotifications} title="Let this browser tab tell you when a task needs input or finishes">
          Enable notifications
        </button>
      )}
      {p.connection !== 'open' && <span className="connection-badge">{p.connection === 'connecting' ? 'Connecting…' : 'Disconnected — retrying'}</span>}
      <button className="btn btn-ghost palette-hint" onClick={p.onPalette} title="Command palette">
        Search or run… <kbd>{modKey()} K</kbd>
      </button>
      <button className="btn btn-ghost" onClick={p.onOpenRepository} title="Open a repository (O)">
        Open repository
      </button>
      <button className="btn btn-primary" onClick={p.onNewTask} disabled={!p.project} title={p.project ? 'New task (N)' : 'Pick a project to create a task in'}>
        + New task <kbd>N</kbd>
      </button>
      <button className="btn btn-icon" onClick={p.onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
      <button className="btn btn-icon" onClick={p.onOpenSettings} aria-label="Settings" title="Settings">
        ⚙
      </button>
      <button className="btn btn-icon" onClick={p.onToggleTheme} aria-label={`Switch to ${p.theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle theme">
        {p.theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}
