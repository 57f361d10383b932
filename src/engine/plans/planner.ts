/**
 * "Plan with agent": the chosen agent runs non-interactively in a throwaway worktree of the
 * repository, asked for a plan in the published schema (schemas/plan.schema.json), with the
 * goal, a bounded file tree and the README. Its answer is validated against the schema and the
 * graph rules; if it is invalid, the agent is asked once more with the errors; if it is invalid
 * again, the user gets the raw output and the errors. Nothing is created here: the proposal
 * goes to the editor for the user to change and approve.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentSpec } from '../../shared/agents';
import type { PlannerAttempt, PlannerResult } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { PlanFile } from '../../shared/plan';
import { buildLaunch } from '../agents/profiles';
import { lastJsonObject } from '../checks/verdict';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import { currentBranch } from '../git/repository';
import { validatePlan } from './plan-text';

const MAX_TREE_FILES = 400;
const MAX_README_CHARS = 20_000;
const MAX_OUTPUT_CHARS = 200_000;
const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;
export const PLANNER_TIMEOUT_MS = 15 * 60_000;

/** Planner processes running now (their process groups), so a closing engine stops them. */
const live = new Set<number>();

/** Stops every planner still running (the engine is closing). */
export function stopPlanners(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}

export async function proposePlan(ctx: EngineContext, projectId: string, goal: string, agent: AgentSpec, base?: string): Promise<PlannerResult> {
  const project = ctx.store.project(projectId);
  if ('profile' in agent && agent.profile === 'shell') throw new SwitchyardError('invalid-input', 'a login shell cannot plan; choose an agent profile or a command');
  const profile = ctx.agents.requireProfile(agent, project.path);
  const ref = base ?? (await currentBranch(project.path));
  if (!ref) throw new SwitchyardError('unknown-branch', `${project.path} has a detached HEAD; say which base branch the plan starts from`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-planner-'));
  const dir = path.join(tmp, 'repo');
  try {
    await git(['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '-q', '--', dir, ref], { cwd: project.path });
    const context = await repoContext(dir);
    const attempts: PlannerAttempt[] = [];
    let prompt = plannerPrompt(goal, context);
    for (let round = 1; round <= 2; round++) {
      const env = { ...process.env, ...ctx.options.agentEnv };
      const launch = buildLaunch(agent, prompt, dir, env, { profile, nonInteractive: true });
      const run = await runOnce(launch.file, launch.args, dir, { ...env, ...launch.env });
      if (run.spawnError) throw new SwitchyardError('agent-not-found', `the planner could not be started: ${run.spawnError}`);
      const { plan, errors, warnings } = readProposal(run.stdout, run.stderr, ref);
      const output = `${run.stdout}${run.stderr ? `\n${run.stderr}` : ''}${run.timedOut ? `\n(stopped after ${PLANNER_TIMEOUT_MS / 60_000} minutes)` : ''}`;
      attempts.push({ output: output.length > MAX_OUTPUT_CHARS ? output.slice(-MAX_OUTPUT_CHARS) : output, errors, exitCode: run.exitCode });
      if (plan) return { status: 'ok', plan, attempts, warnings };
      prompt = `${plannerPrompt(goal, context)}\n\n## Your last answer was not a valid plan\nFix these problems and answer again, with only the JSON object:\n${errors.map((e) => `- ${e}`).join('\n')}`;
    }
    return { status: 'invalid', attempts };
  } finally {
    await git(['worktree', 'remove', '--force', '--', dir], { cwd: project.path, okCodes: [128] }).catch(() => {});
    await git(['worktree', 'prune'], { cwd: project.path }).catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The plan in the output: stdout first (where agents answer), stderr only if stdout has none.
 * What a proposal may not decide for the user is taken out, and said so: it cannot run a
 * command (verify, custom agent commands), merge by itself, or pick branches.
 */
export function readProposal(stdout: string, stderr: string, base: string): { plan: PlanFile | null; errors: string[]; warnings: string[] } {
  const hasTasks = (v: Record<string, unknown>): boolean => 'tasks' in v;
  const raw = lastJsonObject(stdout, hasTasks) ?? lastJsonObject(stderr, hasTasks);
  if (!raw) return { plan: null, errors: ['no JSON object with a "tasks" key was found in the output'], warnings: [] };
  const warnings: string[] = [];
  const clean: Record<string, unknown> = { ...raw, base };
  for (const key of ['verify', 'auto_merge', 'integration_branch', 'agent'] as const) {
    if (key in clean) {
      delete clean[key];
      warnings.push(`the proposal's "${key}" was left out: you set it in the editor`);
    }
  }
  if (Array.isArray(clean.tasks)) {
    clean.tasks = (clean.tasks as unknown[]).map((t) => {
      if (t && typeof t === 'object' && 'agent' in t) {
        const { agent: _agent, ...rest } = t as Record<string, unknown>;
        warnings.push(`task ${String((t as { id?: unknown }).id)}: its "agent" was left out: you choose agents in the editor`);
        return rest;
      }
      return t;
    });
  }
  try {
    return { plan: validatePlan(clean, 'the proposed plan'), errors: [], warnings };
  } catch (err) {
    return { plan: null, errors: (err as Error).message.replace(/^the proposed plan: /, '').split('; '), warnings };
  }
}

interface RunOutcome {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  spawnError: string | null;
}

/** Runs the planner in a process group of its own, so a timeout stops everything it started. */
function runOnce(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    const collect = (into: Buffer[], chunk: Buffer, total: number): number => {
      into.push(chunk);
      let t = total + chunk.length;
      // Keep the tail: the answer comes last.
      while (t > MAX_CAPTURE_BYTES && into.length > 1) t -= into.shift()!.length;
      return t;
    };
    child.stdout.on('data', (c: Buffer) => (outBytes = collect(out, c, outBytes)));
    child.stderr.on('data', (c: Buffer) => (errBytes = collect(err, c, errBytes)));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killGroup(child.pid);
    }, PLANNER_TIMEOUT_MS);
    if (child.pid) live.add(child.pid);
    let settled = false;
    const done = (exitCode: number | null, spawnError: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.pid) {
        // Whatever it left running goes too.
        killGroup(child.pid);
        live.delete(child.pid);
      }
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode, timedOut, spawnError });
    };
    child.once('error', (e) => done(null, e.message));
    // On exit, whatever it left running (holding its output open, perhaps) is stopped, so the
    // output closes and the run ends.
    let exitCode: number | null = null;
    child.once('exit', (code) => {
      exitCode = code;
      if (child.pid) killGroup(child.pid);
    });
    child.once('close', () => done(exitCode, null));
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function repoContext(dir: string): Promise<{ tree: string[]; more: number; readme: string | null }> {
  const files = (await git(['ls-files', '-z'], { cwd: dir })).stdout.split('\0').filter(Boolean);
  const readmeName = files.find((f) => /^readme(\.[a-z]+)?$/i.test(f));
  return { tree: files.slice(0, MAX_TREE_FILES), more: Math.max(0, files.length - MAX_TREE_FILES), readme: readmeName ? readBounded(path.join(dir, readmeName)) : null };
}

/** A regular file's first bytes only: a README that is a link (to a secret, or /dev/zero) is not read. */
function readBounded(file: string): string | null {
  const st = fs.lstatSync(file);
  if (!st.isFile()) return null;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(st.size, MAX_README_CHARS * 4));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').slice(0, MAX_README_CHARS);
  } finally {
    fs.closeSync(fd);
  }
}

export function plannerPrompt(goal: string, c: { tree: string[]; more: number; readme: string | null }): string {
  return [
    'Break the goal below into a plan of tasks for coding agents that work in parallel, each in its own git worktree. Do not change any files; answer with the plan.',
    '',
    '## Goal',
    goal.trim(),
    '',
    `## The repository's files${c.more > 0 ? ` (the first ${c.tree.length}; ${c.more} more not shown)` : ''}`,
    ...c.tree,
    '',
    ...(c.readme ? ['## README', c.readme, ''] : []),
    '## Your answer',
    'End your output with one JSON object in this shape (the schema is schemas/plan.schema.json in Switchyard):',
    '{"name": "short name", "goal": "…", "tasks": [{"id": "kebab-id", "title": "…", "prompt": "what the agent must do", "files_scope": ["src/area/**"], "depends_on": ["other-id"], "acceptance_criteria": "…"}]}',
    'Rules: ids are unique; depends_on names tasks that must be merged first; no cycles; give each task a files_scope (globs with **, * and ?) so that tasks touching the same files are not run at once; prefer small, independent tasks.',
  ].join('\n');
}
