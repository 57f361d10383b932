/**
 * What a chaos test knows independently of the engine: the tasks it was told were created,
 * the agents that must still be running, and the exact bytes each long-running agent printed,
 * so the screen ptyd replays can be compared with a mirror of our own.
 */
import fs from 'node:fs';
import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import Database from 'libsql';
import type { PtydClient } from '../../src/engine/ptyd/client';
import type { TerminalServerMessage } from '../../src/shared/terminal';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The text a long-running agent prints: colours, wide lines, many rows, in two bursts (the
 * second after a pause, so a kill often falls between them); `part` picks one.
 */
export function longAgentOutput(key: string, part: 1 | 2 | 'all' = 'all', lines = 120): string {
  if (part === 'all') return `${longAgentOutput(key, 1, lines)}\n${longAgentOutput(key, 2, lines)}`;
  const out: string[] = [];
  const [from, to] = part === 1 ? [0, lines / 2] : [lines / 2, lines];
  for (let i = from; i < to; i++) {
    const colour = 31 + (i % 6);
    const wide = i % 17 === 0 ? ` ${'=·'.repeat(70)}` : '';
    out.push(`\u001b[${colour}m${key}\u001b[0m line ${i} ✓${wide}`);
  }
  if (part === 2) out.push(`${key}: waiting`);
  return out.join('\n');
}

/** Every line of a terminal's buffer (scrollback and screen) and where its cursor is. */
function bufferOf(term: InstanceType<typeof Terminal>): { lines: string[]; cursor: [number, number] } {
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return { lines, cursor: [buf.cursorX, buf.cursorY] };
}

function written(term: InstanceType<typeof Terminal>, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

/**
 * An independent mirror: a headless terminal fed the bytes the agent wrote. The PTY turns
 * "\n" into "\r\n" on the way out; `convertEol` does the same here.
 */
export async function independentMirror(printed: string, cols: number, rows: number, scrollback: number): Promise<{ lines: string[]; cursor: [number, number]; serialized: string }> {
  const term = new Terminal({ cols, rows, scrollback, allowProposedApi: true, convertEol: true });
  const ser = new SerializeAddon();
  term.loadAddon(ser);
  await written(term, printed + '\n');
  const out = { ...bufferOf(term), serialized: ser.serialize() };
  term.dispose();
  return out;
}

/** A snapshot as a window receives it: the screen's size and the serialized bytes. */
export interface Snapshot {
  cols: number;
  rows: number;
  payload: Uint8Array;
}

/** ptyd's own snapshot of a session, straight from the daemon. */
export function ptydSnapshot(ptyd: PtydClient, session: string): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    const sub = ptyd.attach(session, (msg: TerminalServerMessage, payload) => {
      if (msg.t === 'snapshot') {
        ptyd.detach(sub);
        resolve({ cols: msg.cols, rows: msg.rows, payload });
      } else if (msg.t === 'error') {
        ptyd.detach(sub);
        reject(new Error(msg.message));
      }
    });
  });
}

/** What a terminal that attaches is shown: the snapshot, replayed into a fresh terminal. */
export async function replayedScreen(snapshot: Snapshot, scrollback: number): Promise<{ lines: string[]; cursor: [number, number] }> {
  const term = new Terminal({ cols: snapshot.cols, rows: snapshot.rows, scrollback, allowProposedApi: true });
  await written(term, snapshot.payload);
  const out = bufferOf(term);
  term.dispose();
  return out;
}

/** `PRAGMA integrity_check` of the store as the crash left it. */
export function integrityCheck(dbFile: string): string {
  if (!fs.existsSync(dbFile)) return 'no database file';
  const db = new Database(dbFile);
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}
