/**
 * Checks on every request to the loopback server. It binds 127.0.0.1 only, and still checks
 * the Host header (against DNS rebinding: evil.example resolving to 127.0.0.1) and the Origin
 * header (against a foreign page opening a WebSocket to us).
 */
import { buildCsp } from '../shared/csp';

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return typeof host === 'string' && allowedHosts(port).has(host.toLowerCase());
}

/**
 * A browser always sends Origin on a WebSocket handshake; it must be this server's own.
 * A client with no Origin is not a browser page (e.g. a script holding the token) and passes.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

export function contentSecurityPolicy(port: number): string {
  return buildCsp([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
}
