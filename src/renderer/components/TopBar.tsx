import type { Project } from '../../shared/task';
import type { ConnectionState } from '../api/transport';
import type { ThemeName } from '../theme';

interface Props {
  projects: Project[];
  project: Project | null;
  onSelectProject(id: string): void;
  onOpenRepository(): void;
  onNewTask(): void;
  theme: ThemeName;
  onToggleTheme(): void;
  onOpenSettings(): void;
  connection: ConnectionState;
}

export function TopBar(p: Props) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden>⇄</span>
        <span className="brand-name">Switchyard</span>
      </div>
      {p.projects.length > 0 && (
        <label className="project-switcher" title={p.project?.path}>
          <span className="sr-only">Project</span>
          <select value={p.project?.id ?? ''} onChange={(e) => p.onSelectProject(e.target.value)} aria-label="Project">
            {p.projects.map((proj) => (
              <option key={proj.id} value={proj.id}>
                {proj.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {p.project && <span className="project-path" title={p.project.path}>{p.project.path}</span>}
      <div className="topbar-spacer" />
      {p.connection !== 'open' && <span className="connection-badge">{p.connection === 'connecting' ? 'Connecting…' : 'Disconnected — retrying'}</span>}
      <button className="btn btn-ghost" onClick={p.onOpenRepository} title="Open a repository (O)">
        Open repository
      </button>
      <button className="btn btn-primary" onClick={p.onNewTask} disabled={!p.project} title="New task (N)">
        + New task <kbd>N</kbd>
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
