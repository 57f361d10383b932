/**
 * The client's heartbeat tells a hung ptyd from a busy engine: a blocked event loop (or a
 * sleeping laptop) must not cut a healthy connection, while a ptyd that stops answering is
 * given up after two periods, so the engine reconnects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Heartbeat } from '../src/engine/ptyd/heartbeat';
import { onCleanup, processAlive, runCleanups, waitFor } from './helpers';
import { connectAgain, startTestPtyd } from './ptyd-daemons';

afterEach(runCleanups);

const INTERVAL = 100;
const TIMEOUT = 300;

/** Blocks this process's event loop, as a long synchronous task or a suspended laptop does. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer, no socket read runs meanwhile
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the ptyd heartbeat', () => {
  it('keeps the connection when this process was blocked for three timeouts while ptyd was healthy', async () => {
    const { client } = await startTestPtyd({ connect: { heartbeatMs: INTERVAL, heartbeatTimeoutMs: TIMEOUT } });
    let closed = false;
    client.on('close', () => (closed = true));
    expect((await client.ping()).pid).toBe(client.ptydPid);

    blockEventLoop(3 * TIMEOUT);
    // Give the heartbeat several periods to misjudge the stall.
    await sleep(4 * TIMEOUT);
    expect(closed).toBe(false);
    expect(client.isClosed).toBe(false);
    expect((await client.ping()).pid).toBe(client.ptydPid);
    expect(await client.list()).toEqual([]);
  });

  it('closes the connection about two periods after ptyd stops answering', async () => {
    const { client, paths, pid } = await startTestPtyd({ connect: { heartbeatMs: INTERVAL, heartbeatTimeoutMs: TIMEOUT } });
    let closedAt = 0;
    client.on('close', () => (closedAt = Date.now()));
    expect((await client.ping()).pid).toBe(pid);

    const stoppedAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    onCleanup(() => {
      if (processAlive(pid)) process.kill(pid, 'SIGCONT');
    });
    await waitFor(() => closedAt > 0, 'the client to give ptyd up', 10_000);
    // Not after one quiet period: two, counted from the last answer (at most a ping interval before the stop).
    expect(closedAt - stoppedAt).toBeGreaterThanOrEqual(2 * TIMEOUT - 2 * INTERVAL);
    await expect(client.list()).rejects.toThrow('ptyd is not connected');

    // The daemon itself was only paused: once it runs again, a new connection works.
    process.kill(pid, 'SIGCONT');
    const again = await connectAgain(paths);
    expect((await again.ping()).pid).toBe(pid);
  });

  it('does not count periods during which this process was not running, however many in a row', async () => {
    let dead = false;
    // Nothing ever answers: only the two-step rule stands between these stalls and a false death.
    const heartbeat = new Heartbeat({ intervalMs: INTERVAL, timeoutMs: TIMEOUT, ping: () => {}, onDead: () => (dead = true) });
    onCleanup(() => heartbeat.stop());
    for (let i = 0; i < 3; i++) {
      blockEventLoop(3 * TIMEOUT);
      // Long enough for the late watchdog to run, far too short for a fair period to pass.
      await sleep(10);
    }
    expect(dead).toBe(false);
    // Periods measured while running, with no sign of life, do count.
    await waitFor(() => dead, 'the heartbeat to give up', 10_000);
  });
});
