/**
 * Editors Switchyard can open a worktree in, found on PATH. Platform-specific knowledge (names
 * of launchers, the file-manager fallback) lives here and nowhere else.
 */
import type { DetectedEditor } from '../../shared/contract';
import { findOnPath } from '../agents/resolve-executable';

interface EditorCandidate {
  id: string;
  name: string;
  kind: 'gui' | 'terminal';
  /** Launcher names, tried in order. */
  executables: string[];
}

export const EDITOR_CANDIDATES: EditorCandidate[] = [
  { id: 'vscode', name: 'VS Code', kind: 'gui', executables: ['code', 'code-insiders', 'codium'] },
  { id: 'cursor', name: 'Cursor', kind: 'gui', executables: ['cursor'] },
  { id: 'zed', name: 'Zed', kind: 'gui', executables: ['zed', 'zeditor'] },
  { id: 'idea', name: 'IntelliJ IDEA', kind: 'gui', executables: ['idea', 'idea.sh', 'intellij-idea-ultimate', 'intellij-idea-community'] },
  { id: 'webstorm', name: 'WebStorm', kind: 'gui', executables: ['webstorm', 'webstorm.sh'] },
  { id: 'pycharm', name: 'PyCharm', kind: 'gui', executables: ['pycharm', 'pycharm.sh', 'charm'] },
  { id: 'goland', name: 'GoLand', kind: 'gui', executables: ['goland', 'goland.sh'] },
  { id: 'rustrover', name: 'RustRover', kind: 'gui', executables: ['rustrover', 'rustrover.sh'] },
  { id: 'clion', name: 'CLion', kind: 'gui', executables: ['clion', 'clion.sh'] },
  { id: 'rider', name: 'Rider', kind: 'gui', executables: ['rider', 'rider.sh'] },
  { id: 'phpstorm', name: 'PhpStorm', kind: 'gui', executables: ['phpstorm', 'phpstorm.sh'] },
  { id: 'rubymine', name: 'RubyMine', kind: 'gui', executables: ['rubymine', 'rubymine.sh'] },
  { id: 'sublime', name: 'Sublime Text', kind: 'gui', executables: ['subl', 'sublime_text'] },
  { id: 'neovim', name: 'Neovim', kind: 'terminal', executables: ['nvim'] },
];

/** The OS file manager, the fallback when no editor is installed. */
export function fileManager(platform = process.platform): { id: string; name: string; executable: string } {
  return platform === 'darwin' ? { id: 'finder', name: 'Finder', executable: 'open' } : { id: 'file-manager', name: 'File manager', executable: 'xdg-open' };
}

export function detectEditors(envPath = process.env.PATH ?? '', platform = process.platform): DetectedEditor[] {
  const found: DetectedEditor[] = EDITOR_CANDIDATES.map((c) => {
    const hit = c.executables.map((e) => findOnPath(e, envPath)).find((p) => p !== null) ?? null;
    return { id: c.id, name: c.name, kind: c.kind, installed: hit !== null, path: hit };
  });
  const fm = fileManager(platform);
  const fmPath = findOnPath(fm.executable, envPath);
  found.push({ id: fm.id, name: fm.name, kind: 'file-manager', installed: fmPath !== null, path: fmPath });
  return found;
}
