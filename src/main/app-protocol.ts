/** Serves the built UI on app://switchyard/ with the desktop CSP, and nothing outside it. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { staticRelativePath } from '../shared/paths';
import { APP_SCHEME, DESKTOP_CSP } from './window-options';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

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
          'content-type': TYPES[path.extname(rel)] ?? 'application/octet-stream',
          'content-security-policy': DESKTOP_CSP,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
