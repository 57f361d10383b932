/**
 * Per-run notify tokens: random, new at every agent start (so an old run's leftovers lose
 * their voice), stored only as a hash, and compared in constant time.
 */
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

/** What the store keeps: a token is never written down in the clear. */
export function hashNotifyToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
