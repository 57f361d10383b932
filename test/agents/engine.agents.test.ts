/**
 * The real agent CLIs through Switchyard's real engine and ptyd, against the mock model server:
 * detected with their version; trusted once, so no trust dialog; their own hooks (wired at launch)
 * raise *needs input* with "hook" as its source when they ask permission, the question is answered
 * from the cockpit's side (keys into the terminal through ptyd), and their turn-end hook marks the
 * task *your turn*; the edit is in the task's diff; the screen is the same through an engine
 * restart; Stop leaves no process of the task, and another task of the same agent runs on.
 * Negative controls: without trust handling the trust dialog appears; without the hook wiring no
 * flag comes from a hook. The time from a hook's process start (or, for Codex, the OSC 9 reaching
 * ptyd) to the flag is measured and printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startMockModelServer, type MockModelServer, type MockScript } from '../../fixtures/mock-model/server';
import { startRefusingProxy, type RefusingProxy } from '../../fixtures/mock-model/refusing-proxy';
import type { Engine } from '../../src/engine/engine';
import type { AgentList } from '../../src/shared/agents';
import type { EngineEvent, TrustView } from '../../src/shared/contract';
import type { TaskDiff } from '../../src/shared/diff';
import type { Task } from '../../src/shared/task';
import { SESSION_TAG } from '../../src/ptyd/process-tree';
import type { PtydClient } from '../../src/engine/ptyd/client';
import { ROOT, callApi, connectPtyd, makeRepo, onCleanup, runCleanups, startEngine, waitFor, waitForState } from '../helpers';
import xtermHeadless from '@xterm/headless';
import { AGENT_BIN, AGENT_CLIS, agentHome, type AgentCli, type AgentRecipe } from './agent-homes';

const ENABLED = process.env['SWITCHYARD_AGENT_TESTS'] === '1';
const CONTENT = 'hello from the mock\n';
const FINAL = 'All done: hello.txt is written and the command ran.';

/** Keys that allow the permission question once, as a user answering in the cockpit's terminal would. */
const ALLOW: Record<AgentCli, string> = { claude: '1', codex: 'y', gemini: '1', opencode: '\r' };
/** The trust dialogs the negative control expects. */
const TRUST_DIALOG: Partial<Record<AgentCli, RegExp>> = {
  claude: /Accessing workspace:[\s\S]*trust this folder/,
  codex: /Trust this folder\?/,
  gemini: /Do you trust the files in this folder\?/,
};

const latencies: Record<string, number[]> = {};
const SECURE_ROOT = path.join(os.homedir(), '.cache', 'switchyard', 'agent-test-runs');
fs.mkdirSync(SECURE_ROOT, { recursive: true, mode: 0o700 });
/** The built `switchyard` CLI, as the app runs it, when there is one: hooks then start as fast as they will for users. */
const BUILT_CLI = path.join(ROOT, 'out', 'main', 'cli.js');
afterEach(runCleanups);
afterAll(() => {
  if (Object.keys(latencies).length) console.log(`hook → flag latency (ms): ${JSON.stringify(latencies)}`);
});

function script(): MockScript {
  return {
    turns: [
      { writeFile: { path: 'hello.txt', content: CONTENT }, say: 'Writing hello.txt.' },
      { shell: 'touch made-by-shell.txt', say: 'Running a command.' },
      { final: FINAL },
    ],
  };
}

interface World {
  /** The engine (replaced by the one started after a restart). */
  engine: Engine;
  recipe: AgentRecipe;
  mock: MockModelServer;
  proxy: RefusingProxy;
  projectId: string;
  repo: string;
  trace: string;
  /** A second connection to ptyd: the screen as ptyd has it, and keys as the cockpit sends them. */
  ptyd: PtydClient;
  /** Another engine on the same data folder (close the first one before). */
  restart(): Promise<Engine>;
}

