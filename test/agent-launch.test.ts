import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../src/shared/agent-catalog';
import { dispatch } from '../src/shared/dispatch';
import { buildLaunch } from '../src/engine/agents/profiles';
import { promptKeys } from '../src/engine/agents/type-prompt';
import type { Engine } from '../src/engine/engine';
import { expectError, git, makeRepo, runCleanups, startEngine, tempDir, waitFor, waitForState } from './helpers';
import { makeFakeAgents, type FakeAgents } from './agent-fakes';

afterEach(runCleanups);

/** A prompt that would break anything that went through a shell or split on spaces. */
const NASTY = `it's "quoted" $HOME; rm -rf / && echo {prompt} \`whoami\` -- --flag   spaced`;

const AGENT_NAMES = ['claude', 'codex', 'gemini', 'opencode', 'aider', 'amp', 'cursor-agent'];

async function setup(overrides?: object): Promise<{ engine: Engine; fakes: FakeAgents; repo: string; projectId: string; dataDir: string }> {
  const fakes = makeFakeAgents(AGENT_NAMES);
  const dataDir = tempDir('sy-data-');
  // Typed agents wait for a line; their profile's env tells the fake to (and shows it arrives).
  const typedEnv = { env: { FAKE_AGENT_READ: '1' } };
  // Hook wiring puts its own arguments in front; hook-wiring.test.ts covers it, here it is off.
  const noHooks = { wireHooks: false };
  const file = overrides ?? { global: { aider: typedEnv, amp: typedEnv, 'cursor-agent': typedEnv, claude: noHooks, codex: noHooks, gemini: noHooks, opencode: noHooks } };
  fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify(file));
  const engine = await startEngine({ dataDir, agentEnv: { PATH: fakes.bin, FAKE_AGENT_DIR: fakes.logDir, SHELL: '/bin/sh' } });
  const repo = makeRepo();
  const project = await engine.openProject(repo);
  return { engine, fakes, repo, projectId: project.id, dataDir };
}

