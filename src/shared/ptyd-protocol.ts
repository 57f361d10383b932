/**
 * The protocol between the engine and ptyd over the Unix socket: length-prefixed binary
 * frames (see frames.ts) with a JSON header. A connection starts with a versioned hello;
 * either side drops a peer that speaks another version.
 */
import { z } from 'zod';
import type { TerminalClientMessage, TerminalServerMessage } from './terminal';

export const PTYD_PROTOCOL_VERSION = 1;

export interface SpawnRequest {
  session: string;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

export interface SessionInfo {
  session: string;
  pid: number;
  cwd: string;
  alive: boolean;
  exitCode: number | null;
  signal: number | null;
  startedAt: number;
  /** Bytes of output so far. */
  seq: number;
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
  | { op: 'spawn'; spec: SpawnRequest }
  | { op: 'kill'; session: string }
  | { op: 'dispose'; session: string }
  | { op: 'list' }
  | { op: 'screen'; session: string }
  | { op: 'text'; session: string }
  | { op: 'transcript'; session: string; maxLines: number }
  | { op: 'shutdown' };

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
  /** `refused`: why the connection is not taken (a wrong secret); the socket then closes. */
  | { op: 'hello'; version: number; pid: number; refused?: string }
  | { op: 'res'; req: number; ok: true; value: unknown }
  | { op: 'res'; req: number; ok: false; error: string }
  | { op: 'exit'; session: string; exitCode: number | null; signal: number | null }
  | { op: 'term'; msg: TerminalServerMessage };

const sessionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** ptyd checks every request against this before acting on it. */
export const ptydRequestSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('spawn'),
    spec: z.object({
      session: sessionId,
      file: z.string().min(1).max(4096),
      args: z.array(z.string().max(1_000_000)).max(10_000),
      cwd: z.string().min(1).max(4096),
      env: z.record(z.string(), z.string()),
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(1).max(500),
    }),
  }),
  z.object({ op: z.literal('kill'), session: sessionId }),
  z.object({ op: z.literal('dispose'), session: sessionId }),
  z.object({ op: z.literal('list') }),
  z.object({ op: z.literal('screen'), session: sessionId }),
  z.object({ op: z.literal('text'), session: sessionId }),
  z.object({ op: z.literal('transcript'), session: sessionId, maxLines: z.number().int().min(1).max(1_000_000) }),
  z.object({ op: z.literal('shutdown') }),
]);
