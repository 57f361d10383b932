/**
 * The global settings, stored in the engine's settings table, one JSON value per key.
 * Reading falls back to the default for a key that is missing or unreadable.
 */
import path from 'node:path';
import { agentSpecSchema } from '../shared/agents';
import type { Settings } from '../shared/contract';
import { settingsPatchSchema } from '../shared/contract';
import { SwitchyardError } from '../shared/errors';
import { repositoryContaining } from './git/repository';
import { isInside } from './paths';
import type { Store } from './store/store';

type SettingsPatch = Partial<Settings>;

export function defaultSettings(dataDir: string): Settings {
  return {
    worktreesDir: path.join(dataDir, 'worktrees'),
    defaultAgent: null,
    notifications: true,
    theme: 'system',
    scrollback: 5000,
    needsInputQuietMs: 8000,
    editor: null,
    editorCommand: null,
    autoCleanupDays: null,
    fetchBeforeBranching: false,
    stuckAfterSec: 15 * 60,
    stuckPolicy: 'notify',
    budgetSec: null,
    budgetPolicy: 'stop',
    autoRetryLimit: 1,
    maxParallelAgents: 4,
  };
}

/** Each key's stored value is checked against the contract's schema for that key. */
const keySchemas = settingsPatchSchema.shape;

export class SettingsStore {
  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
  ) {}

  get(): Settings {
    const out = defaultSettings(this.dataDir);
    const target = out as unknown as Record<string, unknown>;
    for (const key of Object.keys(out) as (keyof Settings)[]) {
      const raw = this.store.setting(key);
      if (raw === null) continue;
      let value: unknown;
      try {
        // worktreesDir was stored as a bare string before settings became JSON values.
        value = key === 'worktreesDir' && !raw.startsWith('"') ? raw : JSON.parse(raw);
      } catch {
        continue;
      }
      const parsed = keySchemas[key].safeParse(value);
      if (parsed.success && parsed.data !== undefined) target[key] = parsed.data;
    }
    return out;
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    if (patch.worktreesDir !== undefined) await this.checkWorktreesDir(patch.worktreesDir);
    if (patch.defaultAgent) agentSpecSchema.parse(patch.defaultAgent);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const stored = key === 'worktreesDir' ? path.resolve(value as string) : value;
      this.store.setSetting(key, JSON.stringify(stored));
    }
    return this.get();
  }

  private async checkWorktreesDir(dir: string): Promise<void> {
    if (!path.isAbsolute(dir)) throw new SwitchyardError('invalid-input', 'the worktrees folder must be an absolute path');
    // Any repository, not only opened ones: worktrees inside one would show up in its status
    // and be swept away by its next `git clean`.
    const holders = [...this.store.projects().map((p) => p.path), await repositoryContaining(dir)];
    for (const repo of holders) {
      if (repo && isInside(repo, dir)) {
        throw new SwitchyardError('invalid-input', `the worktrees folder must be outside your repositories; it is inside ${repo}`);
      }
    }
  }
}