describe('launching each kind of profile', () => {
  it("passes the prompt as exactly one argument, where each 'argument' profile puts it", async () => {
    // No profile waits for a line here: each gets its prompt as an argument and exits.
    const noHooks = { wireHooks: false };
    const { engine, fakes, projectId } = await setup({ global: { claude: noHooks, codex: noHooks, gemini: noHooks, opencode: noHooks } });
    const expected: [string, string[]][] = [
      // After `--`, or inside `--opt=…`: a prompt starting with "-" can never be read as a flag.
      ['claude', ['--', NASTY]],
      ['codex', ['--no-daemon', '--', NASTY]],
      ['gemini', [`--prompt-interactive=${NASTY}`]],
      ['opencode', [`--prompt=${NASTY}`]],
      ['cursor-agent', ['--', NASTY]],
    ];
    for (const [id, args] of expected) {
      const task = await engine.createTask({ projectId, title: `run ${id}`, prompt: NASTY, agent: { profile: id }, startNow: true });
      await waitForState(engine, task.id, 'review');
      const run = fakes.runs().at(-1)!;
      expect(run).toEqual({ name: id, args });
      expect(engine.store.runs(task.id)[0]!.argv).toEqual([path.join(fakes.bin, id), ...args]);
    }
  });

  it("types the prompt into a 'typed' agent's terminal once it is up, and it arrives", async () => {
    const { engine, fakes, projectId } = await setup();
    const prompt = 'add a retry to the upload client, with "quotes" & $dollars';
    const task = await engine.createTask({ projectId, title: 'aider', prompt, agent: { profile: 'aider' }, startNow: true });
    // It exits once it has read its line: the prompt was typed and Enter pressed.
    await waitForState(engine, task.id, 'review', 30_000);
    expect(fakes.runs()).toEqual([{ name: 'aider', args: [] }]);
    expect(fakes.typed(1)).toBe(prompt);
  });

  it("starts a 'none' profile without the prompt", async () => {
    const { engine, projectId } = await setup();
    const shellBin = tempDir('sy-shell-');
    const argvFile = path.join(shellBin, 'argv');
    const fakeShell = path.join(shellBin, 'fake-shell');
    fs.writeFileSync(fakeShell, `#!/bin/sh\nprintf '%s\\0' "$@" > ${argvFile}\n`, { mode: 0o755 });
    await dispatch(engine.handlers(), 1, 'agents.overrides.save', { overrides: { shell: { executable: fakeShell } } });
    const task = await engine.createTask({ projectId, title: 'shell', prompt: 'echo should-not-run', agent: { profile: 'shell' }, startNow: true });
    await waitForState(engine, task.id, 'review');
    expect(fs.readFileSync(argvFile, 'utf8')).toBe('-l\0');
    expect(engine.store.runs(task.id)[0]!.argv).toEqual([fakeShell, '-l']);
  });

  it('adds the profile env to the agent environment', async () => {
    const { engine, projectId, fakes } = await setup();
    const exe = path.join(tempDir('sy-bin-'), 'env-agent');
    fs.writeFileSync(exe, `#!/bin/sh\nprintf '%s|%s|%s' "$PROFILE_VAR" "$SWITCHYARD_TASK_ID" "$FAKE_AGENT_DIR" > "$FAKE_AGENT_DIR/env"\n`, { mode: 0o755 });
    await dispatch(engine.handlers(), 1, 'agents.overrides.save', { overrides: { claude: { executable: exe, env: { PROFILE_VAR: 'from the profile' } } } });
    const task = await engine.createTask({ projectId, title: 'env', prompt: 'x', agent: { profile: 'claude' }, startNow: true });
    await waitForState(engine, task.id, 'review');
    expect(fs.readFileSync(path.join(fakes.logDir, 'env'), 'utf8')).toBe(`from the profile|${task.id}|${fakes.logDir}`);
  });

  it('uses resume args on restart where the profile has them, and starts afresh where it has none', async () => {
    const { engine, fakes, projectId } = await setup();
    const claude = await engine.createTask({ projectId, title: 'claude', prompt: 'first', agent: { profile: 'claude' }, startNow: true });
    await waitForState(engine, claude.id, 'review');
    await engine.startTask(claude.id, { resume: true });
    await waitForState(engine, claude.id, 'review');
    expect(fakes.runs().map((r) => r.args)).toEqual([['--', 'first'], ['--continue', '--', 'first']]);

    const codex = await engine.createTask({ projectId, title: 'codex', prompt: 'go', agent: { profile: 'codex' }, startNow: true });
    await waitForState(engine, codex.id, 'review');
    const res = await dispatch(engine.handlers(), 1, 'tasks.start', { taskId: codex.id, resume: true });
    expect(res.ok).toBe(true);
    await waitForState(engine, codex.id, 'review');
    expect(fakes.runs().slice(2).map((r) => r.args)).toEqual([['--no-daemon', '--', 'go'], ['resume', '--no-daemon', '--last', '--', 'go']]);

    // Cursor's resume takes no prompt: the prompt is typed in instead.
    const cursor = await engine.createTask({ projectId, title: 'cursor', prompt: 'carry on', agent: { profile: 'cursor-agent' }, startNow: false });
    await engine.startTask(cursor.id, { resume: true });
    await waitForState(engine, cursor.id, 'review', 30_000);
    expect(fakes.runs().at(-1)).toEqual({ name: 'cursor-agent', args: ['resume'] });
    expect(fakes.typed(fakes.runs().length)).toBe('carry on');

    // Amp cannot resume: a fresh interactive run, with the prompt typed.
    const amp = await engine.createTask({ projectId, title: 'amp', prompt: 'again', agent: { profile: 'amp' }, startNow: false });
    await engine.startTask(amp.id, { resume: true });
    await waitForState(engine, amp.id, 'review', 30_000);
    expect(fakes.runs().at(-1)).toEqual({ name: 'amp', args: [] });
    expect(fakes.typed(fakes.runs().length)).toBe('again');
  });
});

