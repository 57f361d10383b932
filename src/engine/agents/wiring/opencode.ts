/**
 * OpenCode: a plugin, in a config folder named by OPENCODE_CONFIG_DIR (OpenCode reads that
 * folder besides the user's own). The plugin passes session.idle (turn ended),
 * permission.asked (needs input) and permission.replied (working) to `switchyard hook`, one
 * at a time and in order. (Not the session turning busy: OpenCode goes busy after a turn too,
 * to name the session, and the user's own typing already ends "your turn".) OpenCode installs its plugin package into every config folder
 * it reads, and offline that holds plugins back for about 70 s: the folder is given an install
 * that is already complete. A user who names a config folder of their own keeps it: the plugin
 * then rides in OPENCODE_CONFIG_CONTENT instead.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type HookWiring, type WiringContext } from './hook-wiring';
import { writeIfChanged } from './write-if-changed';

/** The plugin: plain JavaScript, no imports beyond Node's (OpenCode runs it under Bun). */
export function opencodePlugin(launcher: string): string {
  return `// Written by Switchyard: reports this OpenCode session's turns and permission questions.
import { spawn } from 'node:child_process';

const LAUNCHER = ${JSON.stringify(launcher)};

// One report at a time, in order: a "working" that overtook the "turn ended" after it would
// take the user's turn away.
let queue = Promise.resolve();

function run(event, payload) {
  return new Promise((resolve) => {
    try {
      const child = spawn(LAUNCHER, ['hook', event], { stdio: ['pipe', 'ignore', 'ignore'] });
      child.on('error', () => resolve());
      child.on('close', () => resolve());
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(payload));
    } catch {
      // Reporting must never disturb the agent.
      resolve();
    }
  });
}

function report(event, payload) {
  queue = queue.then(() => run(event, payload));
}

export const Switchyard = async () => ({
  event: async ({ event }) => {
    const p = event.properties ?? {};
    if (event.type === 'session.idle') report('turn-end', { session_id: p.sessionID });
    else if (event.type === 'permission.asked') report('needs-input', { session_id: p.sessionID, message: 'Permission asked: ' + (p.permission ?? 'a tool') + (p.patterns && p.patterns.length ? ' ' + p.patterns.join(' ') : '') });
    else if (event.type === 'permission.replied') report('working', { session_id: p.sessionID });
  },
});
`;
}

export function opencodeWiring(ctx: WiringContext): HookWiring {
  const dir = path.join(ctx.hooksDir, 'opencode');
  const plugin = path.join(dir, 'plugin', 'switchyard.js');
  writeIfChanged(plugin, opencodePlugin(ctx.launcher));
  // What OpenCode checks before installing its plugin package into a config folder: the package
  // named in package.json and in the lock, and node_modules there. Our plugin does not import it.
  const deps = { '@opencode-ai/plugin': '*' };
  writeIfChanged(path.join(dir, 'package.json'), `${JSON.stringify({ private: true, dependencies: deps })}\n`);
  writeIfChanged(path.join(dir, 'package-lock.json'), `${JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: deps } } })}\n`);
  writeIfChanged(path.join(dir, 'node_modules', '.switchyard'), 'OpenCode plugin folder written by Switchyard\n');
  if (!ctx.env.OPENCODE_CONFIG_DIR) return { args: [], env: { OPENCODE_CONFIG_DIR: dir } };
  return { args: [], env: { OPENCODE_CONFIG_CONTENT: withPlugin(ctx.env.OPENCODE_CONFIG_CONTENT, pathToFileURL(plugin).href) } };
}

/** The user's inline config with our plugin added to its list. */
function withPlugin(content: string | undefined, url: string): string {
  let config: Record<string, unknown> = {};
  try {
    const v: unknown = content ? JSON.parse(content) : {};
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) config = v as Record<string, unknown>;
  } catch {
    // Not JSON: OpenCode would reject it too; ours alone is better than a broken start.
  }
  const plugins = Array.isArray(config.plugin) ? (config.plugin as unknown[]) : [];
  return JSON.stringify({ ...config, plugin: [...plugins, url] });
}
