import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../src/shared/dispatch';
import type { Input, Method, Output } from '../src/shared/contract';
import type { ErrorPayload } from '../src/shared/errors';
import type { Engine } from '../src/engine/engine';
import { makeRepo, runCleanups, startEngine, tempDir } from './helpers';
import { writeScript } from './agent-fakes';

afterEach(runCleanups);

/** Calls the engine through the contract, as a UI would: input validation included. */
async function call<M extends Method>(engine: Engine, method: M, input: Input<M>): Promise<Output<M>> {
  const res = await dispatch(engine.handlers(), 1, method, input);
  if (!res.ok) throw Object.assign(new Error(res.error.message), { payload: res.error });
  return res.output as Output<M>;
}

async function callError<M extends Method>(engine: Engine, method: M, input: Input<M> | Record<string, unknown>): Promise<ErrorPayload> {
  const res = await dispatch(engine.handlers(), 1, method, input);
  if (res.ok) throw new Error(`${method} succeeded; expected an error`);
  return res.error;
}

const COMPLETE = {
  name: 'My agent',
  executable: 'my-agent',
  promptMode: 'argument' as const,
  interactiveArgs: ['--go', '{prompt}'],
  nonInteractiveArgs: ['--batch', '{prompt}'],
  resumeArgs: null,
  versionArgs: ['--version'],
  installHint: 'pip install my-agent',
  hooksHint: 'none',
  env: { MY_AGENT_MODE: 'fast' },
};

async function setup(): Promise<{ engine: Engine; dataDir: string; bin: string }> {
  const bin = tempDir('sy-bin-');
  writeScript(bin, 'claude', 'echo 1.0.0');
  const dataDir = tempDir('sy-data-');
  const engine = await startEngine({ dataDir, agentEnv: { PATH: bin } });
  return { engine, dataDir, bin };
}