describe('choosing and changing a task’s agent', () => {
  it('restarts a task with another profile, in the same worktree, and records it', async () => {
    const { engine, fakes, projectId } = await setup();
    const task = await engine.createTask({ projectId, title: 'switch', prompt: 'do it', agent: { profile: 'claude' }, startNow: true });
    await waitForState(engine, task.id, 'review');
    const res = await dispatch(engine.handlers(), 1, 'tasks.start', { taskId: task.id, agent: { profile: 'gemini' }, resume: true });
    expect(res.ok).toBe(true);
    const after = await waitForState(engine, task.id, 'review');
    expect(after.agent).toEqual({ profile: 'gemini' });
    expect(after.worktreePath).toBe(task.worktreePath);
    // Another agent cannot resume Claude's session: gemini starts afresh with the prompt.
    expect(fakes.runs().map((r) => [r.name, r.args])).toEqual([
      ['claude', ['--', 'do it']],
      ['gemini', ['--prompt-interactive=do it']],
    ]);
    expect(engine.store.events(task.id).at(-2)!.reason).toContain('gemini');
  });

  it('refuses an unknown or missing agent with a clear error before anything is created or changed', async () => {
    const { engine, projectId, repo } = await setup();
    const tasksBefore = engine.store.tasks().length;
    const unknown = await expectError(engine.createTask({ projectId, title: 'x', prompt: '', agent: { profile: 'nope' }, startNow: true }), 'agent-not-found');
    expect(unknown.message).toContain('there is no agent profile "nope"');
    expect(unknown.message).toContain('claude');
    expect(engine.store.tasks().length).toBe(tasksBefore);

    // A known profile that is not installed: the task exists, but no worktree or branch is made.
    await dispatch(engine.handlers(), 1, 'agents.overrides.save', { overrides: { aider: { executable: 'aider-not-here' } } });
    const task = await engine.createTask({ projectId, title: 'missing', prompt: 'p', agent: { profile: 'claude' }, startNow: false });
    const missing = await expectError(engine.startTask(task.id, { agent: { profile: 'aider' } }), 'agent-not-found');
    expect(missing.message).toContain('Aider is not installed');
    expect(missing.message).toContain('aider-install');
    const still = engine.store.task(task.id);
    expect(still).toMatchObject({ state: 'queued', agent: { profile: 'claude' }, worktreePath: null, branch: null });
    expect(git(repo, 'branch', '--list', 'sy/*')).toBe('');

    const viaContract = await dispatch(engine.handlers(), 1, 'tasks.start', { taskId: task.id, agent: { profile: 'nope' } });
    expect(viaContract).toMatchObject({ ok: false, error: { code: 'agent-not-found' } });
    expect(engine.store.task(task.id).agent).toEqual({ profile: 'claude' });
  });
});

describe('buildLaunch', () => {
  const env = { PATH: '/nonexistent', SHELL: '/bin/sh' };
  it('says how to install an agent that is not there', () => {
    for (const p of BUILTIN_PROFILES.filter((x) => !['shell', 'custom'].includes(x.id))) {
      let message = '';
      try {
        buildLaunch({ profile: p.id }, 'x', '/', env);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, p.id).toContain(`${p.name} is not installed`);
      expect(message, p.id).toContain(p.installHint);
    }
  });

  it('starts the login shell for the shell profile', () => {
    expect(buildLaunch({ profile: 'shell' }, 'ignored', '/', env)).toEqual({ file: '/bin/sh', args: ['-l'], typedPrompt: null, env: {} });
  });

  it('sends a multi-line prompt as one bracketed paste', () => {
    expect(promptKeys('one line')).toBe('one line');
    expect(promptKeys('two\r\nlines')).toBe('\x1b[200~two\nlines\x1b[201~');
  });
});

