/**
 * Trust, asked once: the decision per repository and agent, what each trusted launch gets
 * (Codex a -c switch, Gemini CLI an environment variable, Claude Code one key in its file), and
 * Claude's file edited surgically: every other byte kept, the key made sure of again after the
 * agent rewrote the file, and undone without a trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeTrusts, setClaudeTrust } from '../src/engine/agents/trust/claude-trust-file';
import { callApi, git, makeRepo, runCleanups, startEngine, tempDir, waitForState } from './helpers';
import { writeScript } from './agent-fakes';
import type { TrustView } from '../src/shared/contract';

afterEach(runCleanups);

/** A ~/.claude.json as Claude keeps it: other projects, unicode, its own formatting. */
const CLAUDE_JSON = `{
  "numStartups": 41,
  "theme": "dark",
  "projects": {
    "/home/dev/other ü": {
      "allowedTools": [],
      "hasTrustDialogAccepted": true,
      "history": [{ "display": "fix the \\"build\\"" }]
    }
  },
  "oauthAccount": { "emailAddress": "dev@example.com" }
}
`;

describe("Claude's file", () => {
  it('gets one key, every other byte kept; undo leaves the file as it was', () => {
    const file = path.join(tempDir('sy-home-'), '.claude.json');
    fs.writeFileSync(file, CLAUDE_JSON, { mode: 0o644 });
    const checkout = '/work/my repo ü';
    expect(setClaudeTrust(file, checkout, true)).toBe(true);
    const after = fs.readFileSync(file, 'utf8');
    expect(claudeTrusts(file, checkout)).toBe(true);
    // Only an insertion: the original text is all still there, in order.
    const inserted = after.length - CLAUDE_JSON.length;
    let i = 0;
    while (after[i] === CLAUDE_JSON[i]) i++;
    expect(after.slice(0, i) + after.slice(i + inserted)).toBe(CLAUDE_JSON);
    expect(after.slice(i, i + inserted)).toContain(`"${checkout}": {`);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('644');
    // Setting it again changes nothing.
    expect(setClaudeTrust(file, checkout, true)).toBe(false);
    expect(setClaudeTrust(file, checkout, null)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(CLAUDE_JSON);
  });

  it('removes only the key from an entry Claude has filled since', () => {
    const file = path.join(tempDir('sy-home-'), '.claude.json');
    fs.writeFileSync(file, CLAUDE_JSON);
    setClaudeTrust(file, '/home/dev/other ü', null);
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { projects: Record<string, Record<string, unknown>> };
    expect(v.projects['/home/dev/other ü']).toEqual({ allowedTools: [], history: [{ display: 'fix the "build"' }] });
  });

  it('creates the file when there is none, and undo removes it again', () => {
    const file = path.join(tempDir('sy-home-'), '.claude.json');
    expect(setClaudeTrust(file, '/r', true)).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ projects: { '/r': { hasTrustDialogAccepted: true } } });
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(setClaudeTrust(file, '/r', null)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a file that is not a JSON object, and leaves it alone', () => {
    const file = path.join(tempDir('sy-home-'), '.claude.json');
    fs.writeFileSync(file, '[1, 2]');
    expect(() => setClaudeTrust(file, '/x', true)).toThrow(/not hold a JSON object/);
    expect(fs.readFileSync(file, 'utf8')).toBe('[1, 2]');
  });
});

describe('trust per repository, through the engine', () => {
  it('asks nothing by default; once trusted, each launch gets its switch, and Claude’s entry is made sure of again', async () => {
    const bin = tempDir('sy-bin-');
    const log = tempDir('sy-log-');
    for (const name of ['claude', 'codex', 'gemini']) {
      writeScript(bin, name, `[ "$1" = "--version" ] && { echo 1.0.0; exit 0; }\nprintf '%s\\n' "$@" > '${log}/${name}.argv'\necho "$GEMINI_CLI_TRUST_WORKSPACE" > '${log}/${name}.env'`);
    }
    const home = tempDir('sy-home-');
    fs.writeFileSync(path.join(home, '.claude.json'), CLAUDE_JSON);
    const dataDir = tempDir('sy-data-');
    const noHooks = { wireHooks: false };
    fs.writeFileSync(path.join(dataDir, 'agents.json'), JSON.stringify({ global: { claude: noHooks, codex: noHooks, gemini: noHooks } }));
    const engine = await startEngine({ dataDir, agentEnv: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, SHELL: '/bin/sh' } });
    const repo = makeRepo();
    const project = await engine.openProject(repo);
    const view = await callApi<TrustView>(engine, 'projects.trust', { projectId: project.id });
    expect(view.checkout).toBe(fs.realpathSync(repo));
    expect(view.agents.map((a) => [a.agent, a.decision])).toEqual([['claude', null], ['codex', null], ['gemini', null]]);
    expect(view.agents[0]!.description).toContain(path.join(home, '.claude.json'));

    const run = async (agent: string): Promise<string[]> => {
      const t = await engine.createTask({ projectId: project.id, title: agent, prompt: 'p', agent: { profile: agent }, startNow: true });
      await waitForState(engine, t.id, 'review');
      return fs.readFileSync(path.join(log, `${agent}.argv`), 'utf8').trim().split('\n');
    };
    // Not trusted: nothing is passed, nothing written.
    expect(await run('codex')).toEqual(['--no-daemon', '--', 'p']);
    expect(fs.readFileSync(path.join(home, '.claude.json'), 'utf8')).toBe(CLAUDE_JSON);

    await callApi(engine, 'projects.trust.set', { projectId: project.id, decisions: { claude: true, codex: true, gemini: true } });
    const checkout = fs.realpathSync(repo);
    expect(await run('codex')).toEqual(['-c', `projects={${JSON.stringify(checkout)}={trust_level="trusted"}}`, '--no-daemon', '--', 'p']);
    await run('gemini');
    expect(fs.readFileSync(path.join(log, 'gemini.env'), 'utf8').trim()).toBe('true');
    expect(claudeTrusts(path.join(home, '.claude.json'), checkout)).toBe(true);

    // Claude rewrites its file from its own copy, without our key; the next launch puts it back.
    fs.writeFileSync(path.join(home, '.claude.json'), CLAUDE_JSON);
    await run('claude');
    expect(claudeTrusts(path.join(home, '.claude.json'), checkout)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(home, '.claude.json'), 'utf8')).oauthAccount).toEqual({ emailAddress: 'dev@example.com' });

    // Undo in Settings: the entry goes, the file is as it was.
    const undone = await callApi<TrustView>(engine, 'projects.trust.set', { projectId: project.id, decisions: { claude: false } });
    expect(undone.agents.find((a) => a.agent === 'claude')!.decision).toBe('declined');
    expect(fs.readFileSync(path.join(home, '.claude.json'), 'utf8')).toBe(CLAUDE_JSON);
  });

  it('keys trust on the main checkout when the repository was opened through a worktree', async () => {
    const engine = await startEngine();
    const repo = makeRepo();
    const linked = path.join(tempDir('sy-wt-'), 'linked');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    const project = await engine.openProject(linked);
    expect((await callApi<TrustView>(engine, 'projects.trust', { projectId: project.id })).checkout).toBe(fs.realpathSync(repo));
  });
});
