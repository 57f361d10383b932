/**
 * The CLI, headless: `switchyard plan import` starts an engine in the background when none
 * runs, and `plan start --auto-merge`, `plan status`, `task list` drive a whole plan to done.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlanView } from '../src/shared/contract';
import type { Task } from '../src/shared/task';
import { readServerFile } from '../src/engine/server-file';
import { CLI_FROM_SOURCE, connectPtyd, git, makeRepo, onCleanup, processAlive, runCleanups, scriptedAgent, tempDir, waitFor } from './helpers';

afterEach(runCleanups);
const run = promisify(execFile);

async function cli(dataDir: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(CLI_FROM_SOURCE.command, [...CLI_FROM_SOURCE.args, ...args, '--data-dir', dataDir], { timeout: 90_000 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('switchyard plan (CLI)', () => {
  it('imports, starts with auto-merge, and reports a plan to done, with a headless engine it started itself', async () => {
    const repo = makeRepo();
    const dataDir = tempDir('sy-cli-data-');
    onCleanup(async () => {
      const server = readServerFile(dataDir);
      if (server) {
        process.kill(server.pid, 'SIGTERM');
        await waitFor(() => !processAlive(server.pid), 'the headless engine to stop');
      }
      const ptyd = await connectPtyd(dataDir).catch(() => null);
      await ptyd?.shutdown().catch(() => {});
    });
    const agent = (key: string) => ({ profile: 'custom', command: scriptedAgent([{ write: { path: `${key}.txt`, content: `${key}\n` } }, { commit: `task ${key}` }, { exit: 0 }]) });
    const planFile = path.join(tempDir('sy-plan-'), 'plan.json');
    fs.writeFileSync(
      planFile,
      JSON.stringify({ name: 'From the CLI', tasks: [{ id: 'a', title: 'A', agent: agent('a') }, { id: 'b', title: 'B', agent: agent('b'), depends_on: ['a'] }, { id: 'c', title: 'C', agent: agent('c'), depends_on: ['a'] }] }),
    );

    // A usage error says what is missing, and starts no engine.
    const missing = await cli(dataDir, 'plan', 'start');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('say which plan id');
    expect(readServerFile(dataDir)).toBeNull();

    const outputs: string[] = [];
    const imported = await cli(dataDir, 'plan', 'import', planFile, '--project', repo, '--json');
    outputs.push(imported.stdout, imported.stderr);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('starting one in the background');
    const view = JSON.parse(imported.stdout) as PlanView;
    expect(view.tasks.map((t) => t.plan!.key)).toEqual(['a', 'b', 'c']);

    const status = await cli(dataDir, 'plan', 'status', view.plan.id);
    expect(status.stdout).toContain('Plan "From the CLI" — draft');
    expect(status.stdout).toMatch(/◌ #b\s+blocked\s+B {2}after #a {2}— waiting for #a/);

    const started = await cli(dataDir, 'plan', 'start', view.plan.id, '--auto-merge');
    expect(started.stdout).toContain('auto-merge on');
    await waitFor(async () => JSON.parse((await cli(dataDir, 'plan', 'status', view.plan.id, '--json')).stdout).plan.status === 'done', 'the plan to be done', 90_000);

    const tasks = JSON.parse((await cli(dataDir, 'task', 'list', '--json')).stdout) as Task[];
    expect(tasks.map((t) => t.state)).toEqual(['done', 'done', 'done']);
    expect(git(repo, 'ls-tree', '--name-only', 'sy/plan/from-the-cli').split('\n')).toEqual(expect.arrayContaining(['a.txt', 'b.txt', 'c.txt']));
    const final = await cli(dataDir, 'plan', 'status', view.plan.id);
    expect(final.stdout).toContain('3 of 3 merged');
    const finished = await cli(dataDir, 'plan', 'finish', view.plan.id, '--merge');
    expect(finished.stdout).toContain('Merged into main');
    expect(git(repo, 'ls-tree', '--name-only', 'main').split('\n')).toEqual(expect.arrayContaining(['a.txt', 'b.txt', 'c.txt']));
    outputs.push(status.stdout, started.stdout, started.stderr, final.stdout, finished.stdout, finished.stderr);
    // The token never shows: not in any output, not in the headless engine's log.
    const token = fs.readFileSync(path.join(dataDir, 'server-token'), 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    for (const o of outputs) expect(o).not.toContain(token);
    expect(fs.readFileSync(path.join(dataDir, 'headless.log'), 'utf8')).not.toContain(token);

    // Bad input gets a clear error and a failing exit code.
    const unknown = await cli(dataDir, 'plan', 'status', 'nope', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no plan nope');
    expect(JSON.parse(unknown.stdout)).toEqual({ error: { code: 'not-found', message: 'no plan nope' } });
    const misspelt = await cli(dataDir, 'plan', 'status', view.plan.id, '--jsn');
    expect(misspelt.code).toBe(2);
  }, 150_000);
});
