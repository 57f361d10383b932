/**
 * The flood test: an agent prints 200 MB while no client is attached, then again while a client
 * attaches and reads slowly. In both runs ptyd's memory stays bounded, the agent is never
 * blocked, and the screen the client ends with equals an independent mirror fed the same bytes.
 *
 * Real parts only: a real ptyd (started as the engine starts it), real PTYs, a real socket. The
 * agent is fixtures/flood-generator.mjs, deterministic; the independent mirror is a headless
 * xterm fed the same generator's output through a plain pipe (with `convertEol`, since a PTY
 * turns "\n" into "\r\n"), and the generator's own digest proves both runs printed those bytes.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import serializeAddon from '@xterm/addon-serialize';
import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import type { PtydClient } from '../src/engine/ptyd/client';
import { connectOrStartPtyd, ptydPaths } from '../src/engine/ptyd/launcher';
import { MIRROR_SCROLLBACK, type TerminalServerMessage } from '../src/shared/terminal';
import { PTYD_FROM_SOURCE, ROOT, onCleanup, processAlive, runCleanups, tempDir, waitFor } from './helpers';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;
type Term = InstanceType<typeof Terminal>;

afterEach(runCleanups);

const GENERATOR = path.join(ROOT, 'fixtures', 'flood-generator.mjs');
const FLOOD_BYTES = 200 * 1024 * 1024;
const COLS = 120;
const ROWS = 40;
/**
 * How much ptyd's RSS may grow over the run: far below the 200 MB printed, so a daemon that kept
 * the output (for the mirror, or for a subscriber) would fail. It holds a 5,000-line mirror and
 * the garbage of parsing, a few MB queued for its session log, and a few hundred KB per
 * subscriber at most. (Measured: about 40-45 MB of growth.)
 */
const RSS_GROWTH_LIMIT_MB = 100;
/** The slow client: acknowledges at most this much, this often. */
const SLOW_ACK_BYTES = 64 * 1024;
const SLOW_ACK_EVERY_MS = 50;

interface Screen {
  /** The visible rows, right-trimmed. */
  lines: string[];
  cursorRow: number;
  cursorCol: number;
  /** The visible rows with their colours and attributes, as the serialize addon writes them. */
  serialized: string;
}

function newTerminal(opts: { convertEol?: boolean } = {}): { term: Term; screen: () => Promise<Screen> } {
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: MIRROR_SCROLLBACK, allowProposedApi: true, convertEol: opts.convertEol ?? false });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer);
  const screen = async (): Promise<Screen> => {
    await new Promise<void>((r) => term.write('', r));
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < term.rows; row++) lines.push(buf.getLine(buf.baseY + row)?.translateToString(true) ?? '');
    return { lines, cursorRow: buf.cursorY, cursorCol: buf.cursorX, serialized: serializer.serialize({ scrollback: 0 }) };
  };
  return { term, screen };
}

/** What the flood's bytes look like on a terminal, worked out without ptyd or a PTY. */
interface Expected {
  screen: Screen;
  /** Bytes the generator wrote, and their digest. */
  bytes: number;
  sha256: string;
  /** The line feeds among them: the PTY adds a carriage return before each. */
  lineFeeds: number;
}

let expected: Promise<Expected> | null = null;

/** The independent mirror: the generator's output through a pipe into a headless xterm. Once per file. */
function independentMirror(): Promise<Expected> {
  expected ??= (async () => {
    const { term, screen } = newTerminal({ convertEol: true });
    const gen = spawn(process.execPath, [GENERATOR, '--bytes', String(FLOOD_BYTES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    let lineFeeds = 0;
    let queued = 0;
    gen.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lineFeeds++;
      // Keep xterm's write queue short, as ptyd does: pause the pipe while it parses.
      queued += chunk.length;
      if (queued > 4 * 1024 * 1024) gen.stdout.pause();
      term.write(chunk, () => {
        queued -= chunk.length;
        if (queued < 512 * 1024) gen.stdout.resume();
      });
    });
    const code = await new Promise<number | null>((r) => gen.once('close', r));
    if (code !== 0) throw new Error(`the generator exited with ${code}`);
    const result = { screen: await screen(), bytes, sha256: hash.digest('hex'), lineFeeds };
    term.dispose();
    return result;
  })();
  return expected;
}

function rssKb(pid: number): number {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)\s+kB/);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** ptyd's resident memory, every 200 ms from now until stop(). */
function sampleRss(pid: number): { startKb: number; peakKb: () => number; samples: () => number; stop: () => void } {
  const startKb = rssKb(pid);
  let peak = startKb;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssKb(pid));
      samples++;
    } catch {
      // ptyd gone: the test fails elsewhere
    }
  }, 200);
  const stop = (): void => clearInterval(timer);
  onCleanup(stop);
  return { startKb, peakKb: () => peak, samples: () => samples, stop };
}

