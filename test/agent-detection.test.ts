import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../src/shared/agent-catalog';
import { parseVersion, probeVersion } from '../src/engine/agents/detect';
import { AgentRegistry } from '../src/engine/agents/registry';
import { processAlive, runCleanups, tempDir, waitFor } from './helpers';
import { writeScript } from './agent-fakes';

afterEach(runCleanups);

function registry(bin: string, extra: Partial<ConstructorParameters<typeof AgentRegistry>[0]> = {}): AgentRegistry {
  return new AgentRegistry({ dataDir: tempDir('sy-data-'), env: () => ({ PATH: bin, SHELL: '/bin/sh' }), ...extra });
}

describe('agent detection on PATH', () => {
  it('finds installed agents with their version, and lists missing ones as not installed with their install hint', async () => {
    const bin = tempDir('sy-bin-');
    writeScript(bin, 'claude', 'echo "2.0.14 (Claude Code)"');
    writeScript(bin, 'codex', 'echo "codex-cli 0.46.0"');
    // Version on stderr, in colour, after a banner line.
    writeScript(bin, 'gemini', 'printf "Gemini CLI\\n\\033[32mv0.9.0\\033[0m\\n" >&2');
    // Installed, but --version fails without a number: still installed.
    writeScript(bin, 'opencode', 'echo "unknown flag" >&2; exit 2');
    // Not executable: not installed.
    fs.writeFileSync(path.join(bin, 'amp'), '#!/bin/sh\necho 1.0.0\n', { mode: 0o644 });

    const list = await registry(bin).list(null);
    expect(list.error).toBeNull();
    expect(list.agents.map((a) => a.profile.id)).toEqual(BUILTIN_PROFILES.map((p) => p.id));
    const byId = new Map(list.agents.map((a) => [a.profile.id, a]));
    expect(byId.get('claude')).toMatchObject({ installed: true, path: path.join(bin, 'claude'), version: '2.0.14', source: 'builtin' });
    expect(byId.get('codex')).toMatchObject({ installed: true, version: '0.46.0' });
    expect(byId.get('gemini')).toMatchObject({ installed: true, version: '0.9.0' });
    expect(byId.get('opencode')).toMatchObject({ installed: true, version: null, probe: 'failed', probeNote: '`opencode --version` printed no version (exit code 2): unknown flag' });
    expect(byId.get('claude')!.probe).toBe('ok');
    for (const id of ['amp', 'aider', 'cursor-agent']) {
      const a = byId.get(id)!;
      expect(a, id).toMatchObject({ installed: false, path: null, version: null, probeNote: null });
      expect(a.profile.installHint.length, id).toBeGreaterThan(5);
    }
    expect(byId.get('shell')).toMatchObject({ installed: true, path: '/bin/sh' });
    expect(byId.get('custom')).toMatchObject({ installed: true, path: null });
  });

  it('gives up on a version command that hangs, kills it and what it started, says it timed out, and still says installed', async () => {
    const bin = tempDir('sy-bin-');
    const pidFile = path.join(tempDir(), 'pids');
    // The script and a grandchild both hang; the grandchild holds the output pipe open.
    writeScript(bin, 'aider', `/bin/sleep 60 & echo "$$ $!" > ${pidFile}; wait`);
    const d = await probeVersion(path.join(bin, 'aider'), ['--version'], { PATH: bin }, 500);
    expect(d).toEqual({ version: null, probe: 'timed-out', probeNote: '`aider --version` did not answer within 500 ms' });
    const pids = fs.readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    await waitFor(() => pids.every((p) => !processAlive(p)), 'the hung version command and its child to be killed', 5000);

    // Through the registry: installed, with the timeout on the agent, never "not installed".
    const list = await registry(bin, { versionTimeoutMs: 500 }).list(null);
    expect(list.agents.find((a) => a.profile.id === 'aider')).toMatchObject({ installed: true, version: null, probe: 'timed-out' });
  });

  it('probes at most two at a time, and never more than once per executable until it changes', async () => {
    const bin = tempDir('sy-bin-');
    const log = path.join(tempDir(), 'log');
    const names = ['claude', 'codex', 'gemini', 'opencode', 'aider', 'amp', 'cursor-agent'];
    for (const name of names) writeScript(bin, name, `echo "+ ${name}" >> ${log}; /bin/sleep 0.3; echo "- ${name}" >> ${log}; echo 1.0.0`);
    const dataDir = tempDir('sy-data-');
    const reg = registry(bin, { dataDir, listWaitMs: 60_000 });
    await reg.list(null);
    // The seven, and the login shell.
    const first = reg.probes.started;
    expect(first).toBe(names.length + 1);
    const events = (): string[] => fs.readFileSync(log, 'utf8').trim().split('\n');
    let running = 0;
    let most = 0;
    for (const e of events()) {
      running += e.startsWith('+') ? 1 : -1;
      most = Math.max(most, running);
    }
    // Side by side, but never more than two.
    expect(most).toBe(2);
    expect(events().filter((e) => e.startsWith('+'))).toHaveLength(names.length);

    // Asked again: answered from the cache.
    await reg.list(null);
    expect(reg.probes.started).toBe(first);
    // An upgraded binary (new modification time) is asked again; the others are not.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(bin, 'gemini'), later, later);
    await reg.list(null);
    expect(reg.probes.started).toBe(first + 1);
    expect(events().filter((e) => e === '+ gemini')).toHaveLength(2);

    // A new engine on the same data folder knows the versions without asking.
    const again = registry(bin, { dataDir });
    const list = await again.list(null);
    expect(again.probes.started).toBe(0);
    expect(list.agents.find((a) => a.profile.id === 'codex')).toMatchObject({ version: '1.0.0', probe: 'ok' });

    // refresh forgets them all.
    reg.refresh();
    await reg.list(null);
    expect(reg.probes.started).toBe(first * 2 + 1);
  });

  it('answers at once with a slow probe pending, and says when its answer is in', async () => {
    const bin = tempDir('sy-bin-');
    const release = path.join(tempDir(), 'release');
    // Answers only once the test lets it: no race with the list's wait.
    writeScript(bin, 'gemini', `while [ ! -e ${release} ]; do /bin/sleep 0.05; done; echo 0.61.0`);
    let changes = 0;
    const dataDir = tempDir('sy-data-');
    const reg = registry(bin, { dataDir, listWaitMs: 200, onChange: () => changes++ });
    const first = await reg.list(null);
    expect(first.agents.find((a) => a.profile.id === 'gemini')).toMatchObject({ installed: true, version: null, probe: 'pending' });
    fs.writeFileSync(release, '');
    await waitFor(() => changes > 0, 'the registry to say the answer is in');
    const second = await reg.list(null);
    expect(second.agents.find((a) => a.profile.id === 'gemini')).toMatchObject({ version: '0.61.0', probe: 'ok' });

  });

  it('gives an old answer at once, asks again in the background, and announces a change', async () => {
    const bin = tempDir('sy-bin-');
    const said = path.join(tempDir(), 'version');
    fs.writeFileSync(said, '0.61.0');
    // What it prints changes while the binary does not: only a background check can see it.
    writeScript(bin, 'gemini', `/bin/cat ${said}`);
    const dataDir = tempDir('sy-data-');
    await registry(bin, { dataDir }).list(null);
    fs.writeFileSync(said, '0.62.0');
    let changes = 0;
    const reg = registry(bin, { dataDir, probeRefreshMs: 0, onChange: () => changes++ });
    const old = await reg.list(null);
    expect(old.agents.find((a) => a.profile.id === 'gemini')).toMatchObject({ version: '0.61.0', probe: 'ok' });
    await waitFor(() => changes > 0, 'the background check to announce the new version');
    expect((await reg.list(null)).agents.find((a) => a.profile.id === 'gemini')).toMatchObject({ version: '0.62.0' });
  });

  it('reads version numbers out of what agents print', () => {
    expect(parseVersion('1.0.33 (Claude Code)\n')).toBe('1.0.33');
    expect(parseVersion('codex-cli 0.46.0')).toBe('0.46.0');
    expect(parseVersion('aider 0.86.1')).toBe('0.86.1');
    expect(parseVersion('GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)')).toBe('5.2.15');
    expect(parseVersion('v20.19.0')).toBe('20.19.0');
    expect(parseVersion('0.1.0-beta.3+build.7')).toBe('0.1.0-beta.3+build.7');
    expect(parseVersion('no version here')).toBeNull();
  });
});
