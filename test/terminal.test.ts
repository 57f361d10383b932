import fs from 'node:fs';
import path from 'node:path';
import serializeAddon from '@xterm/addon-serialize';
import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import type { PtydClient } from '../src/engine/ptyd/client';
import type { TerminalRelay } from '../src/engine/terminal-relay';
import { FLOW_HIGH_WATERMARK, MIRROR_SCROLLBACK, type TerminalServerMessage } from '../src/shared/terminal';
import { connectPtyd, makeRepo, onCleanup, processAlive, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

afterEach(runCleanups);

const encode = (s: string) => new TextEncoder().encode(s);

/**
 * What a UI does with a terminal subscription: replays each snapshot into a fresh terminal,
 * appends the live bytes after it, and checks that every data frame starts exactly where the
 * last one ended. It acks what it has drawn, unless told not to.
 */
class Replica {
  private term: InstanceType<typeof Terminal> | null = null;
  private serializer: InstanceType<typeof SerializeAddon> | null = null;
  /** The output offset the next data frame must start at. */
  nextSeq = -1;
  snapshots: { seq: number; cols: number; rows: number; bytes: number }[] = [];
  /** Live bytes since the last snapshot. */
  liveSinceSnapshot = 0;
  liveBytes = 0;
  largestChunk = 0;
  received = 0;
  errors: string[] = [];
  exit: { exitCode: number | null; signal: number | null } | null = null;

  constructor(
    readonly sub: number,
    private readonly ack: ((bytes: number) => void) | null,
  ) {}

  onMessage(msg: TerminalServerMessage, payload: Uint8Array | undefined): void {
    const bytes = payload ? payload.slice() : new Uint8Array();
    switch (msg.t) {
      case 'snapshot': {
        this.term?.dispose();
        this.term = new Terminal({ cols: msg.cols, rows: msg.rows, scrollback: MIRROR_SCROLLBACK, allowProposedApi: true });
        this.serializer = new SerializeAddon();
        this.term.loadAddon(this.serializer);
        this.nextSeq = msg.seq;
        this.snapshots.push({ seq: msg.seq, cols: msg.cols, rows: msg.rows, bytes: bytes.length });
        this.liveSinceSnapshot = 0;
        this.draw(bytes);
        return;
      }
      case 'data':
        if (this.nextSeq < 0) this.errors.push(`data at ${msg.seq} before any snapshot`);
        else if (msg.seq !== this.nextSeq) this.errors.push(`data at ${msg.seq}, expected ${this.nextSeq}`);
        this.nextSeq = msg.seq + bytes.length;
        this.liveBytes += bytes.length;
        this.liveSinceSnapshot += bytes.length;
        this.largestChunk = Math.max(this.largestChunk, bytes.length);
        this.draw(bytes);
        return;
      case 'exit':
        this.exit = { exitCode: msg.exitCode, signal: msg.signal };
        return;
      case 'error':
        this.errors.push(msg.message);
        return;
    }
  }

  private draw(bytes: Uint8Array): void {
    this.received += bytes.length;
    this.term!.write(bytes, () => this.ack?.(bytes.length));
  }

  /** All bytes written so far, parsed. */
  async settled(): Promise<void> {
    const term = this.term;
    if (term) await new Promise<void>((r) => term.write('', r));
  }

  resize(cols: number, rows: number): void {
    this.term!.resize(cols, rows);
  }

  /** The replayed screen, serialized as ptyd serializes its mirror (or only the visible rows). */
  async screen(opts: { visibleOnly?: boolean } = {}): Promise<string> {
    await this.settled();
    return this.serializer!.serialize({ scrollback: opts.visibleOnly ? 0 : MIRROR_SCROLLBACK });
  }

  dispose(): void {
    this.term?.dispose();
  }
}

/**
 * The visible rows (and cursor and modes) of a serialized screen. A catch-up snapshot carries
 * less scrollback than ptyd keeps, so after one only the visible screen can be compared whole.
 */
async function visibleRows(screen: { data: string; cols: number; rows: number }): Promise<string> {
  const term = new Terminal({ cols: screen.cols, rows: screen.rows, scrollback: MIRROR_SCROLLBACK, allowProposedApi: true });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer);
  await new Promise<void>((r) => term.write(screen.data, r));
  const visible = serializer.serialize({ scrollback: 0 });
  term.dispose();
  return visible;
}

