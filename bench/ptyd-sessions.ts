/**
 * ptyd with many sessions, each against a baseline measured in the same run:
 *   1. ptyd's resident memory with no session, 50 idle sessions, then 50 more busy ones (each
 *      printing a line every few ms, after they have run a few seconds); the baseline is a plain
 *      Node process that spawns the same 100 processes with raw node-pty and reads and discards
 *      their output;
 *   2. the time to reattach 50 sessions with a full scrollback (5,000+ lines printed each): a fresh
 *      client connects, lists, attaches to all 50 and receives every snapshot; the baseline is
 *      reading the same number of bytes over a raw Unix socket from a trivial server.
 * ptyd runs from source through tsx (as `npm run bench` runs it); the baseline host runs under
 * the same loader, so the loader's own memory is in both.
 * Run: npm run bench:ptyd (also part of npm run bench). Results: bench/results/ptyd-sessions.json
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import type { PtydClient as Client } from '../src/engine/ptyd/client';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const THIS_FILE = fileURLToPath(import.meta.url);
const SESSIONS = 50;
const COLS = 120;
const ROWS = 40;
/** Lines each reattach session prints: more than the mirror's 5,000 lines of scrollback. */
const FILL_LINES = 5_500;
const BUSY_EVERY_MS = 5;
/** How long the busy sessions run before memory is read. */
const BUSY_SECONDS = 5;
const RUNS = 5;

/** An idle agent: alive, waiting, printing nothing. */
const IDLE = { file: 'sleep', args: ['600'] };
/** A busy agent: a line (some with colour) every few milliseconds, forever. */
const BUSY = {
  file: process.execPath,
  args: [
    '-e',
    `let i = 0; setInterval(() => { i++; process.stdout.write(i % 7 ? 'building module ' + i + ': ' + 'x'.repeat(i % 60) + '\\n' : '\\x1b[32m✔\\x1b[0m step ' + i + ' passed\\n'); }, ${BUSY_EVERY_MS});`,
  ],
};
/** An agent that printed a long session and now waits for input. */
const FILLER = {
  file: process.execPath,
  args: [
    '-e',
    `let s = ''; for (let i = 0; i < ${FILL_LINES}; i++) s += (i % 5 ? 'line ' + i + ' of the session: ' + 'lorem ipsum '.repeat(1 + (i % 6)) : '\\x1b[1;34minfo\\x1b[0m ' + i + ' \\x1b[33mwarning\\x1b[0m text') + '\\n'; process.stdout.write(s + 'FILLED, waiting\\n', () => process.stdin.resume());`,
  ],
};

type Spec = { file: string; args: string[] };
type HostRequest = { do: 'spawn'; spec: Spec; count: number } | { do: 'serve'; socketPath: string; bytes: number } | { do: 'exit' };

const env = (): Record<string, string> => Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function rssMb(pid: number): number {
  const kb = Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)\s+kB/)?.[1]);
  if (!kb) throw new Error(`cannot read the memory of ${pid}`);
  return kb / 1024;
}

/** The median of a few readings over `ms`: one reading can land on a GC's peak or trough. */
async function steadyRssMb(pid: number, ms = 2000): Promise<number> {
  const samples: number[] = [];
  for (let t = 0; t <= ms; t += 250) {
    samples.push(rssMb(pid));
    await sleep(250);
  }
  return median(samples);
}

/**
 * The baseline host: a plain Node process that spawns PTYs with node-pty and reads and discards
 * their output, and serves N bytes over a Unix socket. Driven over IPC by the benchmark.
 */
function runBaselineHost(): void {
  const ptys: pty.IPty[] = [];
  let read = 0;
  const servers: net.Server[] = [];
  process.on('message', (req: HostRequest) => {
    switch (req.do) {
      case 'spawn':
        for (let i = 0; i < req.count; i++) {
          const p = pty.spawn(req.spec.file, req.spec.args, { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd: os.tmpdir(), env: env(), encoding: null });
          p.onData((d) => (read += d.length));
          ptys.push(p);
        }
        process.send!({ done: true, read });
        return;
      case 'serve': {
        const payload = Buffer.alloc(req.bytes, 'x');
        const server = net.createServer((socket) => socket.end(payload));
        server.listen(req.socketPath, () => process.send!({ done: true }));
        servers.push(server);
        return;
      }
      case 'exit':
        for (const p of ptys) p.kill('SIGKILL');
        for (const s of servers) s.close();
        process.exit(0);
    }
  });
  process.on('disconnect', () => {
    for (const p of ptys) p.kill('SIGKILL');
    process.exit(0);
  });
}

class BaselineHost {
  private constructor(readonly child: ChildProcess) {}

