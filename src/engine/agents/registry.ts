/**
 * The engine's view of agent profiles: merged from the catalog and the settings file, per
 * repository, with what is installed. Detections run concurrently and are cached briefly,
 * because a version command can take seconds and the new-task dialog asks every time it opens.
 */
import { isCustomAgent, type AgentList, type AgentOverrides, type AgentOverridesView, type AgentProfile, type AgentSpec, type DetectedAgent } from '../../shared/agents';
import { parseCommandLine } from '../../shared/command-line';
import { SwitchyardError } from '../../shared/errors';
import { detectProfile, type Detection } from './detect';
import { EMPTY_OVERRIDES, mergeProfiles, overridesFilePath, readOverridesFile, validateOverridesFile, writeOverridesFile, type SourcedProfile } from './overrides';

const CACHE_MS = 30_000;

export interface AgentRegistryOptions {
  dataDir: string;
  /** The environment agents run with; detection looks on its PATH. */
  env: () => NodeJS.ProcessEnv;
  cacheMs?: number;
  versionTimeoutMs?: number;
}

export class AgentRegistry {
  private readonly cache = new Map<string, { at: number; detection: Promise<Detection> }>();

  constructor(private readonly opts: AgentRegistryOptions) {}

  get settingsFile(): string {
    return overridesFilePath(this.opts.dataDir);
  }

  /** Profiles for a repository (null: global). A malformed settings file falls back to the built-ins, with its error. */
  profiles(repository: string | null): { profiles: SourcedProfile[]; error: string | null } {
    const read = readOverridesFile(this.settingsFile);
    if (read.error !== null) return { profiles: mergeProfiles(EMPTY_OVERRIDES, null), error: read.error };
    return { profiles: mergeProfiles(read.file, repository), error: null };
  }

  /**
   * The profile a task's agent names, or a clear error. A custom agent's command line is
   * checked here too, so a task that could never start is refused before it exists.
   */
  requireProfile(spec: AgentSpec, repository: string | null): AgentProfile {
    const { profiles, error } = this.profiles(repository);
    const found = profiles.find((p) => p.profile.id === spec.profile);
    if (!found) {
      const known = profiles.map((p) => p.profile.id).join(', ');
      const why = error ? ` (the agent settings file is not used: ${error})` : '';
      throw new SwitchyardError('agent-not-found', `there is no agent profile "${spec.profile}"; the profiles are ${known}${why}`);
    }
    if (isCustomAgent(spec)) parseCommandLine(spec.command);
    return found.profile;
  }

  /** Every profile for a repository (null: global), with what this machine has of it. */
  async list(repository: string | null): Promise<AgentList> {
    const { profiles, error } = this.profiles(repository);
    const env = this.opts.env();
    const agents = await Promise.all(
      profiles.map(async ({ profile, source }): Promise<DetectedAgent> => ({ profile, source, ...(await this.detect(profile, env)) })),
    );
    return { agents, settingsFile: this.settingsFile, error };
  }

  /** Forgets what was detected, so the next list looks again (after installing an agent). */
  refresh(): void {
    this.cache.clear();
  }

  private detect(profile: AgentProfile, env: NodeJS.ProcessEnv): Promise<Detection> {
    // Whatever changes the answer is in the key: an override takes effect at once.
    const key = JSON.stringify([profile.executable, profile.versionArgs, profile.env, env.PATH ?? '', env.SHELL ?? '']);
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < (this.opts.cacheMs ?? CACHE_MS)) return hit.detection;
    const detection = detectProfile(profile, env, this.opts.versionTimeoutMs);
    this.cache.set(key, { at: Date.now(), detection });
    return detection;
  }

  /** The stored overrides of one scope, for the settings screen. */
  overrides(repository: string | null): AgentOverridesView {
    const read = readOverridesFile(this.settingsFile);
    const file = read.file ?? EMPTY_OVERRIDES;
    return {
      scope: repository ? 'repository' : 'global',
      repository,
      overrides: (repository ? file.repositories[repository] : file.global) ?? {},
      settingsFile: this.settingsFile,
      error: read.error,
    };
  }

  /** Replaces one scope's overrides after checking every profile they make; nothing is written if one is wrong. */
  async save(repository: string | null, overrides: AgentOverrides): Promise<AgentList> {
    const read = readOverridesFile(this.settingsFile);
    // Writing over a file we could not read would throw away what the user wrote by hand.
    if (read.error !== null) throw new SwitchyardError('invalid-input', `fix or remove the agent settings file first: ${read.error}`);
    const repositories = { ...read.file.repositories };
    if (repository) {
      if (Object.keys(overrides).length > 0) repositories[repository] = overrides;
      else delete repositories[repository];
    }
    const next = { global: repository ? read.file.global : overrides, repositories };
    validateOverridesFile(next);
    writeOverridesFile(this.settingsFile, next);
    return this.list(repository);
  }
}
