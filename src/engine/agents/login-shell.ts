/** The user's login shell: $SHELL when it exists, else the usual suspects. */
import fs from 'node:fs';

export function loginShell(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SHELL, '/bin/bash', '/bin/zsh', '/bin/sh'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return '/bin/sh';
}
