/**
 * Chaos, the other way round: ptyd itself is killed with SIGKILL, again and again, under a
 * live engine. Agents die with it, as expected. Every round checks that their tasks become
 * interrupted with their output kept, that no agent process lingers (not one that ignores
 * SIGHUP, not a double-forked daemon), and that restarting them works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../src/shared/task';
import type { TerminalServerMessage } from '../src/shared/terminal';
import type { Engine } from '../src/engine/engine';
import { connectPtyd, makeRepo, processAlive, runCleanups, scriptedAgent, startEngine, waitFor, waitForState } from './helpers';

afterEach(runCleanups);

const ROUNDS = Number(process.env.CHAOS_PTYD_ROUNDS ?? 3);

/** Processes whose environment carries this session's tag, read from /proc as ptyd's sweep does. */
function taggedPids(session: string): number[] {
  const needle = `SWITCHYARD_SESSION=${session}`;
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(needle) && processAlive(Number(name))) pids.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

/** What a terminal shows for a session now: its snapshot's text, and whether it says it ended. */
async function terminalOf(engine: Engine, session: string): Promise<{ text: string; ended: boolean }> {
  const got: { msg: TerminalServerMessage; payload: Uint8Array | undefined }[] = [];
  const relay = engine.openTerminalChannel((msg, payload) => got.push({ msg, payload }));
  relay.handle({ t: 'attach', sub: 1, session }, new Uint8Array());
  await waitFor(() => got.some((g) => g.msg.t === 'exit' || g.msg.t === 'error'), `the terminal of ${session}`);
  relay.close();
  const snapshot = got.find((g) => g.msg.t === 'snapshot');
  return { text: snapshot?.payload ? new TextDecoder().decode(snapshot.payload) : '', ended: got.some((g) => g.msg.t === 'exit') };
}

describe('chaos: ptyd killed under a live engine', () => {
  it(`${ROUNDS} rounds: tasks become interrupted with their output kept, nothing lingers, and they restart`, async () => {
    const engine = await startEngine();
    const project = await engine.openProject(makeRepo());
    const agents = {
      plain: scriptedAgent([{ print: 'plain agent run {run}' }, { hang: true }]),
      'ignores SIGHUP': scriptedAgent([{ ignoreTerm: 'child.pid' }, { print: 'ignoring hangups, run {run}' }, { hang: true }]),
      'leaves a daemon': scriptedAgent([{ daemon: 'daemon.pid' }, { print: 'daemon started, run {run}' }, { hang: true }]),
    };
    let tasks: Task[] = [];
    for (const [title, command] of Object.entries(agents)) {
      tasks.push(await engine.createTask({ projectId: project.id, title, prompt: '', agent: { profile: 'custom', command }, startNow: true }));
    }

    for (let round = 1; round <= ROUNDS; round++) {
      const ptyd = await waitFor(() => connectPtyd(engine.dataDir), 'ptyd');
      // Every agent is up and has printed this run's line.
      for (const t of tasks) {
        await waitFor(async () => (await ptyd.transcript(t.sessionId!)).lines.some((l) => l.endsWith(`run ${round}`)), `${t.title} to print run ${round}`);
      }
      // The daemon writes its own pid once it has forked away: wait for this run's, alive.
      const livePid = (file: string) => () => {
        const pid = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
        return pid > 0 && processAlive(pid) ? pid : null;
      };
      const daemonPid = await waitFor(livePid(path.join(tasks[2]!.worktreePath!, 'daemon.pid')), `round ${round}: the daemon to run`);
      const childPid = await waitFor(livePid(path.join(tasks[1]!.worktreePath!, 'child.pid')), `round ${round}: the SIGHUP-proof child to run`);
      const sessions = tasks.map((t) => t.sessionId!);
      expect(sessions.every((s) => taggedPids(s).length > 0), `round ${round}: every session has tagged processes`).toBe(true);

      process.kill(ptyd.ptydPid, 'SIGKILL');

      for (const t of tasks) {
        const after = await waitForState(engine, t.id, 'interrupted');
        expect(after.stateReason).toMatch(/session was lost/);
      }
      // Nothing of theirs lingers: not the agent that ignores SIGHUP, its child, or the daemon.
      // (A process being killed loses its environment before it is gone: wait for both.)
      await waitFor(
        () => sessions.every((s) => taggedPids(s).length === 0) && !processAlive(daemonPid) && !processAlive(childPid),
        `round ${round}: no agent process to linger (${sessions.flatMap(taggedPids).join(', ')})`,
      );
      // Their output is kept: each terminal shows what its agent printed, ended.
      for (const t of tasks) {
        const shown = await terminalOf(engine, t.sessionId!);
        expect(shown.ended, `round ${round}: ${t.title}'s terminal shows it ended`).toBe(true);
        expect(shown.text).toContain(`run ${round}`);
      }
      // And each starts again, in its own worktree, on the new ptyd.
      tasks = [];
      for (const t of engine.store.tasks(project.id)) {
        const restarted = await waitFor(() => engine.startTask(t.id), `${t.title} to restart`);
        expect(restarted).toMatchObject({ state: 'running', worktreePath: t.worktreePath });
        tasks.push(restarted);
      }
      tasks.sort((a, b) => Object.keys(agents).indexOf(a.title) - Object.keys(agents).indexOf(b.title));
    }
  }, 60_000 + ROUNDS * 40_000);
});