/** A fresh ptyd in its own data directory, started as the engine starts it; stopped afterwards. */
async function startPtyd(): Promise<{ client: PtydClient; pid: number; dir: string }> {
  const dir = tempDir('sy-flood-');
  const client = await connectOrStartPtyd(ptydPaths(path.join(dir, 'data')), PTYD_FROM_SOURCE);
  const pid = Number(fs.readFileSync(path.join(dir, 'data', 'run', 'ptyd.pid'), 'utf8'));
  expect(pid).toBe(client.ptydPid);
  onCleanup(async () => {
    await client.shutdown().catch(() => {});
    client.close();
    await waitFor(() => !processAlive(pid), 'ptyd to exit', 5000).catch(() => process.kill(pid, 'SIGKILL'));
  });
  return { client, pid, dir };
}

/** Spawns the flood as a ptyd session; resolves with its exit as ptyd reports it. */
async function startFlood(client: PtydClient, dir: string, session: string) {
  const digestFile = path.join(dir, `${session}.digest.json`);
  const exited = new Promise<{ exitCode: number | null; signal: number | null; at: number }>((resolve) => {
    client.on('exit', (s, exitCode, signal) => s === session && resolve({ exitCode, signal, at: performance.now() }));
  });
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const startedAt = performance.now();
  await client.spawn({ session, file: process.execPath, args: [GENERATOR, '--bytes', String(FLOOD_BYTES), '--digest', digestFile], cwd: dir, env, cols: COLS, rows: ROWS });
  const digest = async () => JSON.parse(fs.readFileSync(digestFile, 'utf8')) as { bytes: number; sha256: string };
  return { exited, digest, startedAt };
}

/**
 * A client that reads slowly, as a busy UI would: it draws what it gets into its own terminal
 * (a snapshot into a fresh one, since xterm's reset() would not drop writes still queued; live
 * bytes from the sequence number it has reached, as attached-terminal.ts does), but acknowledges
 * at most SLOW_ACK_BYTES every SLOW_ACK_EVERY_MS.
 */
class SlowClient {
  private current: ReturnType<typeof newTerminal> | null = null;
  /** The output offset its terminal has reached; -1 before the first snapshot. */
  nextSeq = -1;
  /** Drawn (parsed) but not yet acknowledged. */
  private owed = 0;
  acked = 0;
  received = 0;
  snapshots = 0;
  liveBytes = 0;
  errors: string[] = [];
  exit: { exitCode: number | null; signal: number | null } | null = null;
  private readonly timer: NodeJS.Timeout;
  readonly sub: number;

  constructor(
    private readonly client: PtydClient,
    session: string,
  ) {
    this.sub = client.attach(session, (msg, payload) => this.onMessage(msg, payload));
    this.timer = setInterval(() => this.ack(), SLOW_ACK_EVERY_MS);
    onCleanup(() => this.dispose());
  }

  private ack(): void {
    const bytes = Math.min(this.owed, SLOW_ACK_BYTES);
    if (bytes === 0) return;
    this.owed -= bytes;
    this.acked += bytes;
    this.client.terminal({ t: 'ack', sub: this.sub, bytes });
  }

  private draw(bytes: Uint8Array, count: number): void {
    this.current!.term.write(bytes, () => (this.owed += count));
  }

  private onMessage(msg: TerminalServerMessage, payload: Uint8Array): void {
    const bytes = payload.slice();
    this.received += bytes.length;
    switch (msg.t) {
      case 'snapshot': {
        // A fresh terminal; the old one is let go once what it was given is parsed (and owed).
        const old = this.current;
        if (old) old.term.write('', () => old.term.dispose());
        this.current = newTerminal();
        this.nextSeq = msg.seq;
        this.snapshots++;
        if (msg.cols !== COLS || msg.rows !== ROWS) this.errors.push(`snapshot of ${msg.cols}x${msg.rows}`);
        this.draw(bytes, bytes.length);
        return;
      }
      case 'data': {
        const end = msg.seq + bytes.length;
        if (this.nextSeq < 0 || end <= this.nextSeq) {
          this.owed += bytes.length; // already in the snapshot: read, nothing to draw
          return;
        }
        if (msg.seq > this.nextSeq) this.errors.push(`a gap: data at ${msg.seq}, expected ${this.nextSeq}`);
        const skip = Math.max(0, this.nextSeq - msg.seq);
        this.nextSeq = end;
        this.liveBytes += bytes.length - skip;
        this.owed += skip;
        this.draw(bytes.subarray(skip), bytes.length - skip);
        return;
      }
      case 'exit':
        this.exit = { exitCode: msg.exitCode, signal: msg.signal };
        return;
      case 'error':
        this.errors.push(msg.message);
        return;
    }
  }

  screen(): Promise<Screen> {
    return this.current!.screen();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.current?.term.dispose();
  }
}