describe('agent profile overrides', () => {
  it('merges built-in ← global ← repository, and writes the file readable by its owner only', async () => {
    const { engine, dataDir, bin } = await setup();
    const repoA = await engine.openProject(makeRepo({ 'a.txt': 'a\n' }, 'a'));
    const repoB = await engine.openProject(makeRepo({ 'b.txt': 'b\n' }, 'b'));
    const file = path.join(dataDir, 'agents.json');
    expect(fs.existsSync(file)).toBe(false);

    const globalList = await call(engine, 'agents.overrides.save', {
      overrides: { claude: { name: 'Claude (global)', env: { CLAUDE_X: 'global' } }, 'my-agent': COMPLETE },
    });
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const g = globalList.agents.find((a) => a.profile.id === 'claude')!;
    expect(g.source).toBe('global');
    expect(g.profile.name).toBe('Claude (global)');
    // A partial override patches only what it names.
    expect(g.profile.interactiveArgs).toEqual(['--', '{prompt}']);
    expect(g.installed).toBe(true);
    expect(g.path).toBe(path.join(bin, 'claude'));
    const mine = globalList.agents.find((a) => a.profile.id === 'my-agent')!;
    expect(mine).toMatchObject({ source: 'global', installed: false });

    await call(engine, 'agents.overrides.save', {
      projectId: repoA.id,
      overrides: { claude: { name: 'Claude (repo A)', resumeArgs: null }, 'my-agent': { executable: '/opt/my-agent/bin/run' } },
    });
    const inA = await call(engine, 'agents.list', { projectId: repoA.id });
    const claudeA = inA.agents.find((a) => a.profile.id === 'claude')!;
    expect(claudeA.source).toBe('repository');
    expect(claudeA.profile.name).toBe('Claude (repo A)');
    expect(claudeA.profile.env).toEqual({ CLAUDE_X: 'global' });
    expect(claudeA.profile.resumeArgs).toBeNull();
    expect(inA.agents.find((a) => a.profile.id === 'my-agent')!.profile).toMatchObject({ executable: '/opt/my-agent/bin/run', env: { MY_AGENT_MODE: 'fast' } });

    const inB = await call(engine, 'agents.list', { projectId: repoB.id });
    expect(inB.agents.find((a) => a.profile.id === 'claude')!.profile.name).toBe('Claude (global)');
    const globally = await call(engine, 'agents.list', {});
    expect(globally.agents.find((a) => a.profile.id === 'claude')!.profile.name).toBe('Claude (global)');

    // What is stored, per scope, exactly as saved.
    expect((await call(engine, 'agents.overrides.get', { projectId: repoA.id })).overrides).toEqual({
      claude: { name: 'Claude (repo A)', resumeArgs: null },
      'my-agent': { executable: '/opt/my-agent/bin/run' },
    });
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { global: object; repositories: Record<string, object> };
    expect(Object.keys(onDisk.repositories)).toEqual([repoA.path]);
    expect(Object.keys(onDisk.global).sort()).toEqual(['claude', 'my-agent']);

    // Saving an empty scope removes it.
    await call(engine, 'agents.overrides.save', { projectId: repoA.id, overrides: {} });
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { repositories: object }).repositories).toEqual({});
  });

  it('rejects an invalid env name, bad args, an incomplete new profile and the custom profile, writing nothing', async () => {
    const { engine, dataDir } = await setup();
    const file = path.join(dataDir, 'agents.json');

    const badEnv = await callError(engine, 'agents.overrides.save', { overrides: { claude: { env: { 'NOT-A-NAME': 'x' } } } });
    expect(badEnv.code).toBe('invalid-input');
    expect(badEnv.message).toBe('overrides.claude.env.NOT-A-NAME: "NOT-A-NAME" is not an environment variable name: use letters, digits and _, not starting with a digit');

    const forged = await callError(engine, 'agents.overrides.save', { overrides: { claude: { env: { SWITCHYARD_TASK_ID: 'other' } } } });
    expect(forged.message).toContain('set by Switchyard');

    const nul = await callError(engine, 'agents.overrides.save', { overrides: { codex: { interactiveArgs: ['a\0b'] } } });
    expect(nul.message).toContain('NUL');

    const relative = await callError(engine, 'agents.overrides.save', { overrides: { codex: { executable: 'bin/codex' } } });
    expect(relative.message).toContain('absolute path');

    // Fine field by field, but the merged profile has nowhere to put the prompt.
    const noPlace = await callError(engine, 'agents.overrides.save', { overrides: { claude: { interactiveArgs: ['--verbose'] } } });
    expect(noPlace.code).toBe('invalid-input');
    expect(noPlace.message).toBe('global.claude.interactiveArgs: a profile that passes the prompt as an argument needs {prompt} in its interactive arguments');

    const incomplete = await callError(engine, 'agents.overrides.save', { overrides: { 'half-agent': { executable: 'half' } } });
    expect(incomplete.message).toContain('"half-agent" is a new profile, so it needs every field; missing: name, promptMode');

    const custom = await callError(engine, 'agents.overrides.save', { overrides: { custom: { name: 'Mine' } } });
    expect(custom.message).toContain('custom profile cannot be overridden');

    const unknownField = await callError(engine, 'agents.overrides.save', { overrides: { claude: { shell: true } } });
    expect(unknownField.message).toContain('shell');

    expect(fs.existsSync(file)).toBe(false);
    // A good save after all that still works, and a bad one leaves it as it was.
    await call(engine, 'agents.overrides.save', { overrides: { claude: { name: 'Claude!' } } });
    const before = fs.readFileSync(file, 'utf8');
    await callError(engine, 'agents.overrides.save', { overrides: { claude: { promptMode: 'telepathy' } } });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('reports a malformed settings file with its path and reason, falls back to the built-ins, and never crashes', async () => {
    const { engine, dataDir } = await setup();
    const file = path.join(dataDir, 'agents.json');
    const repo = await engine.openProject(makeRepo());

    fs.writeFileSync(file, '{ "global": { "claude": ');
    let list = await call(engine, 'agents.list', { projectId: repo.id });
    expect(list.error).toContain(file);
    expect(list.error).toContain('not valid JSON');
    expect(list.agents.find((a) => a.profile.id === 'claude')).toMatchObject({ source: 'builtin', installed: true });

    fs.writeFileSync(file, JSON.stringify({ global: { claude: { env: { '1BAD': 'x' } } } }));
    list = await call(engine, 'agents.list', {});
    expect(list.error).toBe(`${file}: global.claude.env.1BAD: "1BAD" is not an environment variable name: use letters, digits and _, not starting with a digit`);
    expect(list.agents.find((a) => a.profile.id === 'claude')!.profile.env).toEqual({});

    const view = await call(engine, 'agents.overrides.get', {});
    expect(view).toMatchObject({ scope: 'global', overrides: {}, settingsFile: file });
    expect(view.error).toContain(file);

    // Saving over a file we could not read would lose what the user wrote by hand.
    const err = await callError(engine, 'agents.overrides.save', { overrides: { claude: { name: 'x' } } });
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain(file);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ global: { claude: { env: { '1BAD': 'x' } } } });

    // Tasks still start with the built-in profiles meanwhile.
    const task = await engine.createTask({ projectId: repo.id, title: 'Still works', prompt: '', agent: { profile: 'shell' }, startNow: true });
    expect(task.state).toBe('running');
  });
});
