#!/usr/bin/env node
// npm run test:agents: the real agent CLIs, pinned and installed into a cache folder
// (install-agents.mjs), driven against the loopback mock model server (fixtures/mock-model).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installAgents } from './install-agents.mjs';

const bin = installAgents();
// Hooks run the built `switchyard` CLI, as in the app (from source they would start slower).
if (!fs.existsSync(path.join('out', 'main', 'cli.js'))) spawnSync(process.execPath, [path.join('node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
const r = spawnSync(process.execPath, [path.join('node_modules', 'vitest', 'vitest.mjs'), 'run', '-c', 'vitest.agents.config.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, SWITCHYARD_AGENT_BIN: bin },
});
process.exit(r.status ?? 1);
