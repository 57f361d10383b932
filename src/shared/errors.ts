/**
 * Errors a user can act on. Every call that fails for a reason the user should read
 * fails with one of these codes and a sentence that says what to do.
 */
export const ERROR_CODES = [
  'invalid-input',
  'not-found',
  'not-a-directory',
  'not-a-repository',
  'bare-repository',
  'no-commits',
  'unknown-branch',
  'branch-exists',
  'bad-state',
  'agent-not-found',
  'git-failed',
  'ptyd-unavailable',
  /** A running ptyd speaks another protocol and still holds agent sessions: the message gives the plan. */
  'ptyd-version',
  /** A compare-and-set edit found the thing changed since it was read: reload and edit again. */
  'conflict',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SwitchyardError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof SwitchyardError) return err.toPayload();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

/** Begins every log line about an error nothing expected (a bug); the end-to-end tests fail on it. */
export const UNEXPECTED_ERROR_MARK = 'switchyard: unexpected error';
