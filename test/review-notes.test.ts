/** Review: diffs against the base tip and single commits, images, viewed files, and comments sent to the agent. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, waitFor, waitForState, callApi } from './helpers';

afterEach(runCleanups);

const call = callApi;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('what a diff is against', () => {
  it('shows the merge base by default, what merging would do against the base tip, and one commit at a time', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { write: { path: 'a.txt', content: 'a changed\n' } },
      { commit: 'first' },
      { write: { path: 'c.txt', content: 'c\n' } },
      { write: { path: 'pic.png', base64: PNG } },
      { commit: 'second' },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Two commits', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'review');
    // Meanwhile the base moves on with a change of its own.
    fs.writeFileSync(path.join(repo, 'b.txt'), 'b on main\n');
    git(repo, 'commit', '-qam', 'main moves');

    const byAgent = await call<{ committed: { path: string }[] }>(engine, 'tasks.diff', { taskId: task.id });
    expect(byAgent.committed.map((f) => f.path).sort()).toEqual(['a.txt', 'c.txt', 'pic.png']);
    // Against the base tip, the result of merging: the base's own b.txt change is not "undone".
    const merging = await call<{ committed: { path: string }[] }>(engine, 'tasks.diff', { taskId: task.id, against: { kind: 'base-tip' } });
    expect(merging.committed.map((f) => f.path).sort()).toEqual(['a.txt', 'c.txt', 'pic.png']);

    const commits = await call<{ sha: string; subject: string }[]>(engine, 'tasks.commits', { taskId: task.id });
    expect(commits.map((c) => c.subject)).toEqual(['second', 'first']);
    const first = await call<{ committed: { path: string }[] }>(engine, 'tasks.diff', { taskId: task.id, against: { kind: 'commit', sha: commits[1]!.sha } });
    expect(first.committed.map((f) => f.path)).toEqual(['a.txt']);
    const mainSha = git(repo, 'rev-parse', 'main');
    await expect(call(engine, 'tasks.diff', { taskId: task.id, against: { kind: 'commit', sha: mainSha } })).rejects.toMatchObject({ code: 'invalid-input' });

    const image = await call<{ original: { kind: string }; modified: { kind: string; mime: string; dataUrl: string } }>(engine, 'tasks.fileContents', {
      taskId: task.id,
      group: 'committed',
      path: 'pic.png',
      oldPath: null,
    });
    expect(image.original.kind).toBe('absent');
    expect(image.modified).toMatchObject({ kind: 'image', mime: 'image/png' });
    expect(image.modified.dataUrl).toBe(`data:image/png;base64,${PNG}`);
  });
});

describe('viewed files and comments', () => {
  it('keeps viewed marks across a restart, and sends open comments to a waiting agent that receives them', async () => {
    const repo = makeRepo({ 'src/app.ts': 'const a = 1;\nconst b = 2;\nconst c = 3;\n' });
    const dataDir = path.join(repo, '..', 'data');
    const engine = await startEngine({ dataDir });
    const project = await engine.openProject(repo);
    const command = scriptedAgent([
      { write: { path: 'src/app.ts', content: 'const a = 10;\nconst b = 20;\nconst c = 3;\n' } },
      { commit: 'change a and b' },
      { askMany: 'Waiting for review. ' },
      { print: 'GOT REVIEW' },
      { write: { path: 'review.txt', content: '{answer}' } },
      { hang: true },
    ]);
    const task = await engine.createTask({ projectId: project.id, title: 'Reviewed', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitFor(async () => (await call<{ committed: unknown[] }>(engine, 'tasks.diff', { taskId: task.id })).committed.length === 1, 'the commit');
    const diff = await call<{ to: string; from: string }>(engine, 'tasks.diff', { taskId: task.id });

    await call(engine, 'review.setViewed', { taskId: task.id, path: 'src/app.ts', blob: 'abc123', viewed: true });
    const comment = await call<{ quote: string; outdated: boolean; status: string }>(engine, 'review.addComment', {
      taskId: task.id,
      path: 'src/app.ts',
      side: 'modified',
      startLine: 1,
      endLine: 2,
      revision: diff.to,
      body: 'Use named constants, not magic numbers.',
    });
    expect(comment).toMatchObject({ quote: 'const a = 10;\nconst b = 20;', outdated: false, status: 'open' });
    await expect(call(engine, 'review.addComment', { taskId: task.id, path: '../etc/passwd', side: 'modified', startLine: 1, endLine: 1, revision: diff.to, body: 'x' })).rejects.toMatchObject({ code: 'invalid-input' });

    await engine.close();
    const again = await startEngine({ dataDir });
    expect(await call(again, 'review.viewed', { taskId: task.id })).toEqual({ 'src/app.ts': 'abc123' });
    expect(await call<unknown[]>(again, 'review.comments', { taskId: task.id })).toHaveLength(1);

    const sent = await call<{ delivery: string }>(again, 'review.sendComments', { taskId: task.id });
    expect(sent.delivery).toBe('typed-confirmed');
    const received = path.join(task.worktreePath!, 'review.txt');
    // The whole message reached the agent: file:line, the quoted code, then the comment.
    const text = await waitFor(() => fs.readFileSync(received, 'utf8'), 'the agent to write what it received');
    expect(text).toContain('src/app.ts:1-2');
    expect(text).toContain('> const a = 10;');
    expect(text).toContain('Use named constants, not magic numbers.');
    const after = await call<{ status: string }[]>(again, 'review.comments', { taskId: task.id });
    expect(after.map((c) => c.status)).toEqual(['sent']);
    await expect(call(again, 'review.sendComments', { taskId: task.id })).rejects.toMatchObject({ code: 'bad-state' });

    // A comment whose lines change later is kept and marked outdated.
    fs.writeFileSync(path.join(task.worktreePath!, 'src/app.ts'), 'const A = 10;\nconst B = 20;\nconst c = 3;\n');
    const outdated = await call<{ outdated: boolean }[]>(again, 'review.comments', { taskId: task.id });
    expect(outdated[0]!.outdated).toBe(true);
  });
});
