import type { Project } from '../../shared/task';
import type { ConnectionState } from '../api/transport';
import type { ThemeName } from '../theme';

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
      {p.connection !== 'open' && <span className="connection-badge">{p.connection === 'connecting' ? 'Connecting…' : 'Disconnected — retrying'}</span>}
      <button className="btn btn-ghost palette-hint" onClick={p.onPalette} title="Command palette">
        Search or run… <kbd>Ctrl K</kbd>
      </button>
      <button className="btn btn-ghost" onClick={p.onOpenRepository} title="Open a repository (O)">
        Open repository
      </button>
      <button className="btn btn-primary" onClick={p.onNewTask} disabled={!p.project} title="New task (N)">
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
