/**
 * The protocol between the engine and ptyd over the Unix socket: length-prefixed binary
 * frames (see frames.ts) with a JSON header. A connection starts with a versioned hello;
 * either side drops a peer that speaks another version.
 */
import { z } from 'zod';
import type { TerminalClientMessage, TerminalServerMessage } from './terminal';
import type { ThemeName } from './terminal-colors';

export const PTYD_PROTOCOL_VERSION = 3;

/** ptyd writes its pid here, in the run folder beside its socket. */
export const PTYD_PID_FILE = 'ptyd.pid';

/** The signals a client may send to a session: enough for job control and stopping, nothing exotic. */
export const PTYD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGTSTP', 'SIGCONT', 'SIGUSR1', 'SIGUSR2', 'SIGKILL', 'SIGWINCH'] as const;
export type PtydSignal = (typeof PTYD_SIGNALS)[number];

/** Bounds of a session's mirror scrollback (lines); the default is MIRROR_SCROLLBACK. */
export const SCROLLBACK_MIN = 100;
export const SCROLLBACK_MAX = 100_000;

/** Session ids are also file names (session logs), so they are kept to a safe alphabet. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Each session's raw output is appended to `<session>.log` in the session-log folder; past
 * this size it becomes `<session>.log.1` (replacing the older one) and a new file starts.
 */
export const SESSION_LOG_ROTATE_BYTES = 8 * 1024 * 1024;
export function sessionLogFiles(session: string): { current: string; previous: string } {
  return { current: `${session}.log`, previous: `${session}.log.1` };
}
/** Written into a session log where output was skipped because the disk could not keep up. */
export const SESSION_LOG_GAP_MARKER = '\r\n[switchyard: log gap]\r\n';

export interface SpawnRequest {
  session: string;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** Lines of scrollback the mirror keeps (SCROLLBACK_MIN..SCROLLBACK_MAX, default MIRROR_SCROLLBACK). */
  scrollback?: number;
}

export interface SessionInfo {
  session: string;
  pid: number;
  cwd: string;
  alive: boolean;
  exitCode: number | null;
  signal: number | null;
  startedAt: number;
  /** When the process exited; an exited session stays listed for ptyd's retention period. */
  exitedAt: number | null;
  /** Bytes of output so far. */
  seq: number;
  /** Lines of scrollback its mirror keeps. */
  scrollback: number;
}

/** ptyd's answer to a ping. */
export interface PtydPing {
  pid: number;
  /** Sessions held, live or exited (and still retained). */
  sessions: number;
  live: number;
}

/** A session's visible screen as plain text, for supervision (needs-input, delivery checks). */
export interface ScreenText {
  /** Bytes of output parsed so far. */
  seq: number;
  /** Bytes of input written to the PTY so far (typing, feedback). */
  inputBytes: number;
  /** Milliseconds since the last output arrived (since the start, if none yet). */
  quietMs: number;
  /** The visible rows, top to bottom, right-trimmed. */
  lines: string[];
  /** The cursor, as a row in `lines` and a column. */
  cursorRow: number;
  cursorCol: number;
  /** The program turned on bracketed paste (DECSET 2004), so pasted text can be framed. */
  bracketedPaste: boolean;
  alive: boolean;
}

export type PtydRequest =
  | { op: 'open'; spec: SpawnRequest }
  | { op: 'kill'; session: string }
  /** To the session's foreground process group (Ctrl-C's target); a no-op once it has exited. */
  | { op: 'signal'; session: string; signal: PtydSignal }
  | { op: 'dispose'; session: string }
  | { op: 'list' }
  | { op: 'screen'; session: string }
  | { op: 'text'; session: string }
  | { op: 'transcript'; session: string; maxLines: number }
  | { op: 'ping' }
  /** Kills what is left of sessions this ptyd does not hold (a dead ptyd's agents): answers { killed }. */
  | { op: 'reap'; sessions: string[] }
  | { op: 'shutdown' }
  /** The theme the user sees, whose palette answers programs' colour queries. */
  | { op: 'theme'; theme: ThemeName };

/** A session's whole output as plain text lines (wrapped rows joined), for logs and parsing. */
export interface Transcript {
  lines: string[];
  /** Older lines were dropped to keep within maxLines (or the mirror's scrollback). */
  truncated: boolean;
  alive: boolean;
}

export type PtydClientHeader =
  /** `secret`: from ptyd.secret beside the socket, so only the same user's engine gets in. */
  | { op: 'hello'; version: number; secret?: string }
  | { op: 'req'; req: number; body: PtydRequest }
  | { op: 'term'; msg: TerminalClientMessage };

export type PtydServerHeader =
  /**
   * `refused`: why the connection is not taken (a wrong secret, or 'protocol' for another
   * version, with how many live sessions this daemon holds); the socket then closes.
   */
  | { op: 'hello'; version: number; pid: number; refused?: string; liveSessions?: number }
  | { op: 'res'; req: number; ok: true; value: unknown }
  | { op: 'res'; req: number; ok: false; error: string }
  | { op: 'exit'; session: string; exitCode: number | null; signal: number | null }
  /** A program asked its terminal for a desktop notification (OSC 9, OSC 777;notify). */
  | { op: 'notification'; session: string; text: string }
  | { op: 'term'; msg: TerminalServerMessage };

const sessionId = z.string().regex(SESSION_ID_PATTERN);

/** ptyd checks every request against this before acting on it. */
export const ptydRequestSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('open'),
    spec: z.object({
      session: sessionId,
      file: z.string().min(1).max(4096),
      args: z.array(z.string().max(1_000_000)).max(10_000),
      cwd: z.string().min(1).max(4096),
      env: z.record(z.string(), z.string()),
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(1).max(500),
      scrollback: z.number().int().min(SCROLLBACK_MIN).max(SCROLLBACK_MAX).optional(),
    }),
  }),
  z.object({ op: z.literal('kill'), session: sessionId }),
  z.object({ op: z.literal('signal'), session: sessionId, signal: z.enum(PTYD_SIGNALS) }),
  z.object({ op: z.literal('dispose'), session: sessionId }),
  z.object({ op: z.literal('list') }),
  z.object({ op: z.literal('screen'), session: sessionId }),
  z.object({ op: z.literal('text'), session: sessionId }),
  z.object({ op: z.literal('transcript'), session: sessionId, maxLines: z.number().int().min(1).max(1_000_000) }),
  z.object({ op: z.literal('ping') }),
  z.object({ op: z.literal('reap'), sessions: z.array(sessionId).max(10_000) }),
  z.object({ op: z.literal('shutdown') }),
  z.object({ op: z.literal('theme'), theme: z.enum(['dark', 'light']) }),
]);
