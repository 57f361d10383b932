/**
 * How tests run Switchyard's own processes from source: ptyd, the agents' CLI, and the
 * environment every agent gets. Free of vitest, so a child process (the chaos tests' engine)
 * can use it too.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PtydLaunch } from '../src/engine/ptyd/launcher';
import type { CliLaunch } from '../src/engine/supervision/cli-launcher';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTED_AGENT = path.join(ROOT, 'fixtures', 'scripted-agent', 'scripted-agent.mjs');

/** Runs ptyd from its TypeScript source, as the built app runs out/main/ptyd.js. */
export const PTYD_FROM_SOURCE: PtydLaunch = {
  command: process.execPath,
  args: ['--import', 'tsx', path.join(ROOT, 'src', 'ptyd', 'main.ts')],
};

/**
 * Runs the agents' `switchyard` CLI from its TypeScript source, as the built app runs
 * out/main/cli.js. tsx is named by path: agents run in worktrees where it cannot be resolved.
 */
export const CLI_FROM_SOURCE: CliLaunch = {
  command: process.execPath,
  args: ['--import', path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'), path.join(ROOT, 'src', 'cli', 'main.ts')],
};

/**
 * Agents' login shells must not wait on pyenv: a shell killed mid-`pyenv rehash` (by a test's
 * clean-up) leaves its lock behind, and every later login shell waits a minute for it.
 */
export const HERMETIC_SHELL_ENV = { PYENV_REHASH_TIMEOUT: '1' };
