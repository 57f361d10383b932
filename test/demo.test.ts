/** The demo runs to the end on its own: six tasks, a diamond, overlapping scopes, one verify failure fixed. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerifyRun } from '../src/shared/checks';
import { DEMO_AGENT_NAME } from '../src/engine/plans/demo';
import { callApi, git, runCleanups, startEngine, tempDir, waitFor } from './helpers';

afterEach(runCleanups);

describe('the demo', () => {
  it('builds the calculator with its demo agent, through a failed verify, to every task merged', async () => {
    const engine = await startEngine();
    const { planId, repo } = await engine.createDemo(tempDir('sy-demo-'));
    await waitFor(() => engine.plans.get(planId).plan.status === 'done', 'the demo plan to finish', 150_000);
    const { plan, tasks } = engine.plans.get(planId);
    expect(plan.autoMerge).toBe(true);
    expect(tasks).toHaveLength(6);
    // The agent says what it is.
    for (const t of tasks) expect('command' in t.agent && t.agent.command).toContain(DEMO_AGENT_NAME);
    // calc failed verify once and fixed itself.
    const calc = tasks.find((t) => t.plan!.key === 'calc')!;
    const runs = await callApi<VerifyRun[]>(engine, 'tasks.verifyRuns', { taskId: calc.id });
    expect(runs.map((r) => r.status)).toEqual(['failed', 'passed']);
    // Everything is on the integration branch.
    const files = git(repo, 'ls-tree', '-r', '--name-only', plan.integrationBranch).split('\n');
    expect(files).toEqual(expect.arrayContaining(['src/util.js', 'src/math/add.js', 'src/math/mul.js', 'src/calc.js', 'docs/usage.md', 'README.md']));
    expect(path.basename(repo)).toBe('calculator');
  }, 180_000);
});
