/**
 * A profile as the settings screen edits it: argument lists as shell-quoted text and the
 * environment as KEY=value lines, turned back into a profile patch with field-by-field errors.
 * The engine checks the result again; this only makes mistakes show next to their field.
 */
import type { AgentProfile, AgentProfilePatch, PromptMode } from '../../shared/agents';
import { formatCommandLine, parseCommandLine } from '../../shared/command-line';

export interface AgentDraft {
  id: string;
  name: string;
  executable: string;
  promptMode: PromptMode;
  interactiveArgs: string;
  nonInteractiveArgs: string;
  /** Empty: the agent cannot resume. */
  resumeArgs: string;
  /** Empty: resume by session id is not known for this agent. */
  resumeSessionArgs: string;
  versionArgs: string;
  env: string;
  installHint: string;
  hooksHint: string;
  wireHooks: boolean;
  /** Empty: the agent has no model switch. */
  modelArgs: string;
  /** One mode a line: `name: arguments` (no arguments: the agent's own default). */
  permissionModes: string;
  defaultPermissionMode: string;
}

export function toDraft(p: AgentProfile): AgentDraft {
  return {
    id: p.id,
    name: p.name,
    executable: p.executable,
    promptMode: p.promptMode,
    interactiveArgs: formatCommandLine(p.interactiveArgs),
    nonInteractiveArgs: formatCommandLine(p.nonInteractiveArgs),
    resumeArgs: p.resumeArgs ? formatCommandLine(p.resumeArgs) : '',
    resumeSessionArgs: p.resumeSessionArgs ? formatCommandLine(p.resumeSessionArgs) : '',
    versionArgs: formatCommandLine(p.versionArgs),
    env: Object.entries(p.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    installHint: p.installHint,
    hooksHint: p.hooksHint,
    wireHooks: p.wireHooks,
    modelArgs: p.modelArgs ? formatCommandLine(p.modelArgs) : '',
    permissionModes: Object.entries(p.permissionModes)
      .map(([name, a]) => `${name}: ${formatCommandLine(a)}`.trimEnd())
      .join('\n'),
    defaultPermissionMode: p.defaultPermissionMode ?? '',
  };
}

export const EMPTY_DRAFT: AgentDraft = {
  id: '',
  name: '',
  executable: '',
  promptMode: 'argument',
  interactiveArgs: '{prompt}',
  nonInteractiveArgs: '{prompt}',
  resumeArgs: '',
  resumeSessionArgs: '',
  versionArgs: '--version',
  env: '',
  installHint: '',
  hooksHint: 'No hooks: Switchyard watches the screen.',
  wireHooks: false,
  modelArgs: '',
  permissionModes: '',
  defaultPermissionMode: '',
};

export type DraftErrors = Partial<Record<keyof AgentDraft, string>>;

function args(text: string): string[] {
  return text.trim() === '' ? [] : parseCommandLine(text);
}

function modes(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`line ${i + 1}: write name: arguments`);
    out[line.slice(0, colon).trim()] = args(line.slice(colon + 1));
  });
  return out;
}

function env(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`line ${i + 1}: write KEY=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  });
  return out;
}

/** The draft as a complete profile (without its id), or the errors by field. */
export function fromDraft(d: AgentDraft): { profile: Required<AgentProfilePatch> } | { errors: DraftErrors } {
  const errors: DraftErrors = {};
  const field = <T>(key: keyof AgentDraft, f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (err) {
      errors[key] = (err as Error).message;
      return fallback;
    }
  };
  const profile: Required<AgentProfilePatch> = {
    name: d.name.trim(),
    executable: d.executable.trim(),
    promptMode: d.promptMode,
    interactiveArgs: field('interactiveArgs', () => args(d.interactiveArgs), []),
    nonInteractiveArgs: field('nonInteractiveArgs', () => args(d.nonInteractiveArgs), []),
    resumeArgs: field('resumeArgs', () => (d.resumeArgs.trim() === '' ? null : args(d.resumeArgs)), null),
    resumeSessionArgs: field('resumeSessionArgs', () => (d.resumeSessionArgs.trim() === '' ? null : args(d.resumeSessionArgs)), null),
    versionArgs: field('versionArgs', () => args(d.versionArgs), []),
    env: field('env', () => env(d.env), {}),
    installHint: d.installHint.trim(),
    hooksHint: d.hooksHint.trim(),
    wireHooks: d.wireHooks,
    modelArgs: field('modelArgs', () => (d.modelArgs.trim() === '' ? null : args(d.modelArgs)), null),
    permissionModes: field('permissionModes', () => modes(d.permissionModes), {}),
    defaultPermissionMode: d.defaultPermissionMode.trim() || null,
  };
  if (!profile.name) errors.name = 'a profile needs a name';
  if (!profile.executable) errors.executable = 'a profile needs an executable';
  return Object.keys(errors).length > 0 ? { errors } : { profile };
}

/** The fields of `next` that differ from `current`: what an override of an existing profile needs. */
export function changedFields(current: AgentProfile, next: Required<AgentProfilePatch>): AgentProfilePatch {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (JSON.stringify(v) !== JSON.stringify(current[k as keyof AgentProfile])) patch[k] = v;
  }
  return patch as AgentProfilePatch;
}
