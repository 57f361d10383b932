import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../src/shared/agent-catalog';
import { detectProfile, parseVersion } from '../src/engine/agents/detect';
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
    expect(byId.get('opencode')).toMatchObject({ installed: true, version: null });
    for (const id of ['amp', 'aider', 'cursor-agent']) {
      const a = byId.get(id)!;
      expect(a, id).toMatchObject({ installed: false, path: null, version: null });
      expect(a.profile.installHint.length, id).toBeGreaterThan(5);
    }
    expect(byId.get('shell')).toMatchObject({ installed: true, path: '/bin/sh' });
    expect(byId.get('custom')).toMatchObject({ installed: true, path: null });
  });

  it('gives up on a version command that hangs, kills it and what it started, and still says installed', async () => {
    const bin = tempDir('sy-bin-');
    const pidFile = path.join(tempDir(), 'pids');
    // The script and a grandchild both hang; the grandchild holds the output pipe open.
    writeScript(bin, 'aider', `/bin/sleep 60 & echo "$$ $!" > ${pidFile}; wait`);
    const started = Date.now();
    const d = await detectProfile(BUILTIN_PROFILES.find((p) => p.id === 'aider')!, { PATH: bin }, 1000);
    const took = Date.now() - started;
    expect(d).toEqual({ installed: true, path: path.join(bin, 'aider'), version: null });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(4000);
    const pids = fs.readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
    await waitFor(() => pids.every((p) => !processAlive(p)), 'the hung version command and its child to be killed', 5000);
  });

  it('detects concurrently and caches briefly, and refresh looks again', async () => {
    const bin = tempDir('sy-bin-');
    const counter = path.join(tempDir(), 'count');
    for (const name of ['claude', 'codex', 'gemini']) writeScript(bin, name, `echo x >> ${counter}; /bin/sleep 1; echo 1.0.0`);
    const reg = registry(bin);
    const started = Date.now();
    await reg.list(null);
    // Three one-second version commands, run side by side.
    expect(Date.now() - started).toBeLessThan(2800);
    const count = (): number => fs.readFileSync(counter, 'utf8').trim().split('\n').length;
    expect(count()).toBe(3);
    await reg.list(null);
    expect(count()).toBe(3);
    reg.refresh();
    await reg.list(null);
    expect(count()).toBe(6);
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
