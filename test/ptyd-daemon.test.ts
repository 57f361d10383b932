/**
 * ptyd as a daemon that sessions survive: exit status kept for a while, idle exit only when
 * nothing is held, signals, per-session scrollback, output logs on disk, and reaping what a
 * dead ptyd left running. Real ptyd processes, real PTYs, real sockets.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSessionLogTail, removeSessionLog } from '../src/engine/ptyd/session-log';
import { SessionLog } from '../src/ptyd/session-log';
import { PTYD_PROTOCOL_VERSION, SESSION_LOG_GAP_MARKER, type PtydSignal } from '../src/shared/ptyd-protocol';
import { MIRROR_SCROLLBACK } from '../src/shared/terminal';
import { SCRIPTED_AGENT, onCleanup, processAlive, runCleanups, tempDir, waitFor } from './helpers';
import { connectAgain, exited, screenHas, sessionSpec, startTestPtyd, stopProcess } from './ptyd-daemons';

afterEach(runCleanups);

const encode = (s: string) => new TextEncoder().encode(s);
/**
 * Output scripts end by printing a marker and sleeping, so what they check never depends on
 * how a session's last bytes meet its exit (that has a test of its own below).
 */
const THEN_WAIT = 'echo all-printed; exec sleep 1000';
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe('exited sessions and idle exit', () => {
  it("keeps an agent's last output when it exits right after a burst", async () => {
    // Linux throws away what is still queued in a PTY once the agent's last descriptor closes;
    // without ptyd holding the terminal open, several of these lose their last line.
    const { client, work } = await startTestPtyd();
    const burstThenExit = "process.stdout.write('x'.repeat(200000) + '\\nlast words\\n'); process.exit(0)";
    const lost: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const specs = Array.from({ length: 5 }, () => sessionSpec(work, [process.execPath, '-e', burstThenExit]));
      await Promise.all(specs.map((spec) => client.spawn(spec)));
      for (const spec of specs) {
        expect(await exited(client, spec.session)).toMatchObject({ exitCode: 0 });
        const { lines } = await client.transcript(spec.session, 5);
        if (!lines.includes('last words')) lost.push(`${spec.session}: ${JSON.stringify(lines.slice(-2).map((l) => l.slice(-20)))}`);
      }
    }
    expect(lost).toEqual([]);
  });

  it('keeps an exited session listed, with its exit status and screen, for the retention period, then lets it go', async () => {
    const retention = 1500;
    const { client, work } = await startTestPtyd({ args: ['--exit-retention-ms', String(retention)] });
    const spec = sessionSpec(work, ['sh', '-c', 'echo last words; exit 3']);
    await client.spawn(spec);
    const info = await exited(client, spec.session);
    expect(info).toMatchObject({ exitCode: 3, signal: null, scrollback: MIRROR_SCROLLBACK });
    expect(info.exitedAt).toBeGreaterThanOrEqual(info.startedAt);
    expect((await client.screen(spec.session)).data).toContain('last words');
    expect(await client.ping()).toMatchObject({ sessions: 1, live: 0 });

    await waitFor(async () => !(await client.list()).some((s) => s.session === spec.session), 'the session to be let go', 20_000);
    // Not before its time was up.
    expect(Date.now()).toBeGreaterThanOrEqual(info.exitedAt! + retention);
    await expect(client.screen(spec.session)).rejects.toThrow(`no session ${spec.session}`);
    expect(await client.ping()).toMatchObject({ sessions: 0, live: 0 });
  });

  it('exits when idle only once no client is connected, no session is alive and no exited one is kept', async () => {
    const idle = 300;
    const retention = 2000;
    const { client, paths, pid, work } = await startTestPtyd({ args: ['--idle-exit-ms', String(idle), '--exit-retention-ms', String(retention)] });
    const live = sessionSpec(work, ['sleep', '1000']);
    await client.spawn(live);
    client.close();
    // No client for many idle periods, but a live session: ptyd stays.
    await new Promise((r) => setTimeout(r, idle * 5));
    const again = await connectAgain(paths);
    expect(again.ptydPid).toBe(pid);
    expect((await again.list()).find((s) => s.session === live.session)?.alive).toBe(true);

    await again.kill(live.session);
    const info = await exited(again, live.session);
    again.close();
    // No client, nothing alive, but an exit still kept: ptyd stays until the retention is over, then goes.
    await waitFor(() => !processAlive(pid), 'ptyd to exit when idle', 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(info.exitedAt! + retention);
    expect(fs.readFileSync(paths.logPath, 'utf8')).toContain('idle: no clients and no sessions; exiting');
  });

  it('keeps the old behaviours of its entry point: SIGHUP is ignored and the pid file names it', async () => {
    const { client, paths, pid } = await startTestPtyd();
    process.kill(pid, 'SIGHUP');
    expect(await client.ping()).toMatchObject({ pid });
    expect(fs.readFileSync(path.join(path.dirname(paths.socketPath), 'ptyd.pid'), 'utf8')).toBe(String(pid));
    expect(PTYD_PROTOCOL_VERSION).toBe(3);
  });
});

