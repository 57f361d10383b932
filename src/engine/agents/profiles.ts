/**
 * How a task's agent is launched: the argv to spawn, and for agents that take their prompt in
 * their TUI, the text to type once they are up.
 */
import fs from 'node:fs';
import { isCustomAgent, type AgentSpec } from '../../shared/agents';
import { SwitchyardError } from '../../shared/errors';
import { parseCommandLine, substitutePrompt } from '../../shared/command-line';
import { resolveExecutable } from './resolve-executable';

export interface AgentLaunch {
  file: string;
  args: string[];
  /** For agents that take the prompt in their TUI: what to type (and submit) after start. */
  typedPrompt: string | null;
}

export interface LaunchOptions {
  /** Resume the agent's last session in this worktree, where its profile supports that. */
  resume?: boolean;
}

export function loginShell(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SHELL, '/bin/bash', '/bin/zsh', '/bin/sh'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return '/bin/sh';
}

export function buildLaunch(agent: AgentSpec, prompt: string, cwd: string, env: NodeJS.ProcessEnv = process.env, _opts: LaunchOptions = {}): AgentLaunch {
  if (isCustomAgent(agent)) {
    const [exe, ...rest] = substitutePrompt(parseCommandLine(agent.command), prompt);
    return { file: resolveExecutable(exe!, cwd, env.PATH), args: rest, typedPrompt: null };
  }
  if (agent.profile === 'shell') return { file: loginShell(env), args: ['-l'], typedPrompt: null };
  throw new SwitchyardError('agent-not-found', `there is no agent profile "${agent.profile}"`);
}
