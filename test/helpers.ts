/** Real things for engine tests: temporary git repositories, a real engine and a real ptyd. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quote } from 'shell-quote';
import { Engine, type EngineOptions } from '../src/engine/engine';
import type { PtydLaunch } from '../src/engine/ptyd/launcher';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTED_AGENT = path.join(ROOT, 'fixtures', 'scripted-agent', 'scripted-agent.mjs');

/** Runs ptyd from its TypeScript source, as the built app runs out/main/ptyd.js. */
export const PTYD_FROM_SOURCE: PtydLaunch = {
  command: process.execPath,
  args: ['--import', 'tsx', path.join(ROOT, 'src', 'ptyd', 'main.ts')],
};

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
  const engine = await Engine.start({ dataDir, ptydLaunch: PTYD_FROM_SOURCE, cols: 100, rows: 30, ...opts });
  onCleanup(() => engine.close({ stopPtyd: true }).catch(() => {}));
  return engine;
}

/** Writes a scripted-agent script and returns the custom command line that runs it. */
export function scriptedAgent(steps: unknown[]): string {
  const file = path.join(tempDir('sy-script-'), 'script.json');
  fs.writeFileSync(file, JSON.stringify({ steps }));
  return `${quote([process.execPath, SCRIPTED_AGENT, '--script', file])} {prompt}`;
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
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
