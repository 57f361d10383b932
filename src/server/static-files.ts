/** Serves the built UI from one folder, and nothing outside it. */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { contentTypeFor } from '../shared/content-types';
import { staticRelativePath } from '../shared/paths';

/** The file a URL path names inside `root`, or null if it would escape `root`. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  const rel = staticRelativePath(urlPath);
  return rel === null ? null : path.join(root, rel);
}

export function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  const file = resolveStaticPath(root, req.url ?? '/');
  if (!file) {
    res.writeHead(400, headers).end('bad path');
    return;
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = contentTypeFor(file);
    const cache = file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(st.size), 'cache-control': cache });
    if (req.method === 'HEAD') res.end();
    // A file removed between the stat and the read ends this response, not the server.
    else fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
}
