/**
 * Gemini CLI: hooks in a system settings file named by GEMINI_CLI_SYSTEM_SETTINGS_PATH.
 * That file replaces the machine's own system settings, so whatever those held is carried
 * over into the generated file, and the system defaults keep their own path. Hook arrays are
 * combined with the user's and the workspace's. Notification fires as a tool waits for
 * approval, AfterAgent when a turn ends, BeforeAgent when a prompt is taken. Gemini runs no
 * hook in a folder it does not trust (trust.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { hookCommand, type HookWiring, type WiringContext } from './hook-wiring';
import { writeIfChanged } from './write-if-changed';

const TIMEOUT_MS = 15_000;

/** Where Gemini CLI reads system settings when nothing says otherwise. */
export function defaultSystemSettingsPath(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return '/Library/Application Support/GeminiCli/settings.json';
  if (platform === 'win32') return 'C:\\ProgramData\\gemini-cli\\settings.json';
  return '/etc/gemini-cli/settings.json';
}

type Settings = Record<string, unknown>;

function readSettings(file: string): Settings {
  try {
    const v: unknown = parseJsonc(fs.readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Settings) : {};
  } catch {
    return {};
  }
}

/** The system settings Gemini would have read, with our hooks added to theirs. */
export function geminiSystemSettings(ctx: WiringContext, existing: Settings): Settings {
  const ours: Record<string, unknown[]> = {
    Notification: [{ hooks: [{ type: 'command', name: 'switchyard-needs-input', command: hookCommand(ctx, 'needs-input'), timeout: TIMEOUT_MS }] }],
    AfterAgent: [{ hooks: [{ type: 'command', name: 'switchyard-turn-end', command: hookCommand(ctx, 'turn-end'), timeout: TIMEOUT_MS }] }],
    BeforeAgent: [{ hooks: [{ type: 'command', name: 'switchyard-working', command: hookCommand(ctx, 'working'), timeout: TIMEOUT_MS }] }],
  };
  const theirs = typeof existing.hooks === 'object' && existing.hooks !== null ? (existing.hooks as Record<string, unknown>) : {};
  const hooks: Record<string, unknown> = { ...theirs };
  for (const [event, defs] of Object.entries(ours)) hooks[event] = [...(Array.isArray(theirs[event]) ? (theirs[event] as unknown[]) : []), ...defs];
  return { ...existing, hooks };
}

/**
 * Gemini CLI skips a system settings file when the file or any folder above it is writable by
 * group or others (say, a data folder under /tmp): the hooks would silently not run. Say so.
 */
export function insecureAncestor(file: string): string | null {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    try {
      if ((fs.statSync(dir).mode & 0o022) !== 0) return dir;
    } catch {
      // not there yet: it is made with our own mode
    }
    if (path.dirname(dir) === dir) return null;
  }
}

export function geminiWiring(ctx: WiringContext): HookWiring {
  const insecure = insecureAncestor(path.join(ctx.hooksDir, 'gemini-system-settings.json'));
  if (insecure) throw new Error(`Gemini CLI ignores a settings file under ${insecure}, which others can write to; move Switchyard's data folder elsewhere to have Gemini's hooks wired`);
  const original = ctx.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH || defaultSystemSettingsPath();
  const file = path.join(ctx.hooksDir, 'gemini-system-settings.json');
  // Ours, if an earlier wiring's path leaked into this environment: never read it as theirs.
  const existing = path.resolve(original) === path.resolve(file) ? {} : readSettings(original);
  writeIfChanged(file, `${JSON.stringify(geminiSystemSettings(ctx, existing), null, 2)}\n`);
  const env: Record<string, string> = { GEMINI_CLI_SYSTEM_SETTINGS_PATH: file };
  // Moving the settings would move the system defaults beside them; keep those where they were.
  if (!ctx.env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH) env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH = path.join(path.dirname(original), 'system-defaults.json');
  return { args: [], env };
}
