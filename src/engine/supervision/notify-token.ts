/** Per-task notify tokens: random, and compared in constant time. */
import crypto from 'node:crypto';

export function newNotifyToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Hashing first gives equal lengths, so timingSafeEqual reveals nothing, not even the length. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
