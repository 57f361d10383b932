/**
 * The terminal channel: output bytes numbered by sequence, snapshots for (re)attach, and
 * flow control by acknowledgement. The same messages run between ptyd and the engine and
 * between the engine and the UI; the engine only relays them.
 */
import { z } from 'zod';

/** Flow control, after VS Code's pty host: stop sending past HIGH unacked bytes, resume below LOW. */
export const FLOW_HIGH_WATERMARK = 100_000;
export const FLOW_LOW_WATERMARK = 5_000;
/** The UI acknowledges every this many bytes it has written into its terminal. */
export const FLOW_ACK_EVERY = 5_000;

/** Scrollback kept by ptyd's mirror and replayed to a (re)attaching terminal. */
export const MIRROR_SCROLLBACK = 5_000;

/** From the UI (or engine) to the terminal owner. */
export type TerminalClientMessage =
  | { t: 'attach'; sub: number; session: string }
  | { t: 'detach'; sub: number }
  | { t: 'ack'; sub: number; bytes: number }
  | { t: 'input'; session: string } // payload: the bytes typed
  | { t: 'resize'; session: string; cols: number; rows: number };

/** From the terminal owner to the UI (or engine). */
export type TerminalServerMessage =
  /** The serialized screen as of `seq`; live bytes follow from `seq` on. */
  | { t: 'snapshot'; sub: number; seq: number; cols: number; rows: number } // payload: serialized screen
  /** Live output: payload bytes, which start at output offset `seq`. */
  | { t: 'data'; sub: number; seq: number }
  | { t: 'exit'; sub: number; exitCode: number | null; signal: number | null }
  | { t: 'error'; sub: number; message: string };

const sub = z.number().int().min(0).max(2 ** 31 - 1);
const session = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** The schema every client message is checked against before it reaches a PTY. */
export const terminalClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('attach'), sub, session }),
  z.object({ t: z.literal('detach'), sub }),
  z.object({ t: z.literal('ack'), sub, bytes: z.number().int().min(0).max(2 ** 31 - 1) }),
  z.object({ t: z.literal('input'), session }),
  z.object({ t: z.literal('resize'), session, cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }),
]);

export function parseTerminalClientMessage(v: unknown): TerminalClientMessage | null {
  const r = terminalClientMessageSchema.safeParse(v);
  return r.success ? r.data : null;
}
