/**
 * "Plan with agent": the chosen agent runs non-interactively in a throwaway worktree of the
 * repository, asked for a plan in the published schema (schemas/plan.schema.json), with the
 * goal, a bounded file tree and the README. Its answer is validated against the schema and the
 * graph rules; if it is invalid, the agent is asked once more with the errors; if it is invalid
 * again, the user gets the raw output and the errors. Nothing is created here: the proposal
 * goes to the editor for the user to change and approve.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AgentSpec } from '../../shared/agents';
import type { PlannerAttempt, PlannerResult } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { PlanFile } from '../../shared/plan';
import { buildLaunch } from '../agents/profiles';
import { jsonObjects } from '../checks/verdict';
import type { EngineContext } from '../context';
import { git } from '../git/exec';
import { currentBranch } from '../git/repository';
import { validatePlan } from './plan-text';

const MAX_TREE_FILES = 400;
const MAX_README_CHARS = 20_000;
const MAX_OUTPUT_CHARS = 200_000;
export const PLANNER_TIMEOUT_MS = 15 * 60_000;

export async function proposePlan(ctx: EngineContext, projectId: string, goal: string, agent: AgentSpec, base?: string): Promise<PlannerResult> {
  const project = ctx.store.project(projectId);
  if ('profile' in agent && agent.profile === 'shell') throw new SwitchyardError('invalid-input', 'a login shell cannot plan; choose an agent profile or a command');
  const profile = ctx.agents.requireProfile(agent, project.path);
  const ref = base ?? (await currentBranch(project.path)) ?? 'HEAD';
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sy-planner-')), 'repo');
  await git(['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '-q', '--', dir, ref], { cwd: project.path });
  try {
    const context = await repoContext(dir);
    const attempts: PlannerAttempt[] = [];
    let prompt = plannerPrompt(goal, context);
    for (let round = 1; round <= 2; round++) {
      const launch = buildLaunch(agent, prompt, dir, { ...process.env, ...ctx.options.agentEnv }, { profile, nonInteractive: true });
      const run = await runOnce(launch.file, launch.args, dir, { ...process.env, ...ctx.options.agentEnv, ...launch.env });
      const { plan, errors } = readProposal(run.output, base ?? ref);
      attempts.push({ output: run.output, errors, exitCode: run.exitCode });
      if (plan) return { status: 'ok', plan, attempts };
      prompt = `${plannerPrompt(goal, context)}\n\n## Your last answer was not a valid plan\nFix these problems and answer again, with only the JSON object:\n${errors.map((e) => `- ${e}`).join('\n')}`;
    }
    return { status: 'invalid', attempts };
  } finally {
    await git(['worktree', 'remove', '--force', '--', dir], { cwd: project.path, okCodes: [128] }).catch(() => {});
    await git(['worktree', 'prune'], { cwd: project.path }).catch(() => {});
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

/** The last JSON object with "tasks" in the output, validated; or why there is none. */
export function readProposal(output: string, base: string): { plan: PlanFile | null; errors: string[] } {
  const candidates = jsonObjects(output).filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && 'tasks' in v);
  if (candidates.length === 0) return { plan: null, errors: ['no JSON object with a "tasks" key was found in the output'] };
  const raw = candidates[candidates.length - 1] as Record<string, unknown>;
  try {
    return { plan: validatePlan({ ...raw, base: raw.base ?? base }, 'the proposed plan'), errors: [] };
  } catch (err) {
    return { plan: null, errors: (err as Error).message.replace(/^the proposed plan: /, '').split('; ') };
  }
}

function runOnce(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ output: string; exitCode: number | null }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: PLANNER_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr ? `\n${stderr}` : ''}`;
      resolve({ output: out.length > MAX_OUTPUT_CHARS ? out.slice(-MAX_OUTPUT_CHARS) : out, exitCode: err ? (typeof err.code === 'number' ? err.code : null) : 0 });
    });
    child.stdin?.end();
  });
}

async function repoContext(dir: string): Promise<{ tree: string[]; more: number; readme: string | null }> {
  const files = (await git(['ls-files', '-z'], { cwd: dir })).stdout.split('\0').filter(Boolean);
  const readmeName = files.find((f) => /^readme(\.[a-z]+)?$/i.test(f));
  const readme = readmeName ? fs.readFileSync(path.join(dir, readmeName), 'utf8').slice(0, MAX_README_CHARS) : null;
  return { tree: files.slice(0, MAX_TREE_FILES), more: Math.max(0, files.length - MAX_TREE_FILES), readme };
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
