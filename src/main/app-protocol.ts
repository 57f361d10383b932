/** Serves the built UI on app://switchyard/ with the desktop CSP, and nothing outside it. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { contentTypeFor } from '../shared/content-types';
import { staticRelativePath } from '../shared/paths';
import { APP_SCHEME, DESKTOP_CSP } from './window-options';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const rel = staticRelativePath(new URL(request.url).pathname);
    if (rel === null) return new Response('bad path', { status: 400 });
    try {
      const body = await fs.readFile(path.join(rendererDir, rel));
      return new Response(body, {
        headers: {
          'content-type': contentTypeFor(rel),
          'content-security-policy': DESKTOP_CSP,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
