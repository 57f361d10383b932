/**
 * Chaos: the engine is killed with SIGKILL at random moments while scripted agents run, tasks
 * merge and plans dispatch, then started again. Every round checks that nothing was lost:
 * the database is sound, every task is there in a state that agrees with git and with the
 * sessions ptyd holds, no running agent was killed, no worktree was removed, and each
 * terminal's replayed screen equals a mirror of our own fed the same bytes.
 *
 * CHAOS_ROUNDS (default 50) and CHAOS_SEED (default: random, printed) steer it;
 * `npm run chaos` runs a longer loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrphanSession, PlanView } from '../src/shared/contract';
import type { Project, Task } from '../src/shared/task';
import type { SessionInfo } from '../src/shared/ptyd-protocol';
import { EngineProcess } from './chaos/engine-process';
import { independentMirror, integrityCheck, longAgentOutput, ptydSnapshot, replayedScreen, seededRandom, type Snapshot } from './chaos/world';
import { connectPtyd, git, makeRepo, onCleanup, processAlive, runCleanups, scriptedAgent, tempDir } from './helpers';

const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 50);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9));
const SCROLLBACK = 5000;
const MAX_LONG_AGENTS = 4;

afterAll(runCleanups);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const longAgent = (key: string) => ({
  profile: 'custom' as const,
  command: scriptedAgent([{ print: longAgentOutput(key, 1) }, { sleep: 1200 }, { print: longAgentOutput(key, 2) }, { hang: true }]),
});
const quickAgent = (key: string) => ({
  profile: 'custom' as const,
  command: scriptedAgent([{ print: `${key} working` }, { sleep: 150 }, { write: { path: `work/${key}.txt`, content: `${key}\n` } }, { commit: `work of ${key}` }, { exit: 0 }]),
});

/** Whether another branch than its own holds the branch's tip (it was merged somewhere). */
function mergedSomewhere(repo: string, branch: string): boolean {
  if (git(repo, 'branch', '--list', branch).trim() === '') return false;
  const holders = git(repo, 'branch', '--format=%(refname:short)', '--contains', `refs/heads/${branch}`)
    .split('\n')
    .map((b) => b.trim())
    .filter((b) => b && b !== branch);
  return holders.length > 0;
}

