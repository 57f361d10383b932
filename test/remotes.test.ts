/** Push and pull requests against a local bare repository as the remote, and a recording `gh` stand-in. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import { allRefs, expectError, git, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitForState } from './helpers';

afterEach(runCleanups);

const GITHUB_URL = 'https://github.com/acme/demo.git';

/** A repository whose origin looks like GitHub to anyone reading its config, and is a local bare repository to git. */
function repoWithRemote(): { repo: string; bare: string } {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  const bare = path.join(tempDir(), 'remote.git');
  git(tempDir(), 'init', '-q', '--bare', bare);
  git(repo, 'remote', 'add', 'origin', GITHUB_URL);
  git(repo, 'config', `url.${bare}.insteadOf`, GITHUB_URL);
  git(repo, 'push', '-q', 'origin', 'main');
  return { repo, bare };
}

/** A `gh` that records its argv and prints a PR URL, alone in a folder for PATH. */
function recordingGh(): { dir: string; record: string } {
  const dir = tempDir('sy-gh-');
  const record = path.join(dir, 'calls.json');
  const script = `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }) + '\\n');\nconsole.log('https://github.com/acme/demo/pull/7');\n`;
  fs.writeFileSync(path.join(dir, 'gh'), script, { mode: 0o755 });
  return { dir, record };
}

async function finishedTask(engine: Engine, repo: string) {
  const project = await engine.openProject(repo);
  const task = await engine.createTask({ projectId: project.id, title: 'Ship it', prompt: 'Make the thing ship.', agent: { profile: 'custom', command: scriptedAgent([{ write: { path: 'b.txt', content: 'b\n' } }, { commit: 'b' }]) }, startNow: true });
  return waitForState(engine, task.id, 'review');
}

describe('remotes', () => {
  it('pushes the task branch and sets its upstream', async () => {
    const { repo, bare } = repoWithRemote();
    const engine = await startEngine();
    const task = await finishedTask(engine, repo);
    const r = await engine.handlers()['tasks.push']({ taskId: task.id });
    expect(r).toMatchObject({ remote: 'origin', branch: task.branch });
    expect(git(bare, 'rev-parse', `refs/heads/${task.branch}`)).toBe(git(repo, 'rev-parse', task.branch!));
    expect(git(repo, 'config', `branch.${task.branch}.remote`)).toBe('origin');
  });

  it('creates a pull request: pushes, then runs gh with the title, body, head and base', async () => {
    const { repo, bare } = repoWithRemote();
    const gh = recordingGh();
    const engine = await startEngine({ toolPath: `${gh.dir}${path.delimiter}${path.dirname(process.execPath)}` });
    const task = await finishedTask(engine, repo);
    const r = await engine.handlers()['tasks.createPullRequest']({ taskId: task.id });
    expect(r.url).toBe('https://github.com/acme/demo/pull/7');
    expect(git(bare, 'rev-parse', `refs/heads/${task.branch}`)).toBe(git(repo, 'rev-parse', task.branch!));
    const calls = fs.readFileSync(gh.record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[] });
    expect(calls).toHaveLength(1);
    const argv = calls[0]!.argv;
    expect(argv.slice(0, 2)).toEqual(['pr', 'create']);
    const arg = (flag: string) => argv[argv.indexOf(flag) + 1];
    expect(arg('--title')).toBe('Ship it');
    expect(arg('--body')).toContain('Make the thing ship.');
    expect(arg('--head')).toBe(task.branch);
    expect(arg('--base')).toBe('main');
    expect(engine.store.events(task.id).at(-1)?.reason).toContain('https://github.com/acme/demo/pull/7');
  });

  it('says how to get gh when it is absent, and pushes nothing', async () => {
    const { repo, bare } = repoWithRemote();
    const engine = await startEngine({ toolPath: tempDir('sy-empty-path-') });
    const task = await finishedTask(engine, repo);
    const before = allRefs(bare);
    const err = await expectError(engine.handlers()['tasks.createPullRequest']({ taskId: task.id }), 'not-found');
    expect(err.message).toContain('https://cli.github.com');
    expect(allRefs(bare)).toBe(before);
  });

  it('refuses a pull request when the remote is not on GitHub', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const bare = path.join(tempDir(), 'plain.git');
    git(tempDir(), 'init', '-q', '--bare', bare);
    git(repo, 'remote', 'add', 'origin', bare);
    const gh = recordingGh();
    const engine = await startEngine({ toolPath: gh.dir });
    const task = await finishedTask(engine, repo);
    const err = await expectError(engine.handlers()['tasks.createPullRequest']({ taskId: task.id }), 'bad-state');
    expect(err.message).toContain('not on GitHub');
    expect(fs.existsSync(gh.record)).toBe(false);
  });
});
