/** Real things for engine tests: temporary git repositories, a real engine and a real ptyd. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quote } from 'shell-quote';
import { expect } from 'vitest';
import { Engine, type EngineOptions } from '../src/engine/engine';
import { dispatch } from '../src/shared/dispatch';
import type { Method } from '../src/shared/contract';
import { PtydClient } from '../src/engine/ptyd/client';
import { ptydPaths } from '../src/engine/ptyd/launcher';
import { SwitchyardError, type ErrorCode } from '../src/shared/errors';
import type { Task, TaskState } from '../src/shared/task';
import { CLI_FROM_SOURCE, HERMETIC_SHELL_ENV, PTYD_FROM_SOURCE, SCRIPTED_AGENT } from './launches';

export { CLI_FROM_SOURCE, HERMETIC_SHELL_ENV, PTYD_FROM_SOURCE, ROOT, SCRIPTED_AGENT } from './launches';

const cleanups: (() => void | Promise<void>)[] = [];

export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!();
}

export function tempDir(prefix = 'sy-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** git's output exactly as printed, for byte-for-byte comparisons. */
export function gitRaw(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A repository on `main` with one commit holding `files`. */
export function makeRepo(files: Record<string, string> = { 'README.md': '# demo\n' }, name = 'repo'): string {
  const dir = path.join(tempDir(), name);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}


export async function startEngine(opts: Partial<EngineOptions> = {}): Promise<Engine> {
  const dataDir = opts.dataDir ?? tempDir('sy-data-');
  const engine = await Engine.start({ dataDir, ptydLaunch: PTYD_FROM_SOURCE, cliLaunch: CLI_FROM_SOURCE, cols: 100, rows: 30, ...opts, agentEnv: { ...HERMETIC_SHELL_ENV, ...opts.agentEnv } });
  onCleanup(() => engine.close({ stopPtyd: true }).catch(() => {}));
  return engine;
}

/** Writes a scripted-agent script and returns the custom command line that runs it. */
export function scriptedAgent(steps: unknown[]): string {
  const file = path.join(tempDir('sy-script-'), 'script.json');
  fs.writeFileSync(file, JSON.stringify({ steps }));
  // After `--`, a prompt that starts with `--` is still the prompt.
  return `${quote([process.execPath, SCRIPTED_AGENT, '--script', file])} -- {prompt}`;
}

export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`, { cause: last });
}

/** Waits until the task is in `state` (one of `states`) and returns it. */
export async function waitForState(engine: Engine, taskId: string, state: TaskState | TaskState[], timeoutMs?: number): Promise<Task> {
  const states = Array.isArray(state) ? state : [state];
  let last: Task | null = null;
  try {
    return await waitFor(
      () => {
        last = engine.store.task(taskId);
        return states.includes(last.state) ? last : null;
      },
      `task ${taskId} to become ${states.join(' or ')}`,
      timeoutMs,
    );
  } catch (err) {
    const t = last as Task | null;
    throw new Error(`${(err as Error).message}; it is ${t?.state ?? 'unknown'} (${t?.stateReason ?? ''})`, { cause: err });
  }
}

/** Expects a SwitchyardError with `code`, and returns it for further checks. */
export async function expectError(p: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<SwitchyardError> {
  let caught: unknown = null;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a SwitchyardError "${code}"`).toBeInstanceOf(SwitchyardError);
  expect((caught as SwitchyardError).code).toBe(code);
  return caught as SwitchyardError;
}

/** Every ref of a repository and what it points at, as git prints them: compare before and after. */
export function allRefs(repo: string): string {
  return git(repo, 'for-each-ref', '--format=%(objectname) %(refname) %(symref)');
}

/** Every file under `dir` (not .git) with its bytes, for byte-for-byte comparisons of a checkout. */
export function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (r === '.git') continue;
      if (entry.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/** A second, independent connection to the engine's ptyd, to ask it what it really has. */
export async function connectPtyd(dataDir: string): Promise<PtydClient> {
  const client = await PtydClient.connect(ptydPaths(dataDir).socketPath);
  onCleanup(() => client.close());
  return client;
}

/** True while `pid` is a live process (a zombie nobody has reaped yet counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Linux: "pid (comm) S ..."; a zombie has state Z. Elsewhere, trust kill(0).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * A call through the contract, as a UI would make it: input validated by its schema, errors
 * thrown with their code.
 */
export async function callApi<T = unknown>(engine: Engine, method: Method, input: unknown): Promise<T> {
  const res = await dispatch(engine.handlers(), 1, method, input);
  if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
  return res.output as T;
}