function tipOf(repo: string, branch: string): string | null {
  try {
    return git(repo, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`).trim();
  } catch {
    return null;
  }
}

describe('chaos: the engine killed with SIGKILL at random moments', () => {
  it(`${ROUNDS} rounds: the store, git, the sessions and the screens stay consistent (seed ${SEED})`, async () => {
    const rand = seededRandom(SEED);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const dataDir = tempDir('sy-chaos-');
    const repo = makeRepo();
    const dbFile = path.join(dataDir, 'switchyard.db');
    let engine = await EngineProcess.start(dataDir);
    onCleanup(async () => {
      await engine.kill().catch(() => {});
      // ptyd's SIGTERM stops every session it holds, then ptyd itself.
      const pid = Number(fs.readFileSync(path.join(dataDir, 'run', 'ptyd.pid'), 'utf8'));
      if (processAlive(pid)) process.kill(pid, 'SIGTERM');
    });
    const project = await engine.call<Project>('projects.open', { path: repo });
    const ptyd = await connectPtyd(dataDir);

    /** Tasks whose creation the engine answered: they must exist from then on. */
    const acknowledged = new Set<string>();
    /** Long-running agents seen alive, by session: none may die. */
    const mustLive = new Map<string, { pid: number; title: string }>();
    const screensChecked = new Set<string>();
    /** The last tip seen of each task's branch: a task cleaned up must have it merged somewhere. */
    const tips = new Map<string, string>();
    let plans = 0;
    let kills = 0;
    const log: string[] = [];

    async function actOnce(round: number, i: number): Promise<void> {
      const key = `r${round}n${i}`;
      const tasks = await engine.call<Task[]>('tasks.list', {});
      const longLive = tasks.filter((t) => t.title.startsWith('long ') && t.state === 'running').length;
      // The first action is always a long-running agent: every run has one to keep alive.
      const choice = round === 1 && i === 0 ? 'long' : pick(['long', 'quick', 'quick', 'merge', 'merge', 'plan', 'start']);
      const waiting = tasks.filter((t) => t.state === 'queued' && t.plan === null);
      if (choice === 'start' && waiting.length > 0) {
        // A task whose start a kill cut short starts now, wherever that start had got to.
        const t = pick(waiting);
        if (!t.title.startsWith('long ') || longLive < MAX_LONG_AGENTS) {
          await engine.call('tasks.start', { taskId: t.id });
          acknowledged.add(t.id);
        }
        return;
      }
      if (choice === 'long' && longLive < MAX_LONG_AGENTS) {
        const t = await engine.call<Task>('tasks.create', { projectId: project.id, title: `long ${key}`, prompt: '', agent: longAgent(key), startNow: true });
        acknowledged.add(t.id);
      } else if (choice === 'merge') {
        const ready = tasks.filter((t) => t.state === 'review' && t.plan === null);
        if (ready.length > 0) await engine.call('tasks.merge', { taskId: pick(ready).id, commitUncommitted: false });
      } else if (choice === 'plan' && plans < Math.ceil(ROUNDS / 10)) {
        plans++;
        const ids = ['a', 'b', 'c'];
        const view = await engine.call<PlanView>('plans.import', {
          projectId: project.id,
          text: JSON.stringify({
            name: `plan ${key}`,
            auto_merge: true,
            concurrency: 2,
            tasks: ids.map((id, n) => ({ id, title: `plan ${key} ${id}`, agent: quickAgent(`${key}${id}`), depends_on: n === 2 ? ['a'] : [] })),
          }),
        });
        for (const t of view.tasks) acknowledged.add(t.id);
        await engine.call('plans.start', { planId: view.plan.id });
      } else {
        const t = await engine.call<Task>('tasks.create', { projectId: project.id, title: `quick ${key}`, prompt: '', agent: quickAgent(key), startNow: true });
        acknowledged.add(t.id);
      }
    }

    /** Everything that must hold after a restart; empty when it all does. */
    async function problems(): Promise<string[]> {
      const out: string[] = [];
      const tasks = await engine.call<Task[]>('tasks.list', {});
      const sessions = new Map<string, SessionInfo>((await ptyd.list()).map((s) => [s.session, s]));
      const byId = new Map(tasks.map((t) => [t.id, t]));
      for (const id of acknowledged) if (!byId.has(id)) out.push(`task ${id} is gone`);
      const orphans = await engine.call<OrphanSession[]>('sessions.orphans');
      for (const o of orphans) out.push(`session ${o.session} has no task`);
      for (const t of tasks) {
        const s = t.sessionId ? sessions.get(t.sessionId) : undefined;
        if (t.worktreePath && !t.cleanedUp && !fs.existsSync(t.worktreePath)) out.push(`${t.title}: its worktree was removed`);
        if (t.branch && !t.cleanedUp) {
          const tip = tipOf(repo, t.branch);
          if (tip) tips.set(t.id, tip);
        }
        // Removed with its worktree: only once every commit it had is in another branch.
        const lastTip = tips.get(t.id);
        if (t.cleanedUp && lastTip && git(repo, 'branch', '--contains', lastTip).trim() === '') out.push(`${t.title}: cleaned up, but its commits ${lastTip.slice(0, 10)} are on no branch`);
        if (t.title.startsWith('long ')) {
          // Created, but killed before its start was answered: it waits, untouched, to be started.
          if (t.state === 'queued' && !acknowledged.has(t.id)) continue;
          if (t.state !== 'running') out.push(`${t.title}: a long agent's task is ${t.state} (${t.stateReason})`);
          else if (!s?.alive) out.push(`${t.title}: running, but its session is ${s ? 'dead' : 'missing'}`);
          else if (!mustLive.has(s.session)) mustLive.set(s.session, { pid: s.pid, title: t.title });
          continue;
        }
        switch (t.state) {
          case 'running':
            if (!s) out.push(`${t.title}: running without a session`);
            else if (!s.alive) out.push(`${t.title}: running, but its agent exited (settling)`);
            break;
          case 'done':
            // A merge may take the branch and worktree away with it (cleanedUp); else the branch is in another.
            if (!t.cleanedUp && (!t.branch || !mergedSomewhere(repo, t.branch))) out.push(`${t.title}: done, but ${t.branch} is merged nowhere`);
            break;
          case 'interrupted':
          case 'failed':
          case 'cancelled':
          case 'verifying':
            out.push(`${t.title}: ${t.state} (${t.stateReason})`);
            break;
          default:
          // queued, blocked, review, merging: all fine mid-way
        }
      }
      for (const [session, { pid, title }] of mustLive) {
        if (!processAlive(pid) || !sessions.get(session)?.alive) out.push(`${title}: its agent (pid ${pid}) was killed`);
      }
      return out;
    }

    async function settle(round: number): Promise<void> {
      const deadline = Date.now() + 30_000;
      let last: string[] = [];
      while (Date.now() < deadline) {
        last = await problems();
        if (last.length === 0) return;
        // A quick agent's exit may still be on its way; anything else does not heal by waiting.
        await sleep(200);
      }
      throw new Error(`round ${round} (seed ${SEED}): ${last.join('\n')}\n--- actions:\n${log.slice(-20).join('\n')}`);
    }

    async function checkScreens(all: boolean): Promise<void> {
      const tasks = await engine.call<Task[]>('tasks.list', {});
      for (const t of tasks.filter((x) => x.title.startsWith('long ') && x.sessionId)) {
        if (!all && screensChecked.has(t.sessionId!)) continue;
        const key = t.title.slice('long '.length);
        const printed = longAgentOutput(key);
        // Once it has printed everything, the replay must equal our own mirror of those bytes.
        const done = async () => (await ptyd.transcript(t.sessionId!)).lines.some((l) => l === `${key}: waiting`);
        const deadline = Date.now() + 20_000;
        while (!(await done())) {
          if (Date.now() > deadline) throw new Error(`${t.title} never printed its output`);
          await sleep(100);
        }
        // What a window attaching through the restarted engine is sent, and ptyd's own snapshot.
        const viaEngine = await engine.call<{ cols: number; rows: number; data: string }>('test.snapshot', t.sessionId!);
        const relayed: Snapshot = { cols: viaEngine.cols, rows: viaEngine.rows, payload: Buffer.from(viaEngine.data, 'base64') };
        const replay = await replayedScreen(relayed, SCROLLBACK);
        expect(await replayedScreen(await ptydSnapshot(ptyd, t.sessionId!), SCROLLBACK)).toEqual(replay);
        // The fixture names itself first, so it is never taken for a real agent.
        const mirror = await independentMirror(`[scripted-agent fixture] run 1\n${printed}`, 100, 30, SCROLLBACK);
        expect(replay.lines, `${t.title}: replayed screen (seed ${SEED})`).toEqual(mirror.lines);
        expect(replay.cursor).toEqual(mirror.cursor);
        screensChecked.add(t.sessionId!);
      }
    }

    const startedAt = Date.now();
    for (let round = 1; round <= ROUNDS; round++) {
      const calls: Promise<unknown>[] = [];
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) calls.push(actOnce(round, i).catch((err: unknown) => log.push(`round ${round}: ${String(err)}`)));
      // Kill at a random moment: often while a call is still under way.
      const wait = Math.floor(rand() * 1500);
      await sleep(wait);
      await engine.kill();
      kills++;
      log.push(`round ${round}: ${n} action(s), killed after ${wait} ms`);
      await Promise.allSettled(calls);
      expect(integrityCheck(dbFile), `round ${round}: PRAGMA integrity_check`).toBe('ok');
      engine = await EngineProcess.start(dataDir);
      await settle(round);
      await checkScreens(false);
    }

    // At the end: let the rest finish, then everything once more, every screen included.
    await settle(ROUNDS + 1);
    await checkScreens(true);
    expect(kills).toBe(ROUNDS);
    expect(mustLive.size).toBeGreaterThan(0);
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    process.stdout.write(`chaos: ${ROUNDS} rounds in ${seconds} s, seed ${SEED}, ${acknowledged.size} tasks, ${plans} plans, ${mustLive.size} long agents kept alive, ${screensChecked.size} screens compared\n`);
  }, ROUNDS * 30_000);
});
