/**
 * Agent profiles: how each coding agent is launched. A profile names its executable, how the
 * prompt reaches it (as an argument, typed into its TUI after start, or not at all), its flags
 * for interactive and non-interactive runs, and how to resume its last session.
 */
import { z } from 'zod';
import { PROMPT_PLACEHOLDER } from './task';

export const PROMPT_MODES = ['argument', 'typed', 'none'] as const;
export type PromptMode = (typeof PROMPT_MODES)[number];

/** Environment names are checked here (not as record keys) so the error names the variable plainly. */
const envSchema = z.record(z.string(), z.string().max(32_768)).superRefine((env, ctx) => {
  for (const name of Object.keys(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not an environment variable name: use letters, digits and _, not starting with a digit` });
    } else if (name.startsWith('SWITCHYARD_')) {
      // These identify the task to `switchyard notify`; a profile must not be able to forge them.
      ctx.addIssue({ code: 'custom', path: [name], message: `${name}: SWITCHYARD_* variables are set by Switchyard itself` });
    }
  }
});
const arg = z.string().max(8192).refine((a) => !a.includes('\0'), 'an argument cannot hold a NUL byte');
export const profileIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'profile ids are lower-case letters, digits and -');

/** The fields of a profile, before the cross-field rule: overrides patch a subset of these. */
const agentProfileShape = z
  .object({
    id: profileIdSchema,
    name: z.string().trim().min(1).max(60),
    /** A name looked up on PATH, or an absolute path. */
    executable: z
      .string()
      .trim()
      .min(1)
      .max(4096)
      .refine((e) => !/[\0\r\n]/.test(e), 'an executable cannot hold NUL or line breaks')
      // Relative paths would depend on which worktree the agent starts in.
      .refine((e) => !e.includes('/') || e.startsWith('/'), 'the executable is a name looked up on PATH, or an absolute path'),
    promptMode: z.enum(PROMPT_MODES),
    /** Arguments for an interactive run; with promptMode "argument", {prompt} marks where the prompt goes. */
    interactiveArgs: z.array(arg).max(100),
    /** Arguments for a non-interactive run (the agent works, then exits). */
    nonInteractiveArgs: z.array(arg).max(100),
    /** Arguments that resume the agent's last session in this worktree, or null if it cannot. */
    resumeArgs: z.array(arg).max(100).nullable(),
    /**
     * Arguments that resume one session by its id ({session}), as the agent's hooks reported it;
     * null: resume uses resumeArgs. Two tasks of one agent never resume each other's session.
     */
    resumeSessionArgs: z.array(arg).max(100).nullable(),
    versionArgs: z.array(arg).max(10),
    installHint: z.string().max(500),
    /** One line on the agent's hooks: what Switchyard wires, or how to wire them by hand. */
    hooksHint: z.string().max(1000),
    /** Switchyard wires the agent's own hooks at launch, where it knows how (Claude Code, Codex, Gemini CLI, OpenCode). */
    wireHooks: z.boolean(),
    /** Arguments that choose a model ({model}); null: the agent has no such switch. */
    modelArgs: z.array(arg).max(10).nullable(),
    /** Permission modes a task can choose, by name, with the arguments each takes ([] for the agent's own default). */
    permissionModes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/), z.array(arg).max(10)),
    /** The mode a task gets when it names none (a key of permissionModes), or null. */
    defaultPermissionMode: z.string().max(40).nullable(),
    env: envSchema,
  })
  .strict();

/** The profiles whose own hooks Switchyard wires at launch (engine/agents/wiring). */
export const WIRABLE_PROFILES: readonly string[] = ['claude', 'codex', 'gemini', 'opencode'];

/** Fields a new profile may leave out: they have defaults. */
export const OPTIONAL_PROFILE_FIELDS: readonly string[] = ['resumeSessionArgs', 'wireHooks', 'modelArgs', 'permissionModes', 'defaultPermissionMode'];

/** Where modelArgs put the task's model. */
export const MODEL_PLACEHOLDER = '{model}';
/** A model name as agents take it: "sonnet", "gpt-5.5", "provider/model", "sonnet[1m]"; never an option. */
export const modelNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@[\]-]{0,127}$/, 'a model name is letters, digits and . _ : / @ [ ] -, starting with a letter or digit');

/** Where resumeSessionArgs put the agent's session id. */
export const SESSION_PLACEHOLDER = '{session}';

/** A whole profile: fields added since the first version have defaults, so older files still read. */
export const agentProfileSchema = agentProfileShape
  .extend({
    resumeSessionArgs: agentProfileShape.shape.resumeSessionArgs.default(null),
    wireHooks: agentProfileShape.shape.wireHooks.default(true),
    modelArgs: agentProfileShape.shape.modelArgs.default(null),
    permissionModes: agentProfileShape.shape.permissionModes.default({}),
    defaultPermissionMode: agentProfileShape.shape.defaultPermissionMode.default(null),
  })
  .superRefine((p, ctx) => {
  if (p.defaultPermissionMode !== null && !(p.defaultPermissionMode in p.permissionModes)) {
    ctx.addIssue({ code: 'custom', path: ['defaultPermissionMode'], message: `"${p.defaultPermissionMode}" is not one of the permission modes (${Object.keys(p.permissionModes).join(', ') || 'none'})` });
  }
  if (p.modelArgs && !p.modelArgs.some((a) => a.includes(MODEL_PLACEHOLDER))) {
    ctx.addIssue({ code: 'custom', path: ['modelArgs'], message: `the model arguments need ${MODEL_PLACEHOLDER}` });
  }
  if (p.promptMode === 'argument' && !p.interactiveArgs.some((a) => a.includes(PROMPT_PLACEHOLDER))) {
    ctx.addIssue({ code: 'custom', path: ['interactiveArgs'], message: `a profile that passes the prompt as an argument needs ${PROMPT_PLACEHOLDER} in its interactive arguments` });
  }
});

export type AgentProfile = z.infer<typeof agentProfileSchema>;

/**
 * An override in the settings file: any subset of a profile's fields (the id is its key). It
 * patches the profile beneath it; a new id must add up to a complete profile.
 */
export const agentProfilePatchSchema = agentProfileShape.omit({ id: true }).partial().strict();
export type AgentProfilePatch = z.infer<typeof agentProfilePatchSchema>;

/** Overrides for one scope (global, or one repository): profile id → patch. */
export const agentOverridesSchema = z.record(profileIdSchema, agentProfilePatchSchema);
export type AgentOverrides = z.infer<typeof agentOverridesSchema>;

/** The profile ids with a meaning of their own: a per-task command line, and the login shell. */
export const CUSTOM_PROFILE_ID = 'custom';
export const SHELL_PROFILE_ID = 'shell';
/** An executable that stands for the user's login shell ($SHELL, else bash, zsh, sh). */
export const LOGIN_SHELL = '$SHELL';
/** The custom profile's executable: the task's own command line. */
export const TASK_COMMAND = '{command}';

/** What a task records about its agent: a profile id, or a custom command line. */
export const agentSpecSchema = z.union([
  z.object({ profile: z.literal('custom'), command: z.string().trim().min(1, 'a custom agent needs a command line').max(8192) }).strict(),
  z
    .object({
      profile: profileIdSchema.refine((id) => id !== 'custom', 'use a command line for a custom agent'),
      /** The model, where the profile can choose one; absent: the agent's own default. */
      model: modelNameSchema.optional(),
      /** One of the profile's permission modes; absent: its default mode. */
      permissionMode: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/).optional(),
      /** false: the agent works on the prompt and exits (its non-interactive arguments, `claude -p`), then the gate checks the work. */
      interactive: z.boolean().optional(),
    })
    .strict(),
]);
export type AgentSpec = z.infer<typeof agentSpecSchema>;

/**
 * The outcome of asking an installed agent for its version:
 * - ok: it printed one (or its profile has no version command);
 * - pending: the first probe of this executable has not finished yet;
 * - timed-out: it did not answer in time (it is still installed);
 * - failed: it could not run, or printed no version.
 */
export type VersionProbe = 'ok' | 'pending' | 'timed-out' | 'failed';

/** A profile as this machine has it: installed or not, where, and which version. */
export interface DetectedAgent {
  profile: AgentProfile;
  installed: boolean;
  path: string | null;
  version: string | null;
  probe: VersionProbe;
  /** Why there is no version, in one line, when the probe did not give one. */
  probeNote: string | null;
  /** Where the profile comes from: built in, or overridden in the settings file. */
  source: 'builtin' | 'global' | 'repository';
}

/** Every profile for one repository (or globally), and what is wrong with the settings file, if anything. */
export interface AgentList {
  agents: DetectedAgent[];
  /** The overrides file: `<data dir>/agents.json`. */
  settingsFile: string;
  /** Why the settings file was not used (it is malformed); built-in profiles are listed instead. */
  error: string | null;
}

/** The stored overrides of one scope, for the settings screen. */
export interface AgentOverridesView {
  scope: 'global' | 'repository';
  /** The repository's path for a repository scope. */
  repository: string | null;
  overrides: AgentOverrides;
  settingsFile: string;
  error: string | null;
}

export type CustomAgentSpec = { profile: 'custom'; command: string };

export function isCustomAgent(spec: AgentSpec): spec is CustomAgentSpec {
  return spec.profile === 'custom' && 'command' in spec;
}