  static async start(): Promise<BaselineHost> {
    const child = fork(THIS_FILE, ['--baseline-host'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new BaselineHost(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  call(req: HostRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the baseline host exited'));
      this.child.once('exit', onExit);
      this.child.once('message', (m) => {
        this.child.off('exit', onExit);
        resolve(m);
      });
      this.child.send(req);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    if (this.child.connected) this.child.send({ do: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

export interface PtydSessionsResult {
  date: string;
  machine: string;
  rss_mb: Record<string, Record<string, number>>;
  reattach: Record<string, number>;
}

export async function benchPtydSessions(): Promise<PtydSessionsResult> {
  const { PtydClient } = await import('../src/engine/ptyd/client');
  const { connectOrStartPtyd, ptydPaths } = await import('../src/engine/ptyd/launcher');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-bench-ptyd-'));
  const daemons: { client: Client; pid: number }[] = [];
  let host: BaselineHost | null = null;
  const launch = { command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, 'src', 'ptyd', 'main.ts')] };

  const startPtyd = async (name: string): Promise<{ client: Client; pid: number; socketPath: string }> => {
    const paths = ptydPaths(path.join(tmp, name));
    const client = await connectOrStartPtyd(paths, launch);
    const pid = Number(fs.readFileSync(path.join(path.dirname(paths.socketPath), 'ptyd.pid'), 'utf8'));
    daemons.push({ client, pid });
    return { client, pid, socketPath: paths.socketPath };
  };
  const spawnSessions = async (client: Client, prefix: string, spec: Spec, count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const session = `${prefix}${i}`;
      await client.spawn({ session, file: spec.file, args: spec.args, cwd: tmp, env: env(), cols: COLS, rows: ROWS });
      ids.push(session);
    }
    return ids;
  };

  let cleaned: Promise<void> | null = null;
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      await host?.stop().catch(() => {});
      for (const d of daemons) {
        await d.client.shutdown().catch(() => {});
        d.client.close();
        const deadline = Date.now() + 5000;
        while (alive(d.pid) && Date.now() < deadline) await sleep(100);
        if (alive(d.pid)) process.kill(d.pid, 'SIGKILL');
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    })());
  // ptyd is detached: interrupted, the benchmark still stops it and its sessions.
  const onSignal = (): void => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // 1. Memory: ptyd, then the baseline host, with the same processes at the same points.
    const ptyd = await startPtyd('rss');
    await sleep(1000);
    const ptydEmpty = await steadyRssMb(ptyd.pid);
    await spawnSessions(ptyd.client, 'idle', IDLE, SESSIONS);
    await sleep(1000);
    const ptydIdle = await steadyRssMb(ptyd.pid);
    const busyIds = await spawnSessions(ptyd.client, 'busy', BUSY, SESSIONS);
    await sleep(BUSY_SECONDS * 1000);
    const ptydBusy = await steadyRssMb(ptyd.pid);
    const busyOutput = (await ptyd.client.list()).filter((s) => busyIds.includes(s.session)).reduce((n, s) => n + s.seq, 0);
    await ptyd.client.shutdown().catch(() => {});

    host = await BaselineHost.start();
    await sleep(1000);
    const rawEmpty = await steadyRssMb(host.pid);
    await host.call({ do: 'spawn', spec: IDLE, count: SESSIONS });
    await sleep(1000);
    const rawIdle = await steadyRssMb(host.pid);
    await host.call({ do: 'spawn', spec: BUSY, count: SESSIONS });
    await sleep(BUSY_SECONDS * 1000);
    const rawBusy = await steadyRssMb(host.pid);
    await host.stop();
    host = null;

    // 2. Reattach: 50 sessions with full scrollback, a fresh client each run.
    const full = await startPtyd('reattach');
    const fillIds = await spawnSessions(full.client, 'full', FILLER, SESSIONS);
    for (const id of fillIds) {
      const deadline = Date.now() + 60_000;
      while (!(await full.client.text(id)).lines.some((l) => l.startsWith('FILLED'))) {
        if (Date.now() > deadline) throw new Error(`session ${id} did not finish printing`);
        await sleep(100);
      }
    }
    const reattach = async (): Promise<{ ms: number; bytes: number; rows: number }> => {
      const t0 = performance.now();
      const client = await PtydClient.connect(full.socketPath);
      try {
        const sessions = (await client.list()).filter((s) => s.alive && fillIds.includes(s.session));
        if (sessions.length !== SESSIONS) throw new Error(`listed ${sessions.length} sessions`);
        let bytes = 0;
        let rows = 0;
        await Promise.all(
          sessions.map(
            (s) =>
              new Promise<void>((resolve) => {
                const sub = client.attach(s.session, (msg, payload) => {
                  if (msg.t !== 'snapshot') return;
                  bytes += payload.length;
                  for (let i = payload.indexOf(10); i >= 0; i = payload.indexOf(10, i + 1)) rows++;
                  client.detach(sub);
                  resolve();
                });
              }),
          ),
        );
        return { ms: performance.now() - t0, bytes, rows };
      } finally {
        client.close();
      }
    };
    await reattach(); // warm-up
    const runs: { ms: number; bytes: number; rows: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await reattach());
    const snapshotBytes = runs[0]!.bytes;
    const snapshotRows = runs[0]!.rows;
    await full.client.shutdown().catch(() => {});

    host = await BaselineHost.start();
    const rawSocket = path.join(tmp, 'raw.sock');
    await host.call({ do: 'serve', socketPath: rawSocket, bytes: snapshotBytes });
    const rawRead = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        let got = 0;
        const sock = net.createConnection(rawSocket);
        sock.on('data', (d) => (got += d.length));
        sock.on('error', reject);
        sock.on('end', () => (got === snapshotBytes ? resolve(performance.now() - t0) : reject(new Error(`read ${got} of ${snapshotBytes} bytes`))));
      });
    await rawRead();
    const rawMs: number[] = [];
    for (let i = 0; i < RUNS; i++) rawMs.push(await rawRead());
    await host.stop();
    host = null;

    const ptydMs = median(runs.map((r) => r.ms));
    return {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
      rss_mb: {
        ptyd: { no_sessions: round(ptydEmpty), idle_50: round(ptydIdle), idle_50_busy_50: round(ptydBusy) },
        raw_node_pty: { no_sessions: round(rawEmpty), idle_50: round(rawIdle), idle_50_busy_50: round(rawBusy) },
        ratio: { no_sessions: round(ptydEmpty / rawEmpty, 2), idle_50: round(ptydIdle / rawIdle, 2), idle_50_busy_50: round(ptydBusy / rawBusy, 2) },
        ptyd_per_session: { idle_kb: Math.round(((ptydIdle - ptydEmpty) * 1024) / SESSIONS), busy_kb: Math.round(((ptydBusy - ptydIdle) * 1024) / SESSIONS) },
        busy_sessions: { seconds_run: BUSY_SECONDS, line_every_ms: BUSY_EVERY_MS, output_bytes_each: Math.round(busyOutput / SESSIONS) },
      },
      reattach: {
        sessions: SESSIONS,
        lines_printed_each: FILL_LINES,
        snapshot_rows_each: Math.round(snapshotRows / SESSIONS),
        snapshot_bytes_total: snapshotBytes,
        ptyd_ms: round(ptydMs),
        ptyd_ms_min: round(Math.min(...runs.map((r) => r.ms))),
        raw_socket_ms: round(median(rawMs), 2),
        ratio: round(ptydMs / median(rawMs)),
      },
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

/** Linux only, as the memory readings are. */
const alive = (pid: number): boolean => fs.existsSync(`/proc/${pid}`);

function table(r: PtydSessionsResult): string {
  const m = r.rss_mb;
  const row = (cells: (string | number)[]) => cells.map((c, i) => String(c).padEnd(i === 0 ? 26 : 14)).join('');
  return [
    row(['ptyd RSS (MB)', 'ptyd', 'raw node-pty', 'ratio']),
    row(['no sessions', m.ptyd!.no_sessions!, m.raw_node_pty!.no_sessions!, m.ratio!.no_sessions!]),
    row(['50 idle', m.ptyd!.idle_50!, m.raw_node_pty!.idle_50!, m.ratio!.idle_50!]),
    row(['50 idle + 50 busy', m.ptyd!.idle_50_busy_50!, m.raw_node_pty!.idle_50_busy_50!, m.ratio!.idle_50_busy_50!]),
    '',
    row([`reattach ${r.reattach.sessions} sessions`, 'ptyd', 'raw socket', 'ratio']),
    row([`${(r.reattach.snapshot_bytes_total! / 1e6).toFixed(1)} MB of snapshots (ms)`, r.reattach.ptyd_ms!, r.reattach.raw_socket_ms!, r.reattach.ratio!]),
  ].join('\n');
}

if (process.argv.includes('--baseline-host')) {
  runBaselineHost();
} else if (process.argv[1] && THIS_FILE === path.resolve(process.argv[1])) {
  const results = await benchPtydSessions();
  console.log(JSON.stringify(results, null, 2));
  console.log(`\n${table(results)}`);
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'ptyd-sessions.json'), JSON.stringify(results, null, 2));
}