/** Opens the engine's terminal channel and routes each subscription to its replica. */
function terminalChannel(engine: Engine): { channel: TerminalRelay; replica: (sub: number, session: string, opts: { ack: boolean }) => Replica } {
  const replicas = new Map<number, Replica>();
  const channel = engine.openTerminalChannel((msg, payload) => replicas.get(msg.sub)?.onMessage(msg, payload));
  onCleanup(() => {
    channel.close();
    for (const r of replicas.values()) r.dispose();
  });
  return {
    channel,
    replica: (sub, session, { ack }) => {
      const r = new Replica(sub, ack ? (bytes) => channel.handle({ t: 'ack', sub, bytes }, new Uint8Array()) : null);
      replicas.set(sub, r);
      channel.handle({ t: 'attach', sub, session }, new Uint8Array());
      return r;
    },
  };
}

async function startAgent(engine: Engine, command: string, title = 'Terminal') {
  const project = await engine.openProject(makeRepo());
  const task = await engine.createTask({ projectId: project.id, title, prompt: '', agent: { profile: 'custom', command }, startNow: true });
  return { task, session: task.sessionId! };
}

const screenHas = (ptyd: PtydClient, session: string, text: string) => async () => (await ptyd.screen(session)).data.includes(text);

/** Waits for the session to end and every replica to have drawn all of it, then returns ptyd's final screen. */
async function finalScreen(ptyd: PtydClient, session: string, replicas: Replica[]) {
  await waitFor(async () => (await ptyd.list()).some((s) => s.session === session && !s.alive), 'the session to end');
  const final = await ptyd.screen(session);
  // A replica that was behind at the end is caught up by a snapshot that may follow the exit.
  for (const r of replicas) await waitFor(() => r.exit && r.nextSeq === final.seq, `replica ${r.sub} to see the exit and every byte`);
  for (const r of replicas) await r.settled();
  return final;
}

