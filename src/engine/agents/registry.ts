/**
 * The engine's view of agent profiles: merged from the catalog and the settings file, per
 * repository, with what is installed. Finding an executable is quick and done every time;
 * asking it for its version can take seconds, so versions come from VersionProbes, and a list
 * waits only briefly for a first probe: what is still being asked shows as pending, and an
 * `agents` event follows when the answer is in.
 */
import path from 'node:path';
import { TASK_COMMAND, isCustomAgent, type AgentList, type AgentOverrides, type AgentOverridesView, type AgentProfile, type AgentSpec, type DetectedAgent } from '../../shared/agents';
import { parseCommandLine } from '../../shared/command-line';
import { SwitchyardError } from '../../shared/errors';
import { NOT_INSTALLED, locateExecutable, type Detection } from './detect';
import { choiceArgs } from './profiles';
import { EMPTY_OVERRIDES, mergeProfiles, overridesFilePath, readOverridesFile, validateOverridesFile, writeOverridesFile, type SourcedProfile } from './overrides';
import { VersionProbes, type ProbeResult } from './version-probes';

/** How long a list waits for first probes before answering with them pending. */
const LIST_WAIT_MS = 2500;

export interface AgentRegistryOptions {
  dataDir: string;
  /** The environment agents run with; detection looks on its PATH. */
  env: () => NodeJS.ProcessEnv;
  versionTimeoutMs?: number;
  /** At most this many version commands at once. */
  probeConcurrency?: number;
  /** A cached version older than this is checked again in the background. */
  probeRefreshMs?: number;
  /** How long `list` waits for probes it had to start. */
  listWaitMs?: number;
  /** What is known about installed agents changed (a probe finished after a list answered). */
  onChange?: () => void;
}

export class AgentRegistry {
  readonly probes: VersionProbes;

  constructor(private readonly opts: AgentRegistryOptions) {
    this.probes = new VersionProbes({
      cacheFile: path.join(opts.dataDir, 'agent-versions.json'),
      timeoutMs: opts.versionTimeoutMs,
      concurrency: opts.probeConcurrency,
      refreshAfterMs: opts.probeRefreshMs,
      onChange: opts.onChange,
    });
  }

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
    // A permission mode or model the profile cannot take is refused before a task exists.
    choiceArgs(found.profile, spec);
    return found.profile;
  }

  /** Every profile for a repository (null: global), with what this machine has of it. */
  async list(repository: string | null): Promise<AgentList> {
    const { profiles, error } = this.profiles(repository);
    const env = this.opts.env();
    const detections: Detection[] = [];
    const waiting: Promise<unknown>[] = [];
    profiles.forEach(({ profile }, i) => {
      const found = this.locate(profile, env);
      if (found === null) {
        detections[i] = { ...NOT_INSTALLED };
        return;
      }
      if (found === TASK_COMMAND) {
        detections[i] = { installed: true, path: null, version: null, probe: 'ok', probeNote: null };
        return;
      }
      const { cached, probe } = this.probes.get({ file: found, versionArgs: profile.versionArgs, env: { ...env, ...profile.env }, keyEnv: profile.env });
      const at = (r: ProbeResult): Detection => ({ installed: true, path: found, ...r });
      detections[i] = at(cached ?? { version: null, probe: 'pending', probeNote: null });
      if (probe) waiting.push(probe.then((r) => (detections[i] = at(r))));
    });
    if (waiting.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        Promise.all(waiting).then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.opts.listWaitMs ?? LIST_WAIT_MS))),
      ]);
      clearTimeout(timer);
      // Whoever got "pending" hears when the answers are in.
      if (!waited) void Promise.all(waiting).then(() => this.opts.onChange?.());
    }
    const agents = profiles.map(({ profile, source }, i): DetectedAgent => ({ profile, source, ...detections[i]! }));
    return { agents, settingsFile: this.settingsFile, error };
  }

  /** Forgets what was detected, so the next list looks again (after installing an agent). */
  refresh(): void {
    this.probes.clear();
  }

  /** The profile's executable, TASK_COMMAND for a custom command, or null when it is missing. */
  private locate(profile: AgentProfile, env: NodeJS.ProcessEnv): string | null {
    if (profile.executable === TASK_COMMAND) return TASK_COMMAND;
    return locateExecutable(profile.executable, { ...env, ...profile.env });
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