/** The visible screen as a window gets it through an engine's terminal relay: its snapshot, drawn. */
async function screenThroughRelay(engine: Engine, session: string): Promise<string[]> {
  const got = await new Promise<{ cols: number; rows: number; data: Uint8Array }>((resolve) => {
    const relay = engine.openTerminalChannel((msg, payload) => {
      if (msg.t === 'snapshot') {
        relay.close();
        resolve({ cols: msg.cols, rows: msg.rows, data: payload ? payload.slice() : new Uint8Array() });
      }
    });
    relay.handle({ t: 'attach', sub: 1, session }, new Uint8Array());
  });
  const term = new xtermHeadless.Terminal({ cols: got.cols, rows: got.rows, allowProposedApi: true });
  await new Promise<void>((r) => term.write(got.data, r));
  const buf = term.buffer.active;
  const lines = Array.from({ length: term.rows }, (_, row) => buf.getLine(buf.baseY + row)?.translateToString(true) ?? '');
  term.dispose();
  return lines;
}

/** A mock, a proxy, the CLI's home, and an engine whose agents run with that home. */
async function world(cli: AgentCli, opts: { trust: boolean; hooks: boolean; askPermissions?: boolean; script?: MockScript }): Promise<World> {
  const mock = await startMockModelServer({ script: opts.script ?? script() });
  const proxy = await startRefusingProxy();
  // Not under /tmp: Gemini CLI ignores a settings file below a folder others can write to.
  const dir = fs.mkdtempSync(path.join(SECURE_ROOT, `${cli}-`));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const recipe = agentHome(cli, { mockUrl: mock.url, proxyUrl: proxy.url, dir: path.join(dir, 'home'), askPermissions: opts.askPermissions ?? true });
  const trace = path.join(dir, 'hook-trace.jsonl');
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  // The profile points at the pinned CLI; Claude asks before commands ("manual"; its default now is "auto").
  const override: Record<string, unknown> = { executable: recipe.file, wireHooks: opts.hooks };
  if (cli === 'claude') override.interactiveArgs = [...recipe.args, '--', '{prompt}'];
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ global: { [cli]: override } }));
  // CI=true would make Gemini CLI headless inside a PTY.
  const engineOptions = {
    dataDir,
    agentEnv: { ...recipe.env, SWITCHYARD_HOOK_TRACE: trace, CI: '' },
    supervision: { monitorIntervalMs: 250 },
    ...(fs.existsSync(BUILT_CLI) ? { cliLaunch: { command: process.execPath, args: [BUILT_CLI] } } : {}),
  };
  const engine = await startEngine(engineOptions);
  const repo = makeRepo({ 'README.md': '# demo\n' });
  const project = await engine.openProject(repo);
  if (opts.trust) await callApi<TrustView>(engine, 'projects.trust.set', { projectId: project.id, decisions: { claude: true, codex: true, gemini: true } });
  onCleanup(async () => {
    await mock.close();
    await proxy.close();
  });
  return { engine, recipe, mock, proxy, projectId: project.id, repo, trace, ptyd: await connectPtyd(dataDir), restart: () => startEngine(engineOptions) };
}