describe('terminals through ptyd', () => {
  it('gives an attaching terminal a snapshot whose seq lines up with the live bytes, and delivers typed input', async () => {
    const engine = await startEngine();
    const ptyd = await connectPtyd(engine.dataDir);
    const command = scriptedAgent([
      { print: 'hello from the agent' },
      { ask: 'Your name? ' },
      { print: 'Nice to meet you, {answer}!' },
      { flood: { lines: 4000, line: 'working' } },
      { ask: 'Quit? ' },
      { print: 'bye' },
    ]);
    const { task, session } = await startAgent(engine, command);
    const { channel, replica } = terminalChannel(engine);
    const early = replica(1, session, { ack: true });

    await waitFor(screenHas(ptyd, session, 'Your name?'), 'the question');
    channel.handle({ t: 'input', session }, encode('Ada Lovelace\r'));
    await waitFor(screenHas(ptyd, session, 'Nice to meet you, Ada Lovelace!'), 'the answer to reach the agent');
    // A second terminal attaches while the flood is under way.
    await waitFor(() => early.liveBytes > 2_000, 'output to flow');
    const late = replica(2, session, { ack: true });
    await waitFor(screenHas(ptyd, session, 'Quit?'), 'the second question');
    channel.handle({ t: 'input', session }, encode('y\r'));
    await waitForState(engine, task.id, 'review');

    const final = await finalScreen(ptyd, session, [early, late]);
    expect(final.data).toContain('bye');
    for (const r of [early, late]) {
      expect(r.errors).toEqual([]);
      expect(r.snapshots).toHaveLength(1);
      // No gap and no overlap: the snapshot's seq plus every live byte after it is the whole output.
      expect(r.snapshots[0]!.seq + r.liveBytes).toBe(final.seq);
      expect(r.nextSeq).toBe(final.seq);
      expect(await r.screen()).toBe(final.data);
    }
    expect(late.snapshots[0]!.seq).toBeGreaterThan(0);
    expect(await late.screen()).toContain('Nice to meet you, Ada Lovelace!');
  });

  it('resizes the PTY and its mirror', async () => {
    const engine = await startEngine();
    const ptyd = await connectPtyd(engine.dataDir);
    const { session } = await startAgent(engine, `sh -c "echo size: \\$(stty size); read x; echo size: \\$(stty size); read y"`);
    const { channel, replica } = terminalChannel(engine);
    const r = replica(1, session, { ack: true });
    await waitFor(screenHas(ptyd, session, 'size: 30 100'), 'the first size (rows cols)');
    // As a UI does: its own terminal has drawn everything so far when it resizes, then tells ptyd.
    const before = await ptyd.screen(session);
    await waitFor(() => r.nextSeq === before.seq, 'the replica to catch up');
    await r.settled();

    channel.handle({ t: 'resize', session, cols: 60, rows: 20 }, new Uint8Array());
    r.resize(60, 20);
    channel.handle({ t: 'input', session }, encode('\r'));
    await waitFor(screenHas(ptyd, session, 'size: 20 60'), 'the program to see the new size');
    const screen = await ptyd.screen(session);
    expect([screen.cols, screen.rows]).toEqual([60, 20]);
    const later = replica(2, session, { ack: true });
    await waitFor(() => later.snapshots.length > 0, 'a snapshot');
    expect(later.snapshots[0]).toMatchObject({ cols: 60, rows: 20 });

    channel.handle({ t: 'input', session }, encode('\r'));
    const final = await finalScreen(ptyd, session, [r, later]);
    expect(r.errors).toEqual([]);
    expect(await r.screen()).toBe(final.data);
    expect(await later.screen()).toBe(final.data);
  });

  it('sends a subscriber that never acks no more than the high watermark, without slowing the agent, then catches it up with a snapshot', async () => {
    const engine = await startEngine();
    const ptyd = await connectPtyd(engine.dataDir);
    const lines = 30_000;
    const command = scriptedAgent([{ ask: 'Go? ' }, { flood: { lines, line: 'flooding the terminal' } }, { ask: 'More? ' }, { print: 'bye {answer}' }]);
    const { task, session } = await startAgent(engine, command);
    const { channel, replica } = terminalChannel(engine);
    const slow = replica(1, session, { ack: false });
    await waitFor(screenHas(ptyd, session, 'Go?'), 'the agent to be ready');
    const floodStart = (await ptyd.screen(session)).seq;

    channel.handle({ t: 'input', session }, encode('go\r'));
    // The agent gets all the way through its flood although this subscriber never acks.
    await waitFor(screenHas(ptyd, session, 'More?'), 'the flood to finish', 30_000);
    const afterFlood = await ptyd.screen(session);
    expect(afterFlood.seq - floodStart).toBeGreaterThan(lines * 'flooding the terminal 0\r\n'.length);

    expect(slow.errors).toEqual([]);
    expect(slow.snapshots).toHaveLength(1);
    const unacked = slow.snapshots[0]!.bytes + slow.liveBytes;
    expect(unacked).toBeLessThanOrEqual(FLOW_HIGH_WATERMARK + slow.largestChunk);
    expect(slow.liveBytes).toBeGreaterThan(0);
    expect(slow.nextSeq).toBeLessThan(afterFlood.seq);

    // Acking everything it got catches it up: a fresh snapshot at the current seq, not the backlog.
    channel.handle({ t: 'ack', sub: 1, bytes: slow.received }, new Uint8Array());
    await waitFor(() => slow.snapshots.length === 2, 'a fresh snapshot');
    expect(slow.snapshots[1]!.seq).toBe(afterFlood.seq);
    // It carries less scrollback than the mirror keeps (a bounded cost), but the same screen.
    expect(slow.snapshots[1]!.bytes).toBeLessThan(new TextEncoder().encode(afterFlood.data).length);
    expect(await slow.screen({ visibleOnly: true })).toBe(await visibleRows(afterFlood));
    expect(afterFlood.data.endsWith(await slow.screen())).toBe(true);

    channel.handle({ t: 'input', session }, encode('done\r'));
    await waitForState(engine, task.id, 'review');
    const final = await finalScreen(ptyd, session, [slow]);
    expect(slow.errors).toEqual([]);
    expect(slow.nextSeq).toBe(final.seq);
    expect(slow.snapshots[1]!.seq + slow.liveSinceSnapshot).toBe(final.seq);
    expect(await slow.screen({ visibleOnly: true })).toBe(await visibleRows(final));
    expect(final.data.endsWith(await slow.screen())).toBe(true);
    expect(final.data).toContain('bye done');
  });

  it('stops `yes` on Ctrl-C, and a subscriber that acks ends with exactly ptyd’s screen', async () => {
    const engine = await startEngine();
    const ptyd = await connectPtyd(engine.dataDir);
    const { task, session } = await startAgent(engine, 'yes');
    const { channel, replica } = terminalChannel(engine);
    const r = replica(1, session, { ack: true });
    await waitFor(() => r.received > 300_000, 'yes to flood the terminal');

    channel.handle({ t: 'input', session }, encode('\x03'));
    const stopped = await waitForState(engine, task.id, ['failed', 'review']);
    expect(stopped.stateReason).toMatch(/signal 2|code 130/);
    const final = await finalScreen(ptyd, session, [r]);
    expect((await ptyd.list()).find((s) => s.session === session)?.seq).toBe(final.seq);

    expect(r.errors).toEqual([]);
    expect(r.nextSeq).toBe(final.seq);
    expect(r.snapshots.at(-1)!.seq + r.liveSinceSnapshot).toBe(final.seq);
    expect(await r.screen({ visibleOnly: true })).toBe(await visibleRows(final));
    // Without a catch-up on the way, the scrollback is whole too.
    if (r.snapshots.length === 1) expect(await r.screen()).toBe(final.data);
  });

  it('stops a task by killing its whole process tree, even children that ignore SIGHUP and SIGTERM', async () => {
    const engine = await startEngine();
    // sh is the agent; its children ignore HUP and TERM (ignored signals survive exec), and one
    // of them has left the process group in a session of its own.
    const { task } = await startAgent(
      engine,
      `sh -c "trap '' HUP TERM; sleep 1000 & echo \\$! > grouped.pid; setsid sleep 1001 & echo \\$! > detached.pid; wait"`,
    );
    const readPid = (name: string) => Number(fs.readFileSync(path.join(task.worktreePath!, name), 'utf8'));
    await waitFor(() => fs.existsSync(path.join(task.worktreePath!, 'detached.pid')) && readPid('detached.pid') > 0, 'the children to start');
    const pids = [readPid('grouped.pid'), readPid('detached.pid')];
    // Should the stop fail, do not leave these behind.
    onCleanup(() => {
      for (const pid of pids) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    });
    const ptyd = await connectPtyd(engine.dataDir);
    const rootPid = (await ptyd.list()).find((s) => s.session === task.sessionId)!.pid;
    expect([rootPid, ...pids].map(processAlive)).toEqual([true, true, true]);

    await engine.stopTask(task.id);
    const stopped = await waitForState(engine, task.id, 'cancelled');
    expect(stopped.stateReason).toBe('stopped by the user');
    await waitFor(() => [rootPid, ...pids].every((p) => !processAlive(p)), 'every process of the tree to be gone');
  });
});
