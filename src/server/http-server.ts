/**
 * The loopback server of browser mode: the built UI over HTTP and the API over a WebSocket,
 * on 127.0.0.1 only, behind a token and Host/Origin checks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { TOKEN_PARAM, WS_PATH } from '../shared/wire';
import type { Engine } from '../engine/engine';
import { contentSecurityPolicy, isAllowedHost, isAllowedOrigin } from './request-guard';
import { serveStatic } from './static-files';
import { tokensEqual } from './token';
import { serveConnection } from './ws-connection';

export interface LoopbackServerOptions {
  engine: Engine;
  token: string;
  /** The built renderer (out/renderer). */
  staticRoot: string;
  /** 0 picks a free port. */
  port: number;
}

export interface LoopbackServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startLoopbackServer(opts: LoopbackServerOptions): Promise<LoopbackServer> {
  let port = opts.port;
  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  });

  const server = http.createServer((req, res) => {
    if (!isAllowedHost(req.headers.host, port)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong Host header');
      return;
    }
    serveStatic(opts.staticRoot, req, res, securityHeaders());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    // Until ws takes the socket, a reset from the other end is ours to handle, or it ends the server.
    socket.on('error', () => socket.destroy());
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${HOST}`);
    } catch {
      return reject(400, 'Bad Request');
    }
    if (url.pathname !== WS_PATH) return reject(404, 'Not Found');
    if (!isAllowedHost(req.headers.host, port)) return reject(421, 'Misdirected Request');
    if (!isAllowedOrigin(req.headers.origin, port)) return reject(403, 'Forbidden');
    if (!tokensEqual(url.searchParams.get(TOKEN_PARAM), opts.token)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, opts.engine));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://${HOST}:${port}/#${TOKEN_PARAM}=${opts.token}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
