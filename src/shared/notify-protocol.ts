/**
 * `switchyard notify`: how an agent reports on its own task. The CLI sends one JSON line over
 * the engine's notify socket and reads one JSON line back. Each request carries its task's
 * notify token; a token can only report on its own task, and this socket takes nothing else.
 */
import { z } from 'zod';

export const NOTIFY_PROTOCOL_VERSION = 1;

/** What every agent process finds in its environment. */
export const TASK_ENV = {
  taskId: 'SWITCHYARD_TASK_ID',
  worktree: 'SWITCHYARD_WORKTREE',
  token: 'SWITCHYARD_NOTIFY_TOKEN',
  socket: 'SWITCHYARD_NOTIFY_SOCKET',
} as const;

/**
 * needs-input: the agent waits on a question (a permission); done: the agent says the work is
 * done (the verify gate may run); message: a line for the card. From an agent's own hooks also:
 * turn-end: the agent finished a turn and waits for the user's next message ("your turn");
 * working: the agent took up work again (a prompt was submitted, a permission answered).
 */
export const NOTIFY_KINDS = ['needs-input', 'done', 'message', 'turn-end', 'working'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** An agent's own session id as its hooks report it (Claude's session_id, Codex's thread id…). */
// It becomes an argument (`--resume <id>`): it never starts with "-".
export const agentSessionIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);

/** Longest message kept; a hook may hand over a whole transcript, and the card needs a line. */
export const NOTIFY_MESSAGE_MAX = 2000;
/** Longest request line the engine reads before dropping the connection. */
export const NOTIFY_LINE_MAX = 16 * 1024;

export const notifyRequestSchema = z
  .object({
    v: z.literal(NOTIFY_PROTOCOL_VERSION),
    op: z.literal('notify'),
    taskId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    token: z.string().min(16).max(256),
    kind: z.enum(NOTIFY_KINDS),
    message: z.string().max(NOTIFY_MESSAGE_MAX).nullable(),
    /** Sent by the agent's own hook (`switchyard hook …`), not by a `switchyard notify` it ran. */
    source: z.enum(['hook', 'notify']).optional(),
    /** The agent's own session id, for resuming exactly this conversation. */
    agentSession: agentSessionIdSchema.nullable().optional(),
  })
  .strict();

export type NotifyRequest = z.infer<typeof notifyRequestSchema>;

export const notifyResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), summary: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export type NotifyResponse = z.infer<typeof notifyResponseSchema>;