/** Processes still carrying the session's tag (Linux: /proc/<pid>/environ). */
function tagged(session: string): number[] {
  const needle = `${SESSION_TAG}=${session}`;
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

async function screenOf(w: World, taskId: string): Promise<string> {
  return (await w.ptyd.text(w.engine.store.task(taskId).sessionId!)).lines.join('\n');
}

describe.skipIf(!ENABLED)('real agents through the engine', () => {
  for (const cli of AGENT_CLIS) {
    const missing = !fs.existsSync(path.join(AGENT_BIN, cli));
    if (missing) console.log(`skipping ${cli}: not in ${AGENT_BIN || '(SWITCHYARD_AGENT_BIN unset)'}`);

    describe.skipIf(missing)(cli, () => {
      it('is detected with its version; asks permission through its hook, is answered, ends its turn by its hook; the edit is in the diff; Stop leaves nothing, another task runs on', async () => {
        const w = await world(cli, { trust: true, hooks: true });
        const { engine } = w;
        // A slow version probe (Gemini's, on busy cores) shows as pending first, then answers.
        const detected = await waitFor(async () => {
          const list = await callApi<AgentList>(engine, 'agents.list', { projectId: w.projectId });
          const a = list.agents.find((x) => x.profile.id === cli)!;
          return a.probe === 'pending' ? null : a;
        }, 'the version probe', 60_000);
        expect(detected).toMatchObject({ installed: true, probe: 'ok' });
        expect(detected.version).toMatch(/^\d+\.\d+\.\d+/);

        // When each flag went up, as the engine announced it.
        const flaggedAt: { kind: 'needs-input' | 'your-turn'; source: string | null; at: number }[] = [];
        engine.on('event', (e: EngineEvent) => {
          if (e.type !== 'task') return;
          if (e.task.flags.needsInput && !flaggedAt.some((f) => f.kind === 'needs-input' && f.at > Date.now() - 2000)) flaggedAt.push({ kind: 'needs-input', source: e.task.flags.needsInputSource, at: Date.now() });
          if (e.task.flags.yourTurn && !flaggedAt.some((f) => f.kind === 'your-turn')) flaggedAt.push({ kind: 'your-turn', source: 'hook', at: Date.now() });
        });
        const watcher = w.ptyd;
        const osc: number[] = [];
        watcher.on('notification', () => osc.push(Date.now()));

        const task = await engine.createTask({ projectId: w.projectId, title: `${cli} real`, prompt: 'Write hello.txt, then run the command', agent: { profile: cli }, startNow: true });
        const session = engine.store.task(task.id).sessionId!;
        let answered = 0;
        const deadline = Date.now() + 240_000;
        for (;;) {
          const t = engine.store.task(task.id);
          if (t.flags.yourTurn && fs.existsSync(path.join(t.worktreePath!, 'made-by-shell.txt'))) break;
          if (Date.now() > deadline) throw new Error(`${cli}: no turn end in time; flags ${JSON.stringify(t.flags)}; screen:\n${await screenOf(w, task.id)}`);
          const screen = await screenOf(w, task.id);
          const trust = TRUST_DIALOG[cli];
          if (trust) expect(screen, 'a trust dialog although the repository is trusted').not.toMatch(trust);
          if (t.flags.needsInput) {
            expect(t.flags.needsInputSource, `the flag's source; screen:\n${screen}`).toBe('hook');
            watcher.terminal({ t: 'input', session }, new TextEncoder().encode(ALLOW[cli]));
            answered++;
            await waitFor(() => !engine.store.task(task.id).flags.needsInput || engine.store.task(task.id).flags.yourTurn, 'the answer to be taken', 30_000);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(answered, 'permission questions answered').toBeGreaterThanOrEqual(1);
        const done = engine.store.task(task.id);
        expect(done.state).toBe('running');
        expect(done.agentSession, 'the session id its hooks reported').toMatch(/^[A-Za-z0-9]/);
        expect(fs.readFileSync(path.join(done.worktreePath!, 'hello.txt'), 'utf8')).toBe(CONTENT);
        const results = w.mock.toolResultsReceived();
        expect(results.some((r) => r.turn === 0 && !r.isError), JSON.stringify(results)).toBe(true);
        expect(results.some((r) => r.turn === 1 && !r.isError), JSON.stringify(results)).toBe(true);
        const diff = await callApi<TaskDiff>(engine, 'tasks.diff', { taskId: task.id });
        expect([...diff.committed, ...diff.uncommitted].map((f) => f.path)).toContain('hello.txt');

        // Latency: from the hook process's start (or the OSC 9 reaching ptyd) to the flag.
        const traces = fs.existsSync(w.trace) ? fs.readFileSync(w.trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; startedAt: number }) : [];
        const firstInput = flaggedAt.find((f) => f.kind === 'needs-input')!;
        const from = cli === 'codex' ? osc[0] : traces.find((x) => x.event === 'needs-input')?.startedAt;
        expect(from, `the start of the needs-input signal (traces ${JSON.stringify(traces)})`).toBeDefined();
        const turnEnd = traces.filter((x) => x.event === 'turn-end').at(-1);
        // Codex's OSC 9 reaches the engine and the test's own ptyd connection together: no wait to speak of.
        latencies[cli] = [Math.max(0, firstInput.at - from!), ...(turnEnd ? [flaggedAt.find((f) => f.kind === 'your-turn')!.at - turnEnd.startedAt] : [])];

        // The screen is the same through an engine restart: what a window gets from the new engine
        // equals what it got from the old one.
        const before = await screenThroughRelay(w.engine, session);
        expect(before.join('\n')).toContain(FINAL.slice(0, 20));
        await w.engine.close();
        const engine2 = await w.restart();
        expect(engine2.store.task(task.id).state).toBe('running');
        expect(await screenThroughRelay(engine2, session)).toEqual(before);
        w.engine = engine2;

        // A second task of the same agent, running, must outlive the first one's Stop.
        const e2 = w.engine;
        const other = await e2.createTask({ projectId: w.projectId, title: `${cli} other`, prompt: 'Write hello.txt, then run the command', agent: { profile: cli }, startNow: true });
        const otherSession = e2.store.task(other.id).sessionId!;
        await waitFor(() => e2.store.task(other.id).flags.needsInput || e2.store.task(other.id).flags.yourTurn, 'the other task to get going', 120_000);
        await e2.stopTask(task.id);
        await waitForState(e2, task.id, 'cancelled');
        await new Promise((r) => setTimeout(r, 1500));
        expect(tagged(session), 'processes of the stopped task').toEqual([]);
        expect(e2.store.task(other.id).state).toBe('running');
        expect(tagged(otherSession).length, 'the other task is alive').toBeGreaterThan(0);
        const otherInfo = (await watcher.list()).find((s) => s.session === otherSession)!;
        expect(otherInfo.alive).toBe(true);
        await e2.stopTask(other.id);
        await waitForState(e2, other.id, 'cancelled');
        await new Promise((r) => setTimeout(r, 1500));
        expect(tagged(otherSession)).toEqual([]);
        expect(w.proxy.unexpected(w.recipe.expectedProxyAttempts.interactive)).toEqual([]);
      });

      it('runs once and exits when the task says so: its non-interactive arguments, then the gate, then Review with the edit', async () => {
        const w = await world(cli, { trust: true, hooks: true, askPermissions: false, script: { turns: [{ writeFile: { path: 'hello.txt', content: CONTENT }, say: 'Writing.' }, { final: FINAL }] } });
        // Each CLI's mode that lets an unattended run write (without one, three of them exit 0 having written nothing).
        const mode = ({ claude: 'acceptEdits', codex: 'workspace-write', gemini: 'auto_edit' } as Partial<Record<AgentCli, string>>)[cli];
        const task = await w.engine.createTask({ projectId: w.projectId, title: `${cli} once`, prompt: 'Write hello.txt', agent: { profile: cli, interactive: false, ...(mode ? { permissionMode: mode } : {}) }, startNow: true });
        const done = await waitForState(w.engine, task.id, ['review', 'failed'], 180_000);
        expect(done.state, `${done.stateReason}; screen:\n${await screenOf(w, task.id).catch(() => '')}`).toBe('review');
        expect(done.exitCode).toBe(0);
        expect(fs.readFileSync(path.join(done.worktreePath!, 'hello.txt'), 'utf8')).toBe(CONTENT);
        expect(w.mock.toolResultsReceived().some((r) => r.turn === 0 && !r.isError)).toBe(true);
      });

      it('negative control: without the hook wiring, no flag comes from a hook', async () => {
        // One answer, no tools: the turn ends at once, and a wired turn-end hook would fire.
        const w = await world(cli, { trust: true, hooks: false, askPermissions: false, script: { turns: [{ final: FINAL }] } });
        const task = await w.engine.createTask({ projectId: w.projectId, title: `${cli} unhooked`, prompt: 'Say you are done', agent: { profile: cli }, startNow: true });
        await waitFor(async () => (await screenOf(w, task.id)).includes(FINAL.slice(0, 20)) || null, 'the answer on screen', 120_000);
        await new Promise((r) => setTimeout(r, 5000));
        const t: Task = w.engine.store.task(task.id);
        expect(t.flags.yourTurn).toBe(false);
        expect(t.flags.needsInputSource).not.toBe('hook');
        expect(fs.existsSync(w.trace)).toBe(false);
      });

      if (TRUST_DIALOG[cli]) {
        it('negative control: without trust handling, the trust dialog appears', async () => {
          const w = await world(cli, { trust: false, hooks: true });
          const task = await w.engine.createTask({ projectId: w.projectId, title: `${cli} untrusted`, prompt: 'Write hello.txt', agent: { profile: cli }, startNow: true });
          await waitFor(async () => TRUST_DIALOG[cli]!.test(await screenOf(w, task.id)) || null, 'the trust dialog', 90_000);
        });
      }
    });
  }
});
