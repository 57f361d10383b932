/**
 * Opens a worktree in the user's editor: a GUI editor or the file manager is spawned detached
 * with execFile-style argv; a terminal editor opens in a Switchyard terminal tab instead.
 */
import { spawn } from 'node:child_process';
import type { DetectedEditor, OpenedIn, Settings } from '../../shared/contract';
import { parseCommandLine } from '../../shared/command-line';
import { SwitchyardError } from '../../shared/errors';
import type { TerminalInfo } from '../../shared/task';
import { resolveExecutable } from '../agents/resolve-executable';
import { detectEditors } from './detect';

export const CUSTOM_EDITOR_ID = 'custom';
const PATH_PLACEHOLDER = '{path}';

export interface OpenDeps {
  openTerminal(file: string, args: string[], title: string): Promise<TerminalInfo>;
}

/** The editor to use: the one asked for, else the configured one, else the first installed. */
export function chooseEditor(editors: DetectedEditor[], settings: Pick<Settings, 'editor' | 'editorCommand'>, requested?: string): DetectedEditor {
  const want = requested ?? settings.editor ?? (settings.editorCommand ? CUSTOM_EDITOR_ID : undefined);
  if (want === CUSTOM_EDITOR_ID) {
    if (!settings.editorCommand) throw new SwitchyardError('invalid-input', 'no custom editor command is set; add one in Settings');
    return { id: CUSTOM_EDITOR_ID, name: 'Custom command', kind: 'custom', installed: true, path: null };
  }
  if (want) {
    const e = editors.find((x) => x.id === want);
    if (!e) throw new SwitchyardError('invalid-input', `unknown editor "${want}"`);
    if (!e.installed) throw new SwitchyardError('agent-not-found', `${e.name} is not installed (not found on PATH)`);
    return e;
  }
  const first = editors.find((e) => e.installed && e.kind === 'gui') ?? editors.find((e) => e.installed);
  if (!first) throw new SwitchyardError('agent-not-found', 'no editor or file manager was found on PATH; set a custom editor command in Settings');
  return first;
}

function spawnDetached(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: 'ignore' });
    child.once('error', (err) => reject(new SwitchyardError('agent-not-found', `could not start ${file}: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

export async function openInEditor(worktreePath: string, settings: Settings, deps: OpenDeps, requested?: string): Promise<OpenedIn> {
  const editor = chooseEditor(detectEditors(), settings, requested);
  if (editor.kind === 'custom') {
    const argv = parseCommandLine(settings.editorCommand!).map((a) => a.split(PATH_PLACEHOLDER).join(worktreePath));
    if (!settings.editorCommand!.includes(PATH_PLACEHOLDER)) argv.push(worktreePath);
    const [exe, ...args] = argv;
    await spawnDetached(resolveExecutable(exe!, worktreePath), args);
    return { editor: editor.id, kind: 'custom', terminal: null };
  }
  if (editor.kind === 'terminal') {
    const terminal = await deps.openTerminal(editor.path!, ['.'], editor.name);
    return { editor: editor.id, kind: 'terminal', terminal };
  }
  await spawnDetached(editor.path!, [worktreePath]);
  return { editor: editor.id, kind: editor.kind, terminal: null };
}
