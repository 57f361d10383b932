/**
 * The agent settings file, `<data dir>/agents.json`: overrides of the built-in profiles, and
 * new profiles, globally and per repository. Profiles merge built-in ← global ← repository;
 * every merged profile is checked against the profile schema, so a bad file is reported with
 * its path and the reason, and never half-used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BUILTIN_PROFILES } from '../../shared/agent-catalog';
import {
  CUSTOM_PROFILE_ID,
  OPTIONAL_PROFILE_FIELDS,
  agentOverridesSchema,
  agentProfilePatchSchema,
  agentProfileSchema,
  type AgentOverrides,
  type AgentProfile,
  type DetectedAgent,
} from '../../shared/agents';
import { SwitchyardError } from '../../shared/errors';

export const overridesFileSchema = z
  .object({
    global: agentOverridesSchema.default({}),
    repositories: z.record(z.string().refine((p) => path.isAbsolute(p), 'repositories are keyed by their absolute path'), agentOverridesSchema).default({}),
  })
  .strict();
export type OverridesFile = z.infer<typeof overridesFileSchema>;

export const EMPTY_OVERRIDES: OverridesFile = { global: {}, repositories: {} };

export interface SourcedProfile {
  profile: AgentProfile;
  source: DetectedAgent['source'];
}

export function overridesFilePath(dataDir: string): string {
  return path.join(dataDir, 'agents.json');
}

function describeIssue(issue: z.core.$ZodIssue, prefix: (string | number)[]): string {
  const where = [...prefix, ...issue.path.map((p) => String(p))].join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

const PROFILE_FIELDS = Object.keys(agentProfilePatchSchema.shape).filter((f) => !OPTIONAL_PROFILE_FIELDS.includes(f));

/**
 * Lays one scope's overrides over the profiles beneath it. A patch of an existing id changes
 * only the fields it names; a new id must add up to a complete profile.
 */
export function applyOverrides(profiles: SourcedProfile[], overrides: AgentOverrides, source: 'global' | 'repository', where: string): SourcedProfile[] {
  const out = [...profiles];
  for (const [id, patch] of Object.entries(overrides)) {
    const at = `${where}.${id}`;
    if (id === CUSTOM_PROFILE_ID) {
      throw new SwitchyardError('invalid-input', `${at}: the custom profile cannot be overridden; it takes a command line per task. Add a profile with its own id instead.`);
    }
    const i = out.findIndex((p) => p.profile.id === id);
    const below = i >= 0 ? out[i]!.profile : null;
    if (!below) {
      const missing = PROFILE_FIELDS.filter((f) => !(f in patch));
      if (missing.length > 0) {
        throw new SwitchyardError('invalid-input', `${at}: "${id}" is a new profile, so it needs every field; missing: ${missing.join(', ')}`);
      }
    }
    const parsed = agentProfileSchema.safeParse({ ...below, ...patch, id });
    if (!parsed.success) throw new SwitchyardError('invalid-input', describeIssue(parsed.error.issues[0]!, [at]));
    const entry: SourcedProfile = { profile: parsed.data, source };
    if (i >= 0) out[i] = entry;
    else out.push(entry);
  }
  return out;
}

export function builtinSourced(): SourcedProfile[] {
  return BUILTIN_PROFILES.map((profile) => ({ profile, source: 'builtin' }));
}

/** The profiles for a repository (or globally, with null): built-in ← global ← repository. */
export function mergeProfiles(file: OverridesFile, repository: string | null): SourcedProfile[] {
  const global = applyOverrides(builtinSourced(), file.global, 'global', 'global');
  const repo = repository ? file.repositories[repository] : undefined;
  return repo ? applyOverrides(global, repo, 'repository', `repositories.${repository}`) : global;
}

/** Checks every scope of a file, so that what is written can always be read back. */
export function validateOverridesFile(file: OverridesFile): void {
  mergeProfiles(file, null);
  for (const repo of Object.keys(file.repositories)) mergeProfiles(file, repo);
}

export type ReadOverrides = { file: OverridesFile; error: null } | { file: null; error: string };

/** Reads and checks the file. A missing file is no overrides; a malformed one is an error to show, not to throw. */
export function readOverridesFile(filePath: string): ReadOverrides {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file: EMPTY_OVERRIDES, error: null };
    return { file: null, error: `${filePath} cannot be read: ${(err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { file: null, error: `${filePath} is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = overridesFileSchema.safeParse(json);
  if (!parsed.success) return { file: null, error: `${filePath}: ${describeIssue(parsed.error.issues[0]!, [])}` };
  try {
    validateOverridesFile(parsed.data);
  } catch (err) {
    return { file: null, error: `${filePath}: ${(err as Error).message}` };
  }
  return { file: parsed.data, error: null };
}

/** Writes the file whole (through a temporary file and a rename), readable by its owner only. */
export function writeOverridesFile(filePath: string, file: OverridesFile): void {
  const tmp = `${filePath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, filePath);
}
