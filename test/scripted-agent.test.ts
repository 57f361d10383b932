/** The scripted agent fixture itself: steps that depend on the prompt and on the run count. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCRIPTED_AGENT, makeRepo, runCleanups, tempDir } from './helpers';

afterEach(runCleanups);

function runAgent(cwd: string, steps: unknown[], prompt: string): { out: string; code: number } {
  const script = path.join(tempDir(), 'script.json');
  fs.writeFileSync(script, JSON.stringify({ steps }));
  try {
    return { out: execFileSync(process.execPath, [SCRIPTED_AGENT, '--script', script, '--', prompt], { cwd, encoding: 'utf8' }), code: 0 };
  } catch (err) {
    const e = err as { stdout: string; status: number };
    return { out: e.stdout, code: e.status };
  }
}

describe('scripted agent fixture', () => {
  it('branches on the prompt and on how many times it has run in this worktree', () => {
    const repo = makeRepo();
    const steps = [
      { if: { run: 1 }, print: 'first run' },
      { if: { minRun: 2 }, print: 'run {run}: fixing after feedback' },
      { if: { prompt: 'refactor' }, print: 'refactoring' },
      { if: { notPrompt: 'refactor' }, print: 'not refactoring' },
      { if: { run: 1 }, exit: 4 },
    ];
    const first = runAgent(repo, steps, 'please refactor');
    expect(first.code).toBe(4);
    expect(first.out).toContain('first run');
    expect(first.out).toContain('refactoring');
    expect(first.out).not.toContain('not refactoring');
    const second = runAgent(repo, steps, 'add docs');
    expect(second.code).toBe(0);
    expect(second.out).toContain('run 2: fixing after feedback');
    expect(second.out).toContain('not refactoring');
    // The counter lives in the git directory, so it never shows up in the task's diff.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).toBe('');
  });

  it('reads its script from SCRIPTED_AGENT_SCRIPT when no --script is given', () => {
    const repo = makeRepo();
    const script = path.join(tempDir(), 'env-script.json');
    fs.writeFileSync(script, JSON.stringify({ steps: [{ print: 'from the environment: {prompt}' }] }));
    const out = execFileSync(process.execPath, [SCRIPTED_AGENT, 'hello'], { cwd: repo, encoding: 'utf8', env: { ...process.env, SCRIPTED_AGENT_SCRIPT: script } });
    expect(out).toContain('from the environment: hello');
  });

  it('writes files and commits them, and refuses to touch anything outside its directory', () => {
    const repo = makeRepo();
    const ok = runAgent(repo, [{ write: { path: 'a/b.txt', content: 'hi {prompt}\n' } }, { commit: 'agent commit' }], 'there');
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'a/b.txt'), 'utf8')).toBe('hi there\n');
    expect(execFileSync('git', ['log', '-1', '--format=%s'], { cwd: repo, encoding: 'utf8' }).trim()).toBe('agent commit');
    const escape = runAgent(repo, [{ write: { path: '../escaped.txt', content: 'x' } }], '');
    expect(escape.code).toBe(97);
    expect(fs.existsSync(path.join(repo, '..', 'escaped.txt'))).toBe(false);
  });
});
