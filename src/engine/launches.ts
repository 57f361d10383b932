/**
 * How Switchyard's own Node processes are started: from the built bundles (out/main/*.js) in
 * the app, or from their TypeScript sources through tsx when running from a checkout's src/
 * (tests, `switchyard` run before a build). tsx is named by path, so it resolves from any cwd.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface NodeLaunch {
  command: string;
  args: string[];
}

/** `here` is the calling module's folder: out/main when built, src/<part> from source. */
export function siblingLaunch(here: string, name: 'ptyd' | 'cli' | 'serve'): NodeLaunch {
  const built = path.join(here, `${name}.js`);
  if (fs.existsSync(built)) return { command: process.execPath, args: [built] };
  const root = path.resolve(here, '..', '..');
  const source = { ptyd: 'src/ptyd/main.ts', cli: 'src/cli/main.ts', serve: 'src/server/serve.ts' }[name];
  const loader = path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  return { command: process.execPath, args: ['--import', loader, path.join(root, source)] };
}
