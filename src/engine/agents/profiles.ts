/**
 * Agent profiles: how a task's agent is launched. This version has two:
 *   shell  — the user's interactive login shell; needs nothing installed.
 *   custom — any command line, with {prompt} standing for the prompt as one argv element.
 */
import fs from 'node:fs';
import { SwitchyardError } from '../../shared/errors';
import type { AgentSpec } from '../../shared/task';
import { parseCommandLine, substitutePrompt } from '../../shared/command-line';
import { resolveExecutable } from './resolve-executable';

export interface AgentLaunch {
  file: string;
  args: string[];
}

export function loginShell(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SHELL, '/bin/bash', '/bin/zsh', '/bin/sh'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return '/bin/sh';
}

export function buildLaunch(agent: AgentSpec, prompt: string, cwd: string, env: NodeJS.ProcessEnv = process.env): AgentLaunch {
  switch (agent.profile) {
    case 'shell':
      return { file: loginShell(env), args: ['-l'] };
    case 'custom': {
      if (!agent.command) throw new SwitchyardError('invalid-input', 'a custom agent needs a command line');
      const [exe, ...rest] = substitutePrompt(parseCommandLine(agent.command), prompt);
      return { file: resolveExecutable(exe!, cwd, env.PATH), args: rest };
    }
  }
}
