/**
 * What checks and supervision apply to a task: its own settings over its repository's
 * (`.switchyard/config.yaml` on the task's base branch) over the global settings. A verify
 * command or a reviewer from the repository runs only when that exact config is trusted;
 * numbers (timeouts, limits, fix rounds) apply either way.
 */
import { DEFAULT_MAX_FIX_ITERATIONS, DEFAULT_VERIFY_TIMEOUT_SEC, type CheckSource, type EffectiveChecks } from '../../shared/checks';
import { formatCommandLine, parseCommandLine } from '../../shared/command-line';
import { SwitchyardError } from '../../shared/errors';
import type { Task } from '../../shared/task';
import type { EngineContext } from '../context';
import { CONFIG_PATH, EMPTY_CONFIG, type RepoConfig } from '../repo-config/config';
import type { LoadedConfig, RepoSetup } from '../repo-config/repo-setup';
import { PlanStore } from '../plans/plan-store';

/** A plan's settings: the level between the repository's and the task's. */
export interface PlanChecks {
  verify: string | null;
  verifyTimeoutSec: number | null;
  maxFixIterations: number | null;
}

/** Configs are read from git; supervision asks every few seconds, so answers live this long. */
const CACHE_MS = 5000;

export class ChecksResolver {
  private readonly cache = new Map<string, { at: number; loaded: LoadedConfig | Error }>();
  private readonly plans: PlanStore;

  constructor(
    private readonly ctx: EngineContext,
    private readonly repo: RepoSetup,
  ) {
    this.plans = new PlanStore(ctx.store.db);
  }

  async forTask(taskId: string, fresh = false): Promise<EffectiveChecks> {
    const task = this.ctx.store.task(taskId);
    const project = this.ctx.store.project(task.projectId);
    const loaded = await this.load(project.id, project.path, task.baseBranch, fresh);
    const trusted = !(loaded instanceof Error) && loaded.present && loaded.hash !== null && this.repo.isTrusted(project.id, loaded.hash);
    const rc: RepoConfig = loaded instanceof Error ? EMPTY_CONFIG : loaded.config;
    const plan = task.plan ? this.plans.plan(task.plan.planId) : null;
    const planLevel = plan ? { verify: plan.verify, verifyTimeoutSec: plan.verifyTimeoutSec, maxFixIterations: plan.maxFixIterations } : null;
    return resolveChecks(task, rc, trusted, loaded instanceof Error ? loaded.message : null, this.ctx.settings(), planLevel);
  }

  private async load(projectId: string, projectPath: string, ref: string, fresh: boolean): Promise<LoadedConfig | Error> {
    const key = `${projectId}\0${ref}`;
    const hit = this.cache.get(key);
    if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.loaded;
    const loaded = await this.repo.load(projectPath, ref).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    this.cache.set(key, { at: Date.now(), loaded });
    return loaded;
  }
}

/** The merge itself, pure: `configError` is why the repository's config could not be read. */
export function resolveChecks(
  task: Pick<Task, 'checks'>,
  rc: RepoConfig,
  trusted: boolean,
  configError: string | null,
  settings: { stuckAfterSec: number | null; stuckPolicy: EffectiveChecks['stuckPolicy']; budgetSec: number | null; budgetPolicy: EffectiveChecks['budgetPolicy']; autoRetryLimit: number },
  plan: PlanChecks | null = null,
): EffectiveChecks {
  const c = task.checks;
  const skipped: string[] = [];
  if (configError) skipped.push(configError);
  const untrusted = (what: string): string => `${what} in ${CONFIG_PATH} is not trusted yet — review and trust the config`;

  let verify: EffectiveChecks['verify'] = null;
  const timeoutSec = c.verifyTimeoutSec ?? plan?.verifyTimeoutSec ?? rc.verify?.timeoutSec ?? DEFAULT_VERIFY_TIMEOUT_SEC;
  if (c.verifyCommand !== undefined) {
    if (c.verifyCommand !== null) {
      verify = { argv: parseOrThrow(c.verifyCommand, "the task's verify command"), display: c.verifyCommand, timeoutSec, source: 'task' };
    }
  } else if (plan?.verify) {
    verify = { argv: parseOrThrow(plan.verify, "the plan's verify command"), display: plan.verify, timeoutSec, source: 'plan' };
  } else if (rc.verify) {
    if (trusted) verify = { argv: rc.verify.argv, display: formatCommandLine(rc.verify.argv), timeoutSec, source: 'repository' };
    else skipped.push(untrusted('verify'));
  }

  let reviewer: EffectiveChecks['reviewer'] = null;
  if (c.reviewer !== undefined) {
    if (c.reviewer !== null) reviewer = { agent: c.reviewer, source: 'task' };
  } else if (rc.reviewer) {
    if (trusted) reviewer = { agent: rc.reviewer, source: 'repository' };
    else skipped.push(untrusted('reviewer'));
  }

  const s = rc.supervision;
  const from = (own: boolean, repo: boolean): CheckSource => (own ? 'task' : repo ? 'repository' : 'default');
  return {
    verify,
    skipped: skipped.length > 0 ? skipped.join('; ') : null,
    maxFixIterations: c.maxFixIterations ?? plan?.maxFixIterations ?? rc.verify?.maxFixIterations ?? DEFAULT_MAX_FIX_ITERATIONS,
    reviewer,
    acceptanceCriteria: c.acceptanceCriteria ?? rc.acceptanceCriteria ?? '',
    stuckAfterSec: c.stuckAfterSec !== undefined ? c.stuckAfterSec : (s.stuckAfterSec ?? settings.stuckAfterSec),
    stuckPolicy: c.stuckPolicy ?? s.stuckPolicy ?? settings.stuckPolicy,
    budgetSec: c.budgetSec !== undefined ? c.budgetSec : (s.budgetSec ?? settings.budgetSec),
    budgetPolicy: c.budgetPolicy ?? s.budgetPolicy ?? settings.budgetPolicy,
    retryLimit: s.retries ?? settings.autoRetryLimit,
    sources: {
      verifyTimeoutSec: plan?.verifyTimeoutSec != null && c.verifyTimeoutSec === undefined ? 'plan' : from(c.verifyTimeoutSec !== undefined, rc.verify?.timeoutSec != null),
      maxFixIterations: plan?.maxFixIterations != null && c.maxFixIterations === undefined ? 'plan' : from(c.maxFixIterations !== undefined, rc.verify?.maxFixIterations != null),
      acceptanceCriteria: from(c.acceptanceCriteria !== undefined, rc.acceptanceCriteria !== null),
      stuck: from(c.stuckAfterSec !== undefined || c.stuckPolicy !== undefined, s.stuckAfterSec !== null || s.stuckPolicy !== null),
      budget: from(c.budgetSec !== undefined || c.budgetPolicy !== undefined, s.budgetSec !== null || s.budgetPolicy !== null),
      retryLimit: from(false, s.retries !== null),
    },
  };
}

function parseOrThrow(commandLine: string, what: string): string[] {
  try {
    return parseCommandLine(commandLine);
  } catch (err) {
    throw new SwitchyardError('invalid-input', `${what}: ${(err as Error).message.replace(/^the agent command/, 'the command')}`);
  }
}
