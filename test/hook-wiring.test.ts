/**
 * Hook wiring: what each agent is given at launch (files in the data folder, flags, environment),
 * carried-over settings, the OpenCode plugin run for real, and the wiring through the engine:
 * an agent that runs the hooks it was given flags its task, and resume uses the session id its
 * hooks reported. The real CLIs firing these hooks is test/agents (npm run test:agents).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WIRABLE_PROFILES } from '../src/shared/agents';
import { BUILTIN_PROFILES } from '../src/shared/agent-catalog';
import { wireHooks, type WiringContext } from '../src/engine/agents/wiring/hook-wiring';
import { makeRepo, onCleanup, runCleanups, startEngine, tempDir, waitFor, waitForState } from './helpers';
import { writeScript } from './agent-fakes';

afterEach(runCleanups);

/** A folder no one else can write to, nor to any folder above it (Gemini CLI checks). */
function secureDir(): string {
  const root = path.join(os.homedir(), '.cache', 'switchyard', 'wiring-tests');
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const dir = fs.mkdtempSync(path.join(root, 'w-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function context(env: NodeJS.ProcessEnv = {}, dir = secureDir()): WiringContext {
  return { hooksDir: path.join(dir, 'hooks'), launcher: path.join(dir, 'data dir', 'bin', 'switchyard'), env, interactive: true };
}

describe('what each agent is given', () => {
  it('covers exactly the profiles the settings screen offers the switch for', () => {
    for (const p of BUILTIN_PROFILES) expect(wireHooks(p.id, context()) !== null, p.id).toBe(WIRABLE_PROFILES.includes(p.id));
  });

  it('Claude Code: a settings file by --settings, its hooks running the launcher (quoted for the shell)', () => {
    const ctx = context();
    const w = wireHooks('claude', ctx)!;
    expect(w.args).toEqual(['--settings', path.join(ctx.hooksDir, 'claude-settings.json')]);
    const settings = JSON.parse(fs.readFileSync(w.args[1]!, 'utf8')) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    const command = (event: string): string => settings.hooks[event]![0]!.hooks[0]!.command;
    expect(command('PermissionRequest')).toBe(`'${ctx.launcher}' hook needs-input`);
    expect(command('Stop')).toBe(`'${ctx.launcher}' hook turn-end`);
    expect(command('UserPromptSubmit')).toBe(`'${ctx.launcher}' hook working`);
    expect((fs.statSync(w.args[1]!).mode & 0o777).toString(8)).toBe('600');
  });

  it('Codex: notify and the approval notification as -c overrides (TOML values)', () => {
    const ctx = context();
    expect(wireHooks('codex', ctx)!.args).toEqual([
      '-c',
      `notify=[${JSON.stringify(ctx.launcher)},"hook","turn-end"]`,
      '-c',
      'tui.notifications=["approval-requested"]',
      '-c',
      'tui.notification_method="osc9"',
      '-c',
      'tui.notification_condition="always"',
    ]);
    expect(wireHooks('codex', { ...ctx, interactive: false })!.args).toHaveLength(2);
  });

  it('Gemini CLI: a system settings file that keeps what the machine’s own held, hooks added to its hooks', () => {
    const sys = path.join(tempDir('sy-etc-'), 'settings.json');
    fs.writeFileSync(sys, `{
  // an administrator's settings, with a comment
  "security": { "auth": { "enforcedType": "gemini-api-key" } },
  "hooks": { "AfterAgent": [{ "hooks": [{ "type": "command", "command": "audit-log" }] }] }
}`);
    const ctx = context({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: sys });
    const w = wireHooks('gemini', ctx)!;
    expect(w.args).toEqual([]);
    expect(w.env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH).toBe(path.join(path.dirname(sys), 'system-defaults.json'));
    const written = JSON.parse(fs.readFileSync(w.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH!, 'utf8')) as { security: unknown; hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(written.security).toEqual({ auth: { enforcedType: 'gemini-api-key' } });
    expect(written.hooks.AfterAgent!.map((d) => d.hooks[0]!.command)).toEqual(['audit-log', `'${ctx.launcher}' hook turn-end`]);
    expect(written.hooks.Notification![0]!.hooks[0]!.command).toBe(`'${ctx.launcher}' hook needs-input`);
    expect(written.hooks.BeforeAgent![0]!.hooks[0]!.command).toBe(`'${ctx.launcher}' hook working`);
    // The user's file is untouched.
    expect(fs.readFileSync(sys, 'utf8')).toContain('an administrator');
  });

  it('Gemini CLI: says so, rather than wire hooks Gemini would skip, when the data folder is under a folder others can write to', () => {
    expect(() => wireHooks('gemini', context({}, tempDir('sy-wiring-')))).toThrow(/Gemini CLI ignores a settings file under \/tmp, which others can write to/);
  });

  it('OpenCode: a config folder with the plugin and a finished install; a user folder of their own is kept', () => {
    const ctx = context();
    const w = wireHooks('opencode', ctx)!;
    const dir = w.env.OPENCODE_CONFIG_DIR!;
    expect(fs.existsSync(path.join(dir, 'plugin', 'switchyard.js'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).packages[''].dependencies).toHaveProperty('@opencode-ai/plugin');
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(true);

    const mine = wireHooks('opencode', { ...ctx, env: { OPENCODE_CONFIG_DIR: '/home/me/oc', OPENCODE_CONFIG_CONTENT: '{"plugin":["file:///home/me/p.js"],"model":"x/y"}' } })!;
    expect(mine.env.OPENCODE_CONFIG_DIR).toBeUndefined();
    expect(JSON.parse(mine.env.OPENCODE_CONFIG_CONTENT!)).toEqual({ plugin: ['file:///home/me/p.js', pathToFileURL(path.join(dir, 'plugin', 'switchyard.js')).href], model: 'x/y' });
  });

  it('the OpenCode plugin reports permission and idle events to the launcher, in order, with the session id', async () => {
    const ctx = context();
    const log = path.join(tempDir('sy-log-'), 'calls');
    fs.mkdirSync(path.dirname(ctx.launcher), { recursive: true });
    // One whole line per call, written at once: a reader never sees half of one.
    fs.writeFileSync(ctx.launcher, `#!/bin/sh\nline="$1 $2 $(cat)"\nprintf '%s\\n' "$line" >> '${log}'\n`, { mode: 0o755 });
    const w = wireHooks('opencode', ctx)!;
    const mod = (await import(pathToFileURL(path.join(w.env.OPENCODE_CONFIG_DIR!, 'plugin', 'switchyard.js')).href)) as { Switchyard: () => Promise<{ event: (e: { event: unknown }) => Promise<void> }> };
    const plugin = await mod.Switchyard();
    await plugin.event({ event: { type: 'permission.asked', properties: { sessionID: 'ses_1', permission: 'bash', patterns: ['rm -rf build'] } } });
    await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').split('\n').length > 1, 'the first report');
    await plugin.event({ event: { type: 'session.idle', properties: { sessionID: 'ses_1' } } });
    await plugin.event({ event: { type: 'message.updated', properties: {} } });
    const lines = await waitFor(() => {
      const l = fs.readFileSync(log, 'utf8').trim().split('\n');
      return l.length >= 2 ? l : null;
    }, 'both reports');
    expect(lines).toEqual(['hook needs-input {"session_id":"ses_1","message":"Permission asked: bash rm -rf build"}', 'hook turn-end {"session_id":"ses_1"}']);
  });
});

describe('wired through the engine', () => {
  /**
   * A stand-in for Claude Code that does what Claude does with `--settings`: it runs the Stop
   * hook's command through a shell with a JSON payload on stdin, and records its argv.
   */
  function fakeClaude(bin: string, argvFile: string): void {
    writeScript(
      bin,
      'claude',
      `if [ "$1" = "--version" ]; then echo "2.1.337 (Claude Code)"; exit 0; fi
printf '%s\\n' "$@" > '${argvFile}'
[ "$1" = "--settings" ] || exit 0
cmd=$(${JSON.stringify(process.execPath)} -e 'const s=require(process.argv[1]);process.stdout.write(s.hooks.Stop[0].hooks[0].command)' "$2")
printf '{"session_id":"5f0c1e2a-7d3b-4c1a-9e8f-0a1b2c3d4e5f","last_assistant_message":"done for now"}' | /bin/sh -c "$cmd"
sleep 30`,
    );
  }

  it('an agent running its Stop hook marks the task your turn; resume continues the session it reported', async () => {
    const bin = tempDir('sy-bin-');
    const argvFile = path.join(tempDir('sy-argv-'), 'argv');
    fakeClaude(bin, argvFile);
    const engine = await startEngine({ agentEnv: { PATH: `${bin}:/usr/bin:/bin`, SHELL: '/bin/sh' } });
    const project = await engine.openProject(makeRepo());
    const task = await engine.createTask({ projectId: project.id, title: 'claude', prompt: 'add a retry', agent: { profile: 'claude' }, startNow: true });
    const flagged = await waitFor(() => (engine.store.task(task.id).flags.yourTurn ? engine.store.task(task.id) : null), 'your turn from the Stop hook', 30_000);
    expect(flagged.agentSession).toBe('5f0c1e2a-7d3b-4c1a-9e8f-0a1b2c3d4e5f');
    expect(flagged.flags.message).toBe('done for now');
    expect(fs.readFileSync(argvFile, 'utf8').split('\n').slice(0, 2)).toEqual(['--settings', path.join(engine.dataDir, 'hooks', 'claude-settings.json')]);

    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    await engine.startTask(task.id, { resume: true, prompt: 'and a test' });
    await waitFor(() => fs.readFileSync(argvFile, 'utf8').includes('--resume'), 'the resumed run');
    expect(fs.readFileSync(argvFile, 'utf8').trim().split('\n').slice(2)).toEqual(['--resume', '5f0c1e2a-7d3b-4c1a-9e8f-0a1b2c3d4e5f', '--', 'and a test']);
  });

  it('passes nothing when the profile turns the wiring off', async () => {
    const bin = tempDir('sy-bin-');
    const argvFile = path.join(tempDir('sy-argv-'), 'argv');
    fakeClaude(bin, argvFile);
    const dataDir = tempDir('sy-data-');
    fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ global: { claude: { wireHooks: false } } }));
    const engine = await startEngine({ dataDir, agentEnv: { PATH: `${bin}:/usr/bin:/bin`, SHELL: '/bin/sh' } });
    const project = await engine.openProject(makeRepo());
    const task = await engine.createTask({ projectId: project.id, title: 'claude', prompt: 'p', agent: { profile: 'claude' }, startNow: true });
    await waitForState(engine, task.id, 'review');
    expect(fs.readFileSync(argvFile, 'utf8')).toBe('--\np\n');
    expect(engine.store.task(task.id).flags.yourTurn).toBe(false);
  });
});
