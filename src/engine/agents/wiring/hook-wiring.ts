/**
 * Each agent's own hooks, wired by Switchyard at launch, per task, without touching the
 * repository or the user's configuration: a settings file passed by flag (Claude Code),
 * `-c` overrides (Codex), a system settings file named by an environment variable (Gemini
 * CLI), a plugin folder named by an environment variable (OpenCode). Every hook runs
 * `switchyard hook <event>`, which reports on the task named in the agent's environment, so
 * the generated files are the same for every task and live in `<data dir>/hooks`.
 *
 * Events: needs-input (a permission question), turn-end (the agent finished its turn: "your
 * turn"), working (a prompt was taken). See README "Agents" for what each CLI is given.
 */
import path from 'node:path';
import { claudeWiring } from './claude';
import { codexWiring } from './codex';
import { geminiWiring } from './gemini';
import { opencodeWiring } from './opencode';

export interface HookWiring {
  /** Arguments that go before the profile's own. */
  args: string[];
  /** Environment laid over the agent's. */
  env: Record<string, string>;
}

export interface WiringContext {
  /** Where the generated hook files are kept. */
  hooksDir: string;
  /** The `switchyard` launcher, by absolute path: hooks must not depend on the agent's PATH. */
  launcher: string;
  /** The environment the agent will run with (existing settings to carry over). */
  env: NodeJS.ProcessEnv;
  /** Whether this launch is interactive (a TUI) or runs the prompt and exits. */
  interactive: boolean;
}

/** The profiles Switchyard can wire, and how. */
const WIRINGS: Record<string, (ctx: WiringContext) => HookWiring> = {
  claude: claudeWiring,
  codex: codexWiring,
  gemini: geminiWiring,
  opencode: opencodeWiring,
};


/** The wiring for a profile, or null for agents without hooks (the screen heuristic watches those). */
export function wireHooks(profileId: string, ctx: WiringContext): HookWiring | null {
  const wire = WIRINGS[profileId];
  return wire ? wire(ctx) : null;
}

/** Agents whose terminal notifications (OSC 9) are their "needs input" hook, once wired. */
export const NOTIFICATION_MEANS_INPUT: readonly string[] = ['codex'];

export function hooksDir(dataDir: string): string {
  return path.join(dataDir, 'hooks');
}

/** A word for a POSIX shell (Claude Code and Gemini CLI run hook commands through one). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The shell command a hook runs for `event`. */
export function hookCommand(ctx: WiringContext, event: string): string {
  return `${shellWord(ctx.launcher)} hook ${event}`;
}