describe('model and permission mode, per task and per plan', () => {
  it('puts the mode and model arguments before the profile’s own, and refuses what a profile cannot take', async () => {
    const env = { PATH: '/usr/bin:/bin' };
    const claude = BUILTIN_PROFILES.find((p) => p.id === 'claude')!;
    const fakeClaude = { ...claude, executable: '/bin/sh' };
    expect(buildLaunch({ profile: 'claude', model: 'sonnet', permissionMode: 'plan' }, 'p', '/', env, { profile: fakeClaude }).args).toEqual(['--permission-mode', 'plan', '--model', 'sonnet', '--', 'p']);
    // No mode named: the profile's default ("auto": no arguments).
    expect(buildLaunch({ profile: 'claude' }, 'p', '/', env, { profile: fakeClaude }).args).toEqual(['--', 'p']);
    const codex = { ...BUILTIN_PROFILES.find((p) => p.id === 'codex')!, executable: '/bin/sh' };
    expect(buildLaunch({ profile: 'codex', permissionMode: 'full-auto', model: 'gpt-5.5' }, 'p', '/', env, { profile: codex, nonInteractive: true }).args).toEqual(['-s', 'workspace-write', '-a', 'never', '-m', 'gpt-5.5', 'exec', '--', 'p']);
    const gemini = { ...BUILTIN_PROFILES.find((p) => p.id === 'gemini')!, executable: '/bin/sh' };
    expect(buildLaunch({ profile: 'gemini', permissionMode: 'auto_edit' }, 'p', '/', env, { profile: gemini }).args).toEqual(['--approval-mode', 'auto_edit', '--prompt-interactive=p']);
    expect(() => buildLaunch({ profile: 'claude', permissionMode: 'yolo' }, 'p', '/', env, { profile: fakeClaude })).toThrow(/Claude Code has no permission mode "yolo"; its modes are auto, manual, acceptEdits, plan, bypassPermissions/);
    const aider = { ...BUILTIN_PROFILES.find((p) => p.id === 'aider')!, executable: '/bin/sh' };
    expect(() => buildLaunch({ profile: 'aider', model: 'gpt-4o' }, 'p', '/', env, { profile: aider })).toThrow(/Aider has no way to choose a model/);
  });

  it('a plan names them for all its tasks or one; a mode a profile lacks is refused before any task exists', async () => {
    const { engine, fakes, projectId } = await setup();
    const plan = {
      name: 'Modes',
      agent: { profile: 'claude', permissionMode: 'acceptEdits' },
      tasks: [
        { id: 'a', title: 'A', prompt: 'pa' },
        { id: 'b', title: 'B', prompt: 'pb', agent: { profile: 'codex', model: 'gpt-5.5', permissionMode: 'read-only' } },
      ],
    };
    const view = await dispatch(engine.handlers(), 1, 'plans.import', { projectId, text: JSON.stringify(plan) });
    expect(view.ok).toBe(true);
    await dispatch(engine.handlers(), 2, 'plans.start', { planId: (view as { output: { plan: { id: string } } }).output.plan.id });
    await waitFor(() => fakes.runs().length === 2 || null, 'both plan tasks to start');
    const runs = fakes.runs();
    expect(runs.find((r) => r.name === 'claude')!.args).toEqual(['--permission-mode', 'acceptEdits', '--', 'pa']);
    expect(runs.find((r) => r.name === 'codex')!.args).toEqual(['-s', 'read-only', '-a', 'on-request', '-m', 'gpt-5.5', '--no-daemon', '--', 'pb']);
    await expectError(engine.createTask({ projectId, title: 'bad', prompt: 'p', agent: { profile: 'gemini', permissionMode: 'acceptEdits' }, startNow: true }), 'invalid-input');
  });
});

describe('a task that runs once and exits', () => {
  it('launches the profile’s non-interactive arguments, with its mode, and its exit ends the run', async () => {
    const { engine, fakes, projectId } = await setup();
    const task = await engine.createTask({ projectId, title: 'once', prompt: 'do it', agent: { profile: 'claude', interactive: false, permissionMode: 'acceptEdits' }, startNow: true });
    await waitForState(engine, task.id, 'review');
    expect(fakes.runs().at(-1)).toEqual({ name: 'claude', args: ['--permission-mode', 'acceptEdits', '-p', '--', 'do it'] });
  });
});