/** Attaches, takes the first snapshot, and returns the screen it draws. */
async function attachOnce(client: PtydClient, session: string): Promise<{ screen: Screen; seq: number; exit: { exitCode: number | null; signal: number | null } | null }> {
  const { term, screen } = newTerminal();
  onCleanup(() => term.dispose());
  let seq = -1;
  let exit: { exitCode: number | null; signal: number | null } | null = null;
  const sub = client.attach(session, (msg, payload) => {
    if (msg.t === 'snapshot') {
      seq = msg.seq;
      term.write(payload.slice());
    } else if (msg.t === 'exit') exit = { exitCode: msg.exitCode, signal: msg.signal };
  });
  await waitFor(() => seq >= 0 && exit, 'the snapshot and the exit');
  client.detach(sub);
  return { screen: await screen(), seq, exit };
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/** Resolves with `p`, or fails saying what did not happen. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('a 200 MB flood through ptyd', () => {
  it('with no client attached: ptyd stays small, the agent runs to its end, and a later attach shows exactly the final screen', async () => {
    const mirror = independentMirror();
    const { client, pid, dir } = await startPtyd();
    const rss = sampleRss(pid);
    const flood = await startFlood(client, dir, 'flood-alone');
    const exit = await within(flood.exited, 90_000, 'the agent to print everything and exit (was it blocked?)');
    rss.stop();
    const seconds = (exit.at - flood.startedAt) / 1000;

    // The agent was never blocked: it printed everything and exited 0 on its own.
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    const want = await mirror;
    expect(await flood.digest()).toEqual({ bytes: want.bytes, sha256: want.sha256 });
    expect(want.bytes).toBeGreaterThanOrEqual(FLOOD_BYTES);
    // Every byte reached the mirror: what was printed, plus the PTY's "\r" before each "\n".
    const info = (await client.list()).find((s) => s.session === 'flood-alone')!;
    expect(info.seq).toBe(want.bytes + want.lineFeeds);

    const growthKb = rss.peakKb() - rss.startKb;
    console.log(`no client: ${mb(want.bytes / 1024)} MB in ${seconds.toFixed(1)} s; ptyd RSS ${mb(rss.startKb)} MB at the start, peak ${mb(rss.peakKb())} MB (+${mb(growthKb)} MB, ${rss.samples()} samples)`);
    expect(rss.samples()).toBeGreaterThan(5);
    expect(growthKb).toBeLessThan(RSS_GROWTH_LIMIT_MB * 1024);

    const attached = await attachOnce(client, 'flood-alone');
    expect(attached.exit).toEqual({ exitCode: 0, signal: null });
    expect(attached.seq).toBe(info.seq);
    expect(attached.screen.lines.at(-1)).toMatch(/flood done: \d+ lines, ending here ->$/);
    expect(attached.screen).toEqual(want.screen);
  }, 120_000);

  it('with a client that attaches at once and reads slowly: ptyd stays small, the agent does not wait for it, and it ends with exactly the final screen', async () => {
    const mirror = independentMirror();
    const { client, pid, dir } = await startPtyd();
    const rss = sampleRss(pid);
    const flood = await startFlood(client, dir, 'flood-slow');
    const slow = new SlowClient(client, 'flood-slow');
    const exit = await within(flood.exited, 90_000, 'the agent to print everything and exit (was it blocked?)');
    rss.stop();
    const ackedAtExit = slow.acked;
    const receivedAtExit = slow.received;
    const atExit = { snapshots: slow.snapshots, liveBytes: slow.liveBytes };
    const seconds = (exit.at - flood.startedAt) / 1000;

    expect(exit).toMatchObject({ exitCode: 0, signal: null });
    const want = await mirror;
    expect(await flood.digest()).toEqual({ bytes: want.bytes, sha256: want.sha256 });
    const info = (await client.list()).find((s) => s.session === 'flood-slow')!;
    expect(info.seq).toBe(want.bytes + want.lineFeeds);

    const growthKb = rss.peakKb() - rss.startKb;
    console.log(
      `slow client: ${mb(want.bytes / 1024)} MB in ${seconds.toFixed(1)} s; the client had received ${mb(receivedAtExit / 1024)} MB (${atExit.snapshots} snapshots, ${mb(atExit.liveBytes / 1024)} MB live) and acknowledged ${mb(ackedAtExit / 1024)} MB by the exit; ` +
        `ptyd RSS ${mb(rss.startKb)} MB at the start, peak ${mb(rss.peakKb())} MB (+${mb(growthKb)} MB, ${rss.samples()} samples)`,
    );
    expect(rss.samples()).toBeGreaterThan(5);
    expect(growthKb).toBeLessThan(RSS_GROWTH_LIMIT_MB * 1024);
    // The agent did not wait for the client: it finished with most of its output never acknowledged.
    expect(ackedAtExit).toBeGreaterThan(0);
    expect(ackedAtExit).toBeLessThan(info.seq / 4);

    // Once the client has caught up (with a fresh snapshot, having fallen behind), its screen is the mirror's.
    await waitFor(() => slow.exit && slow.nextSeq === info.seq, 'the slow client to catch up with the end', 60_000);
    expect(slow.exit).toEqual({ exitCode: 0, signal: null });
    expect(slow.snapshots).toBeGreaterThan(1);
    expect(slow.errors).toEqual([]);
    const screen = await slow.screen();
    expect(screen.lines.at(-1)).toMatch(/flood done: \d+ lines, ending here ->$/);
    expect(screen).toEqual(want.screen);
  }, 120_000);
});
