#!/usr/bin/env node
// Installs the pinned agent CLIs (scripts/agent-pins.json) into a cache folder outside the
// repository, once per set of pins, and prints the folder holding their executables. Optional
// dependencies and install scripts are kept: Claude Code brings its native binary that way.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pins = Object.fromEntries(Object.entries(JSON.parse(fs.readFileSync(path.join(here, 'agent-pins.json'), 'utf8'))).filter(([k]) => !k.startsWith('//')));
const key = crypto.createHash('sha256').update(JSON.stringify(pins)).digest('hex').slice(0, 12);
const cacheRoot = process.env.SWITCHYARD_AGENT_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'switchyard', 'agents');
const dir = path.join(cacheRoot, key);
const bin = path.join(dir, 'node_modules', '.bin');
const done = path.join(dir, '.installed');

export function installAgents(log = (s) => process.stderr.write(s)) {
  if (fs.existsSync(done)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'switchyard-test-agents', private: true, dependencies: pins }, null, 2)}\n`);
  log(`Installing the pinned agent CLIs into ${dir}…\n`);
  const started = Date.now();
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm install of the agent CLIs failed (exit ${r.status}) in ${dir}`);
  for (const exe of ['claude', 'codex', 'gemini', 'opencode']) {
    if (!fs.existsSync(path.join(bin, exe))) throw new Error(`${exe} is missing from ${bin} after the install`);
  }
  fs.writeFileSync(done, `${new Date().toISOString()}\n`);
  log(`Installed in ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${installAgents()}\n`);
