/**
 * The `switchyard` command agents find on their PATH: a small sh launcher in the data folder
 * that runs the notify CLI the way this engine was told to (the built cli.js under Node or
 * Electron-as-Node, or the TypeScript source in tests). Rewritten at every engine start, so a
 * moved or updated app never leaves agents with a stale path.
 */
import fs from 'node:fs';
import path from 'node:path';

/** How to run the CLI: like EngineOptions.ptydLaunch, a command, its arguments and extra env. */
export interface CliLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export function cliBinDir(dataDir: string): string {
  return path.join(dataDir, 'bin');
}

/** Single-quotes a word for sh; the launcher's words are our own paths, never user input. */
function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function launcherScript(launch: CliLaunch): string {
  const env = Object.entries(launch.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`not an environment variable name: ${k}`);
    return `${k}=${shQuote(v)}`;
  });
  const argv = [launch.command, ...launch.args].map(shQuote).join(' ');
  return [
    '#!/bin/sh',
    '# switchyard: lets an agent report on its own task (switchyard notify …). Written by the engine.',
    ...env.map((e) => `export ${e}`),
    `exec ${argv} "$@"`,
    '',
  ].join('\n');
}

/** Writes the launcher (atomically) and returns the folder to put first on agents' PATH. */
export function installCliLauncher(dataDir: string, launch: CliLaunch): string {
  const dir = cliBinDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'switchyard');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, launcherScript(launch), { mode: 0o700 });
  fs.renameSync(tmp, file);
  return dir;
}
