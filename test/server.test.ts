/** The loopback server's guards, against a real engine: token, Host, Origin, and paths. */
import fs from 'node:fs';
import http from 'node:http';
import net, { type Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLoopbackServer } from '../src/server/http-server';
import { contentSecurityPolicy, isAllowedHost, isAllowedOrigin } from '../src/server/request-guard';
import { resolveStaticPath } from '../src/server/static-files';
import { loadOrCreateToken, rotateToken, tokenPath, tokensEqual } from '../src/server/token';
import { onCleanup, runCleanups, startEngine, tempDir } from './helpers';

afterEach(runCleanups);

async function serve() {
  const engine = await startEngine();
  const staticRoot = tempDir('sy-static-');
  fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>ok</title>');
  fs.writeFileSync(path.join(tempDir('sy-secret-'), 'secret.txt'), 'secret');
  const token = loadOrCreateToken(engine.dataDir);
  const server = await startLoopbackServer({ engine, token, staticRoot, port: 0 });
  onCleanup(() => server.close());
  return { server, token, engine };
}

/** Opens a WebSocket and reports how the handshake ended: 'open' or the HTTP status. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<{ result: 'open' | number; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ result: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ result: res.statusCode ?? 0, ws }));
    ws.once('error', () => {});
  });
}

function get(port: number, urlPath: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('loopback server', () => {
  it('refuses a WebSocket without the token, with a wrong token, a foreign Origin or a wrong Host', async () => {
    const { server, token } = await serve();
    const base = `ws://127.0.0.1:${server.port}/api`;
    const origin = `http://127.0.0.1:${server.port}`;
    expect((await handshake(base, { origin })).result).toBe(401);
    expect((await handshake(`${base}?token=${'0'.repeat(64)}`, { origin })).result).toBe(401);
    expect((await handshake(`${base}?token=${token}`, { origin: 'http://evil.example' })).result).toBe(403);
    expect((await handshake(`${base}?token=${token}`, { origin: 'null' })).result).toBe(403);
    expect((await handshake(`${base}?token=${token}`, { origin, host: `evil.example:${server.port}` })).result).toBe(421);
    const ok = await handshake(`${base}?token=${token}`, { origin });
    expect(ok.result).toBe('open');
    const reply = await new Promise<unknown>((resolve) => {
      ok.ws.once('message', (data) => resolve(JSON.parse(data.toString())));
      ok.ws.send(JSON.stringify({ kind: 'rpc', id: 7, method: 'app.info', input: {} }));
    });
    expect(reply).toMatchObject({ kind: 'rpc', id: 7, ok: true, output: { mode: 'browser' } });
    ok.ws.close();
  });

  it('validates every call against the contract', async () => {
    const { server, token } = await serve();
    const { ws } = await handshake(`ws://127.0.0.1:${server.port}/api?token=${token}`);
    const call = (id: number, method: string, input: unknown) =>
      new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => {
        const onMsg = (data: WebSocket.RawData): void => {
          const m = JSON.parse(data.toString()) as { id: number; ok: boolean; error?: { code: string; message: string } };
          if (m.id !== id) return;
          ws.off('message', onMsg);
          resolve(m);
        };
        ws.on('message', onMsg);
        ws.send(JSON.stringify({ kind: 'rpc', id, method, input }));
      });
    expect(await call(1, 'tasks.create', { projectId: 'x', title: '', prompt: '', agent: { profile: 'shell' } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call(2, 'tasks.diff', { taskId: '../../etc' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call(3, 'no.such.call', {})).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await call(4, 'projects.open', { path: '/definitely/not/here' })).toMatchObject({ ok: false, error: { code: 'not-a-directory' } });
    ws.close();
  });

  it('a malformed WebSocket frame or terminal frame ends that connection, and the server serves on', async () => {
    const { server, token } = await serve();
    const url = `ws://127.0.0.1:${server.port}/api?token=${token}`;
    const closed = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    // A frame with a reserved opcode (3), written under the client library's checks.
    const bad = (await handshake(url)).ws;
    const badClosed = closed(bad);
    (bad as unknown as { _socket: Socket })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
    expect(await badClosed).toBe(1002);
    // A binary message that is not a terminal frame.
    const garbled = (await handshake(url)).ws;
    const garbledClosed = closed(garbled);
    garbled.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 1]));
    expect(await garbledClosed).toBe(1003);
    const ok = await handshake(url);
    expect(ok.result).toBe('open');
    const reply = await new Promise<unknown>((resolve) => {
      ok.ws.once('message', (data) => resolve(JSON.parse(data.toString())));
      ok.ws.send(JSON.stringify({ kind: 'rpc', id: 1, method: 'app.info', input: {} }));
    });
    expect(reply).toMatchObject({ ok: true });
    ok.ws.close();
  });

  it('a connection reset during a refused upgrade, or an upgrade to a URL that does not parse, ends only that connection', async () => {
    const { server, token } = await serve();
    const upgradeRequest = (target: string, query: string): string =>
      [`GET ${target}${query} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', '', ''].join('\r\n');
    // A wrong token, then a reset before the refusal is written.
    for (let i = 0; i < 5; i++) {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((r) => socket.once('connect', r));
      socket.write(upgradeRequest('/api', '?token=wrong'));
      socket.resetAndDestroy();
    }
    // A request target the URL parser refuses.
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(upgradeRequest('//[', '')));
      let text = '';
      socket.on('data', (c) => (text += c));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const ok = await handshake(`ws://127.0.0.1:${server.port}/api?token=${token}`);
    expect(ok.result).toBe('open');
    ok.ws.close();
  });

  it('serves the UI with a CSP, checks Host, and never leaves its folder', async () => {
    const { server } = await serve();
    const index = await get(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get(server.port, '/', `evil.example:${server.port}`)).status).toBe(421);
    expect((await get(server.port, '/../sy-secret/secret.txt')).status).not.toBe(200);
    expect((await get(server.port, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(400);
    expect((await get(server.port, '/..%2f..%2fetc%2fpasswd')).status).toBe(400);
  });
});

describe('request guards', () => {
  it('accepts only loopback hosts and our own origin', () => {
    expect(isAllowedHost('127.0.0.1:4178', 4178)).toBe(true);
    expect(isAllowedHost('localhost:4178', 4178)).toBe(true);
    expect(isAllowedHost('127.0.0.1:4179', 4178)).toBe(false);
    expect(isAllowedHost('attacker.example:4178', 4178)).toBe(false);
    expect(isAllowedHost(undefined, 4178)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:4178', 4178)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4178.evil.example', 4178)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:4178', 4178)).toBe(false);
    expect(contentSecurityPolicy(4178)).toContain("object-src 'none'");
  });

  it('resolves static paths inside the root only', () => {
    expect(resolveStaticPath('/srv/ui', '/')).toBe('/srv/ui/index.html');
    expect(resolveStaticPath('/srv/ui', '/assets/a.js?v=1')).toBe('/srv/ui/assets/a.js');
    expect(resolveStaticPath('/srv/ui', '/../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/srv/ui', '/a/%2e%2e/%2e%2e/b')).toBeNull();
    expect(resolveStaticPath('/srv/ui', '/a%00b')).toBeNull();
    expect(resolveStaticPath('/srv/ui', '/a\\..\\b')).toBeNull();
  });
});

describe('token file', () => {
  it('is 0600, stable across restarts, and rotates', () => {
    const dir = tempDir();
    const t1 = loadOrCreateToken(dir);
    expect(t1).toMatch(/^[a-f0-9]{64}$/);
    expect(fs.statSync(tokenPath(dir)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(dir)).toBe(t1);
    const t2 = rotateToken(dir);
    expect(t2).not.toBe(t1);
    expect(loadOrCreateToken(dir)).toBe(t2);
    expect(tokensEqual(t2, t2)).toBe(true);
    expect(tokensEqual(t1, t2)).toBe(false);
    expect(tokensEqual(undefined, t2)).toBe(false);
  });
});
