#!/usr/bin/env node
// switchyard — start the cockpit.
//   switchyard [start]   the desktop app where Electron can run, else browser mode
//   switchyard serve     browser mode: the cockpit on 127.0.0.1, for any browser
//   switchyard build     build the app (done automatically when out/ is missing or stale)
//   switchyard plan …, switchyard task …   drive plans and tasks from scripts (see --help)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const [command = 'start', ...rest] = process.argv.slice(2);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds when out/ is missing or older than src/ (a checkout, not an installed package). */
function ensureBuilt() {
  const marker = path.join(ROOT, 'out', 'main', 'serve.js');
  const src = path.join(ROOT, 'src');
  const stale = !fs.existsSync(marker) || (fs.existsSync(src) && newestMtime(src) > fs.statSync(marker).mtimeMs);
  if (!stale) return;
  // stderr: a command's stdout (plan status --json) stays its own.
  process.stderr.write('Building Switchyard…\n');
  const cli = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary if it is installed and usable here, else the reason it is not. */
function findElectron() {
  if (process.env.SWITCHYARD_BROWSER === '1') return { reason: 'SWITCHYARD_BROWSER=1 asks for browser mode' };
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  const pathFile = path.join(pkgDir, 'path.txt');
  if (fs.existsSync(pathFile)) {
    const bin = path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8'));
    if (fs.existsSync(bin)) return noDisplay ? { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' } : { bin };
  }
  // The electron package fetches its runtime on first use; try once, quietly.
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status === 0 && r.stdout && fs.existsSync(r.stdout)) {
    return noDisplay ? { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' } : { bin: r.stdout };
  }
  return { reason: 'the Electron runtime is not downloaded and could not be fetched from this machine' };
}

function serve(args) {
  const child = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'serve.js'), ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

switch (command) {
  case 'build':
    ensureBuilt();
    break;
  case 'serve':
    ensureBuilt();
    serve(rest);
    break;
  case 'start': {
    ensureBuilt();
    const electron = findElectron();
    if (electron.bin) {
      const child = spawn(electron.bin, [ROOT, ...rest], { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
    } else {
      process.stdout.write(`Desktop mode is not available: ${electron.reason}.\nFalling back to browser mode.\n\n`);
      serve(rest);
    }
    break;
  }
  case 'plan':
  case 'task':
  case 'demo':
  case 'notify': {
    ensureBuilt();
    const child = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'cli.js'), command, ...rest], { stdio: 'inherit' });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    // Killed by a signal is a failure, as a shell would report it (128 + the signal).
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
    break;
  }
  case '-h':
  case '--help':
  case 'help':
    process.stdout.write(
      'usage: switchyard [start [--replace-ptyd] | serve [--port N] [--data-dir DIR] [--rotate-token] [--headless] [--replace-ptyd] | build]\n' +
        '       switchyard plan import|list|start|pause|stop|status|export …   (switchyard plan --help)\n' +
        '       switchyard task list|merge …\n' +
        '       switchyard demo                  a sample repository and a six-task plan, run by a demo agent\n',
    );
    break;
  default:
    process.stderr.write(`switchyard: unknown command "${command}". Try: switchyard --help\n`);
    process.exit(2);
}
