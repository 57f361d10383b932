/**
 * Agent profiles: how each coding agent is launched. A profile names its executable, how the
 * prompt reaches it (as an argument, typed into its TUI after start, or not at all), its flags
 * for interactive and non-interactive runs, and how to resume its last session.
 */
import { z } from 'zod';
import { PROMPT_PLACEHOLDER } from './task';

export const PROMPT_MODES = ['argument', 'typed', 'none'] as const;
export type PromptMode = (typeof PROMPT_MODES)[number];

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and _');
const arg = z.string().max(8192).refine((a) => !a.includes('\0'), 'an argument cannot hold a NUL byte');
export const profileIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'profile ids are lower-case letters, digits and -');

export const agentProfileSchema = z
  .object({
    id: profileIdSchema,
    name: z.string().trim().min(1).max(60),
    /** A name looked up on PATH, or an absolute path. */
    executable: z.string().trim().min(1).max(4096),
    promptMode: z.enum(PROMPT_MODES),
    /** Arguments for an interactive run; with promptMode "argument", {prompt} marks where the prompt goes. */
    interactiveArgs: z.array(arg).max(100),
    /** Arguments for a non-interactive run (the agent works, then exits). */
    nonInteractiveArgs: z.array(arg).max(100),
    /** Arguments that resume the agent's last session in this worktree, or null if it cannot. */
    resumeArgs: z.array(arg).max(100).nullable(),
    versionArgs: z.array(arg).max(10),
    installHint: z.string().max(500),
    /** One line on wiring the agent's own hooks to `switchyard notify`. */
    hooksHint: z.string().max(1000),
    env: z.record(envName, z.string().max(32_768)),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.promptMode === 'argument' && ![...p.interactiveArgs].some((a) => a.includes(PROMPT_PLACEHOLDER))) {
      ctx.addIssue({ code: 'custom', path: ['interactiveArgs'], message: `a profile that passes the prompt as an argument needs ${PROMPT_PLACEHOLDER} in its interactive arguments` });
    }
  });

export type AgentProfile = z.infer<typeof agentProfileSchema>;

/** What a task records about its agent: a profile id, or a custom command line. */
export const agentSpecSchema = z.union([
  z.object({ profile: z.literal('custom'), command: z.string().trim().min(1, 'a custom agent needs a command line').max(8192) }).strict(),
  z.object({ profile: profileIdSchema.refine((id) => id !== 'custom', 'use a command line for a custom agent') }).strict(),
]);
export type AgentSpec = z.infer<typeof agentSpecSchema>;

/** A profile as this machine has it: installed or not, where, and which version. */
export interface DetectedAgent {
  profile: AgentProfile;
  installed: boolean;
  path: string | null;
  version: string | null;
  /** Where the profile comes from: built in, or overridden in the settings file. */
  source: 'builtin' | 'global' | 'repository';
}

export type CustomAgentSpec = { profile: 'custom'; command: string };

export function isCustomAgent(spec: AgentSpec): spec is CustomAgentSpec {
  return spec.profile === 'custom' && 'command' in spec;
}
