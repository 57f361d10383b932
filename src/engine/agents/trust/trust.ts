/**
 * Trust, asked once per repository: "let agents work in this repository's task worktrees
 * without asking each time". Each agent that asks about folder trust is answered per launch,
 * by a switch where it has one and by a file only where it has none:
 * - Codex: `-c projects={"<main checkout>"={trust_level="trusted"}}` (an inline table: `-c`
 *   splits keys on dots); Codex resolves a worktree to its main checkout.
 * - Gemini CLI: GEMINI_CLI_TRUST_WORKSPACE=true.
 * - Claude Code: one key in ~/.claude.json for the main checkout (claude-trust-file.ts).
 * OpenCode does not ask.
 */
import { claudeConfigFile, claudeTrusts, setClaudeTrust } from './claude-trust-file';

export const TRUST_ASKING_AGENTS = ['claude', 'codex', 'gemini'] as const;
export type TrustAskingAgent = (typeof TRUST_ASKING_AGENTS)[number];

export function asksAboutTrust(profileId: string): profileId is TrustAskingAgent {
  return (TRUST_ASKING_AGENTS as readonly string[]).includes(profileId);
}

/** What trusting means for each agent, in the words the question shows. */
export function trustDescription(agent: TrustAskingAgent, checkout: string, env: NodeJS.ProcessEnv): string {
  switch (agent) {
    case 'claude':
      return `Claude Code has no switch for this: Switchyard writes one entry in ${claudeConfigFile(env)} (projects["${checkout}"].hasTrustDialogAccepted = true) and keeps everything else in that file as it is. Claude then trusts this repository's main checkout and its worktrees, also outside Switchyard. Undo removes the entry.`;
    case 'codex':
      return `Codex is told at each launch that ${checkout} is trusted (-c projects={…={trust_level="trusted"}}). Nothing is written.`;
    case 'gemini':
      return 'Gemini CLI is told at each launch to trust the task worktree (GEMINI_CLI_TRUST_WORKSPACE=true). Nothing is written.';
  }
}

export interface TrustLaunch {
  args: string[];
  env: Record<string, string>;
}

/**
 * What a launch of a trusted agent gets; for Claude, the file entry made sure of (again:
 * Claude may have rewritten its file since).
 */
export function applyTrust(agent: TrustAskingAgent, checkout: string, env: NodeJS.ProcessEnv): TrustLaunch {
  switch (agent) {
    case 'codex':
      return { args: ['-c', `projects={${JSON.stringify(checkout)}={trust_level="trusted"}}`], env: {} };
    case 'gemini':
      return { args: [], env: { GEMINI_CLI_TRUST_WORKSPACE: 'true' } };
    case 'claude': {
      const file = claudeConfigFile(env);
      if (!claudeTrusts(file, checkout)) setClaudeTrust(file, checkout, true);
      return { args: [], env: {} };
    }
  }
}

/** Undoes what trusting wrote (only Claude's entry). */
export function undoTrust(agent: TrustAskingAgent, checkout: string, env: NodeJS.ProcessEnv): void {
  if (agent === 'claude') setClaudeTrust(claudeConfigFile(env), checkout, null);
}
