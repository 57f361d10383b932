/**
 * The browser-mode token: random, kept in a 0600 file in the data directory so that a
 * restarted server and a reconnecting browser agree on it. Rotating writes a new one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { SERVER_TOKEN_FILE as TOKEN_FILE } from '../shared/wire';

export function tokenPath(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE);
}

export function loadOrCreateToken(dataDir: string): string {
  const file = tokenPath(dataDir);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (/^[a-f0-9]{64}$/.test(existing)) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // none yet
  }
  return rotateToken(dataDir);
}

export function rotateToken(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = crypto.randomBytes(32).toString('hex');
  const file = tokenPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  return token;
}

/** Constant-time comparison, so the token cannot be guessed a byte at a time. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