describe('signals', () => {
  it('delivers a signal to the session', async () => {
    const { client, work } = await startTestPtyd();
    const spec = sessionSpec(work, ['sh', '-c', 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done']);
    await client.spawn(spec);
    await waitFor(screenHas(client, spec.session, 'ready'), 'the shell to set its trap');
    await client.signal(spec.session, 'SIGUSR1');
    await waitFor(screenHas(client, spec.session, 'got-usr1'), 'the trap to run');
    await client.signal(spec.session, 'SIGKILL');
    expect(await exited(client, spec.session)).toMatchObject({ exitCode: null, signal: 9 });
    // Once it has exited there is nothing to signal, and that is not an error.
    await client.signal(spec.session, 'SIGTERM');
  });

  it('sends it where Ctrl-C goes: a foreground job stops, its interactive shell stays', async () => {
    const { client, work } = await startTestPtyd();
    const spec = sessionSpec(work, ['bash', '--norc', '--noprofile', '-i']);
    const { pid: shell } = await client.spawn(spec);
    client.terminal({ t: 'input', session: spec.session }, encode('sleep 1000\r'));
    const sleeper = await waitFor(() => childNamed(shell, 'sleep'), 'the foreground job to start');
    onCleanup(() => stopProcess(sleeper));

    await client.signal(spec.session, 'SIGINT');
    await waitFor(() => !processAlive(sleeper), 'the foreground job to stop');
    expect(processAlive(shell)).toBe(true);
    client.terminal({ t: 'input', session: spec.session }, encode('echo still-$((40+2))\r'));
    await waitFor(screenHas(client, spec.session, 'still-42'), 'the shell to answer');
    await client.kill(spec.session);
  });

  it('refuses a signal outside the list', async () => {
    const { client, work } = await startTestPtyd();
    const spec = sessionSpec(work, ['sleep', '1000']);
    await client.spawn(spec);
    await expect(client.signal(spec.session, 'SIGSEGV' as PtydSignal)).rejects.toThrow('malformed request');
    await expect(client.signal('no-such-session', 'SIGINT')).rejects.toThrow('no session no-such-session');
    expect((await client.list())[0]?.alive).toBe(true);
  });
});

describe('per-session scrollback', () => {
  it('bounds the mirror, its snapshot and its transcript by the scrollback asked for', async () => {
    const { client, work } = await startTestPtyd();
    const print = ['sh', '-c', `i=0; while [ $i -lt 600 ]; do echo row-$i; i=$((i+1)); done; ${THEN_WAIT}`];
    const small = sessionSpec(work, print, { scrollback: 100 });
    const normal = sessionSpec(work, print);
    expect(await client.spawn(small)).toMatchObject({ scrollback: 100 });
    expect(await client.spawn(normal)).toMatchObject({ scrollback: MIRROR_SCROLLBACK });
    await waitFor(screenHas(client, small.session, 'all-printed'), 'the rows');
    await waitFor(screenHas(client, normal.session, 'all-printed'), 'the rows');

    const cut = await client.transcript(small.session);
    expect(cut.lines.at(-2)).toBe('row-599');
    expect(cut.lines.length).toBeLessThanOrEqual(100 + small.rows);
    expect(cut.lines).not.toContain('row-0');
    expect(cut.truncated).toBe(true);
    const whole = await client.transcript(normal.session);
    expect(whole.lines.filter((l) => l.startsWith('row-'))).toHaveLength(600);
    expect(whole.truncated).toBe(false);
    // The snapshot a terminal attaches to carries the same bounded history.
    expect((await client.screen(small.session)).data).not.toContain('row-0\r');
    expect((await client.screen(normal.session)).data).toContain('row-0\r');
  });

  it('refuses a scrollback out of bounds', async () => {
    const { client, work } = await startTestPtyd();
    await expect(client.spawn(sessionSpec(work, ['true'], { scrollback: 99 }))).rejects.toThrow('malformed request');
    await expect(client.spawn(sessionSpec(work, ['true'], { scrollback: 100_001 }))).rejects.toThrow('malformed request');
  });
});

describe('session output logs', () => {
  it('appends every output byte, in order, to a 0600 file in a 0700 folder, kept when ptyd is killed', async () => {
    const { client, paths, pid, work } = await startTestPtyd();
    const spec = sessionSpec(work, ['sh', '-c', 'echo first; echo second; sleep 1000']);
    const { pid: shell } = await client.spawn(spec);
    await waitFor(screenHas(client, spec.session, 'second'), 'the output');
    const sleeper = await waitFor(() => childNamed(shell, 'sleep'), 'the sleep');
    // Should the hang-up not end them when ptyd dies, do not leave them behind.
    onCleanup(async () => void (await Promise.all([shell, sleeper].map(stopProcess))));
    const seq = (await client.list())[0]!.seq;
    const logFile = path.join(paths.sessionLogDir, `${spec.session}.log`);
    await waitFor(() => fs.existsSync(logFile) && fs.statSync(logFile).size === seq, 'the log to hold every byte');
    expect(fs.statSync(paths.sessionLogDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(logFile).mode & 0o777).toBe(0o600);

    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processAlive(pid), 'ptyd to die');
    expect(decode(readSessionLogTail(paths.sessionLogDir, spec.session, 1_000_000)!)).toBe('first\r\nsecond\r\n');
    expect(decode(readSessionLogTail(paths.sessionLogDir, spec.session, 8)!)).toBe('second\r\n');
    removeSessionLog(paths.sessionLogDir, spec.session);
    expect(readSessionLogTail(paths.sessionLogDir, spec.session, 100)).toBeNull();
  });

  it('rotates a log past its size into .log.1, so a session keeps at most two files of it', async () => {
    const rotate = 64 * 1024;
    const { client, paths, work } = await startTestPtyd({ args: ['--session-log-rotate-bytes', String(rotate)] });
    const lines = 8000;
    const spec = sessionSpec(work, ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo "rotating line $i of the session log"; i=$((i+1)); done; ${THEN_WAIT}`]);
    await client.spawn(spec);
    await waitFor(screenHas(client, spec.session, 'all-printed'), 'the output');
    const { seq } = (await client.list())[0]!;
    let expected = '';
    for (let i = 0; i < lines; i++) expected += `rotating line ${i} of the session log\r\n`;
    expected += 'all-printed\r\n';
    expect(seq).toBe(expected.length);

    const current = path.join(paths.sessionLogDir, `${spec.session}.log`);
    const previous = `${current}.1`;
    // A PTY read is at most this big, and a file is rotated only between reads.
    const chunk = 64 * 1024;
    const tail = await waitFor(() => {
      const t = readSessionLogTail(paths.sessionLogDir, spec.session, 10 * rotate);
      return t && decode(t).endsWith('all-printed\r\n') ? t : null;
    }, 'the last line to reach the log');
    expect(fs.readdirSync(paths.sessionLogDir).sort()).toEqual([`${spec.session}.log`, `${spec.session}.log.1`]);
    expect(fs.statSync(current).size).toBeLessThan(rotate + chunk);
    expect(fs.statSync(previous).size).toBeGreaterThanOrEqual(rotate);
    expect(fs.statSync(previous).size).toBeLessThan(rotate + chunk);
    expect(fs.statSync(previous).mode & 0o777).toBe(0o600);
    // The two files are the output's last bytes, in order, with nothing missing between them.
    expect(tail.length).toBe(fs.statSync(current).size + fs.statSync(previous).size);
    expect(tail.length).toBeLessThan(seq);
    expect(expected.endsWith(decode(tail))).toBe(true);
    expect(decode(readSessionLogTail(paths.sessionLogDir, spec.session, 100)!)).toBe(expected.slice(-100));
  });

  it('skips output while the disk cannot keep up, holding a bounded amount, and marks the gap once it has caught up', async () => {
    // A FIFO nobody reads yet is a disk that has stopped: writes to it block once its buffer is full.
    const dir = tempDir('sy-slow-disk-');
    const fifo = path.join(dir, 'slow.log');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    onCleanup(() => fs.closeSync(reader));
    const log = new SessionLog({ dir, session: 'slow' });
    onCleanup(() => log.end());

    const chunk = 64 * 1024;
    const written: Uint8Array[] = [];
    for (let i = 0; i < 128; i++) {
      const bytes = new Uint8Array(chunk).fill(65 + (i % 26));
      written.push(bytes);
      log.write(bytes);
      // One chunk a turn of the event loop, as a PTY delivers them: a disk that kept up would take each.
      await new Promise((r) => setImmediate(r));
    }
    const got: Buffer[] = [];
    const text = () => Buffer.concat(got).toString('latin1');
    const drain = (limit = Infinity) => {
      const buf = Buffer.alloc(1 << 20);
      let read = 0;
      while (read < limit) {
        try {
          const n = fs.readSync(reader, buf, 0, Math.min(buf.length, limit - read), null);
          if (n === 0) return;
          got.push(Buffer.from(buf.subarray(0, n)));
          read += n;
        } catch {
          return; // EAGAIN: nothing more for now
        }
      }
    };
    // The disk takes a little and stalls again: a chunk that arrives now, with room to spare
    // below the limit, must still not slip in ahead of the gap's marker.
    await waitFor(() => (drain(256 * 1024 - Buffer.concat(got).length), Buffer.concat(got).length >= 256 * 1024), 'the disk to take a little');
    await new Promise((r) => setTimeout(r, 100));
    log.write(new Uint8Array(chunk).fill(122)); // "z…": never part of what is kept
    // Now the disk catches up (the reader drains the FIFO); output after that is kept again.
    await waitFor(() => (drain(), text().includes(SESSION_LOG_GAP_MARKER)), 'the gap marker');
    log.write(encode('after the gap'));
    await waitFor(() => (drain(), text().endsWith('after the gap')), 'output after the gap');

    const all = text();
    const [before, after] = all.split(SESSION_LOG_GAP_MARKER);
    expect(all.split(SESSION_LOG_GAP_MARKER)).toHaveLength(2);
    expect(after).toBe('after the gap');
    // What was kept is the output's start, in order; what was held never grew past a few MB.
    const whole = Buffer.concat(written).toString('latin1');
    expect(before!.length).toBeGreaterThan(0);
    expect(before!.length).toBeLessThan(whole.length);
    expect(before!.length).toBeLessThanOrEqual(4 * 1024 * 1024 + chunk);
    expect(whole.startsWith(before!)).toBe(true);
  });

  it('refuses a session id that is not a plain name, so no path leaves the log folder', async () => {
    const { paths } = await startTestPtyd();
    const outside = path.join(path.dirname(paths.sessionLogDir), 'secret.log');
    fs.writeFileSync(outside, 'not for reading');
    for (const bad of ['../secret', '..', 'a/b', '', 'x'.repeat(65), 'dot.dot']) {
      expect(() => readSessionLogTail(paths.sessionLogDir, bad, 100)).toThrow('not a session id');
      expect(() => removeSessionLog(paths.sessionLogDir, bad)).toThrow('not a session id');
    }
    expect(fs.readFileSync(outside, 'utf8')).toBe('not for reading');
    expect(readSessionLogTail(paths.sessionLogDir, 'never-was', 100)).toBeNull();
  });
});

describe('reap', () => {
  it('kills what an agent that ignores SIGHUP and SIGTERM left running when its ptyd was killed, and nothing a ptyd holds', async () => {
    const first = await startTestPtyd();
    const script = path.join(first.work, 'script.json');
    fs.writeFileSync(script, JSON.stringify({ steps: [{ ignoreTerm: 'child.pid' }, { print: 'ready' }, { hang: true }] }));
    const spec = sessionSpec(first.work, [process.execPath, SCRIPTED_AGENT, '--script', script]);
    const { pid: agent } = await first.client.spawn(spec);
    await waitFor(screenHas(first.client, spec.session, 'ready'), 'the agent to be ready');
    const child = Number(fs.readFileSync(path.join(first.work, 'child.pid'), 'utf8'));
    onCleanup(() => {
      for (const p of [agent, child]) if (processAlive(p)) process.kill(p, 'SIGKILL');
    });

    process.kill(first.pid, 'SIGKILL');
    await waitFor(() => !processAlive(first.pid), 'the first ptyd to die');
    // Its terminal hung up, but the agent and its child shrug that off.
    expect([processAlive(agent), processAlive(child)]).toEqual([true, true]);

    // A new ptyd, on the same socket, as the engine would start after losing the first.
    const { client: second } = await startTestPtyd({ paths: first.paths });
    const kept = sessionSpec(first.work, ['sleep', '1000']);
    const { pid: keptPid } = await second.spawn(kept);
    const { killed } = await second.reap([spec.session, kept.session, 'never-existed']);
    expect(killed).toBe(2);
    await waitFor(() => !processAlive(agent) && !processAlive(child), 'the leftovers to be gone');
    // A session this ptyd holds is not a leftover.
    expect(processAlive(keptPid)).toBe(true);
    expect((await second.list()).find((s) => s.session === kept.session)?.alive).toBe(true);
  });
});

/** The pid of a child of `parent` running `name`, or null. */
function childNamed(parent: number, name: string): number | null {
  try {
    const out = execFileSync('pgrep', ['-P', String(parent), '-x', name], { encoding: 'utf8' }).trim();
    return out ? Number(out.split('\n')[0]) : null;
  } catch {
    return null;
  }
}
