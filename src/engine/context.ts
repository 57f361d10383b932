/** What the engine's parts share: the store, the ptyd connection, settings, and the event bus. */
import type { AppInfo, EngineEvent, Settings } from '../shared/contract';
import type { Task } from '../shared/task';
import type { AgentRegistry } from './agents/registry';
import type { TrustService } from './agents/trust/trust-service';
import type { PtydClient } from './ptyd/client';
import type { PtydLaunch } from './ptyd/launcher';
import type { CliLaunch } from './supervision/cli-launcher';
import type { Store } from './store/store';
import type { TaskLocks } from './tasks/task-locks';

export interface EngineOptions {
  dataDir: string;
  ptydLaunch: PtydLaunch;
  /** How to run the `switchyard` CLI agents get on their PATH (the built cli.js, or the source in tests). */
  cliLaunch?: CliLaunch;
  version?: string;
  mode?: AppInfo['mode'];
  /** Initial terminal size for new agents, before a UI resizes them. */
  cols?: number;
  rows?: number;
  /** Extra environment for every agent process. */
  agentEnv?: Record<string, string>;
  /** How long an agent's version command may take (default 20 s; SWITCHYARD_VERSION_TIMEOUT_MS for serve). */
  versionTimeoutMs?: number;
  /** Ports tasks get their blocks from (SWITCHYARD_PORT); default 41000–49999. */
  portRange?: { from: number; to: number };
  /** How often automatic clean-up and the missing-worktree check run (default 10 minutes). */
  maintenanceIntervalMs?: number;
  /** The PATH searched for tools Switchyard runs itself, such as `gh` (default: the engine's own PATH). */
  toolPath?: string;
  /**
   * A terminal daemon from another Switchyard version that still holds live agents is stopped
   * (its tasks show as interrupted) instead of refusing to start (`switchyard serve --replace-ptyd`).
   */
  replacePtyd?: boolean;
  /** How often supervision looks at running agents (tests make it quick). */
  supervision?: SupervisionTiming;
}

export interface SupervisionTiming {
  monitorIntervalMs?: number;
  watchdogIntervalMs?: number;
}

export interface EngineContext {
  readonly store: Store;
  readonly options: EngineOptions;
  readonly locks: TaskLocks;
  /** Agent profiles (built-in and overridden) and what is installed. */
  readonly agents: AgentRegistry;
  /** Per repository, which agents may skip their folder-trust question, and what that takes per launch. */
  readonly trust: TrustService;
  ptyd(): PtydClient | null;
  requirePtyd(): PtydClient;
  settings(): Settings;
  emit(event: EngineEvent): void;
  /** Emits a task change and returns the task, so callers can write `return ctx.taskChanged(...)`. */
  taskChanged(task: Task): Task;
}
