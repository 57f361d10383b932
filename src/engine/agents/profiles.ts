/**
 * How a task's agent is launched: the argv to spawn, the profile's environment, and for agents
 * that take their prompt in their TUI, the text to type once they are up.
 */
import { builtinProfile } from '../../shared/agent-catalog';
import { MODEL_PLACEHOLDER, SESSION_PLACEHOLDER, TASK_COMMAND, isCustomAgent, type AgentProfile, type AgentSpec } from '../../shared/agents';
import type { HookWiring } from './wiring/hook-wiring';
import { SwitchyardError } from '../../shared/errors';
import { parseCommandLine, substitutePrompt } from '../../shared/command-line';
import { PROMPT_PLACEHOLDER } from '../../shared/task';
import { locateExecutable } from './detect';
import { resolveExecutable } from './resolve-executable';

export { loginShell } from './login-shell';

export interface AgentLaunch {
  file: string;
  args: string[];
  /** For agents that take the prompt in their TUI: what to type (and submit) after start. */
  typedPrompt: string | null;
  /** The profile's own environment, laid over the agent's. */
  env: Record<string, string>;
}

export interface LaunchOptions {
  /** Resume the agent's last session in this worktree, where its profile supports that. */
  resume?: boolean;
  /** The profile as merged with the user's overrides; without it, the built-in one. */
  profile?: AgentProfile;
  /** A non-interactive run (the agent works on the prompt, prints, and exits): a reviewer. */
  nonInteractive?: boolean;
  /** The agent's own session to resume, as its hooks reported it (with `resume`). */
  agentSession?: string | null;
  /** The agent's own hooks, wired for this launch. */
  hooks?: HookWiring | null;
}

export function buildLaunch(agent: AgentSpec, prompt: string, cwd: string, env: NodeJS.ProcessEnv = process.env, opts: LaunchOptions = {}): AgentLaunch {
  if (isCustomAgent(agent)) {
    const [exe, ...rest] = substitutePrompt(parseCommandLine(agent.command), prompt);
    return { file: resolveExecutable(exe!, cwd, env.PATH), args: rest, typedPrompt: null, env: {} };
  }
  const profile = opts.profile ?? builtinProfile(agent.profile);
  if (!profile || profile.id !== agent.profile) throw new SwitchyardError('agent-not-found', `there is no agent profile "${agent.profile}"`);
  if (profile.executable === TASK_COMMAND) throw new SwitchyardError('invalid-input', `the ${profile.name} profile needs a command line`);

  const launchEnv = { ...env, ...profile.env };
  const file = findProfileExecutable(profile, launchEnv);
  // A spec that asks for a run that exits gets the non-interactive arguments (never a resume).
  const once = !isCustomAgent(agent) && agent.interactive === false;
  const template = argsTemplate(profile, once ? { ...opts, nonInteractive: true } : opts);
  const hooks = opts.hooks ?? { args: [], env: {} };
  const profileEnv = { ...profile.env, ...hooks.env };
  // Hooks and trust, then the task's permission mode and model, then the profile's own.
  const front = [...hooks.args, ...choiceArgs(profile, agent)];
  if (profile.promptMode === 'none') return { file, args: [...front, ...template], typedPrompt: null, env: profileEnv };
  // Where the arguments have a place for the prompt it goes there, as one argv element; where
  // they do not (a TUI, or a resume command that takes none), it is typed in once the agent is up.
  const hasPlace = template.some((a) => a.includes(PROMPT_PLACEHOLDER));
  return {
    file,
    args: [...front, ...substitutePrompt(template, prompt)],
    typedPrompt: hasPlace || prompt.trim() === '' ? null : prompt,
    env: profileEnv,
  };
}

/** The arguments for the spec's permission mode (or the profile's default) and model; a clear error for one the profile lacks. */
export function choiceArgs(profile: AgentProfile, agent: AgentSpec): string[] {
  if (isCustomAgent(agent)) return [];
  const mode = agent.permissionMode ?? profile.defaultPermissionMode;
  const out: string[] = [];
  if (mode !== null && mode !== undefined) {
    const args = profile.permissionModes[mode];
    if (!args) {
      const known = Object.keys(profile.permissionModes);
      throw new SwitchyardError('invalid-input', `${profile.name} has no permission mode "${mode}"; ${known.length ? `its modes are ${known.join(', ')}` : 'it has none'}`);
    }
    out.push(...args);
  }
  if (agent.model) {
    if (!profile.modelArgs) throw new SwitchyardError('invalid-input', `${profile.name} has no way to choose a model here; leave the model empty, or set its model arguments in Settings → Agents`);
    out.push(...profile.modelArgs.map((a) => a.split(MODEL_PLACEHOLDER).join(agent.model!)));
  }
  return out;
}

/**
 * Which arguments: non-interactive; a resume of the agent's own session by its id, else of its
 * last session here; or a fresh interactive run (also for a profile that cannot resume).
 */
function argsTemplate(profile: AgentProfile, opts: LaunchOptions): string[] {
  if (opts.nonInteractive) return profile.nonInteractiveArgs;
  if (!opts.resume) return profile.interactiveArgs;
  if (opts.agentSession && profile.resumeSessionArgs) return profile.resumeSessionArgs.map((a) => a.split(SESSION_PLACEHOLDER).join(opts.agentSession!));
  return profile.resumeArgs ?? profile.interactiveArgs;
}

/** Where the profile's executable is; a missing agent is an error that says how to install it. */
function findProfileExecutable(profile: AgentProfile, env: NodeJS.ProcessEnv): string {
  const found = locateExecutable(profile.executable, env);
  if (found) return found;
  const where = profile.executable.startsWith('/') ? `${profile.executable} does not exist or is not executable` : `"${profile.executable}" was not found on PATH`;
  const how = profile.installHint ? ` Install it with: ${profile.installHint} —` : '';
  throw new SwitchyardError('agent-not-found', `${profile.name} is not installed: ${where}.${how} or set its executable in the Agents settings.`);
}
