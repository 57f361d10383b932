/** Everyday task management through the contract: edit, archive, discard, runs, shells, editors, diff stats. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine';
import { detectEditors } from '../src/engine/editors/detect';
import { git, makeRepo, runCleanups, scriptedAgent, startEngine, tempDir, waitFor, waitForState, callApi } from './helpers';

afterEach(runCleanups);

const call = callApi;

async function project(engine: Engine, repo = makeRepo()) {
  return { repo, project: await engine.openProject(repo) };
}

describe('editing and archiving', () => {
  it('edits a queued task, and refuses once it has started', async () => {
    const engine = await startEngine();
    const { project: p } = await project(engine);
    const task = await engine.createTask({ projectId: p.id, title: 'Draft', prompt: 'old', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: false });
    const edited = await call<{ title: string; prompt: string }>(engine, 'tasks.update', { taskId: task.id, title: 'Final', prompt: 'new' });
    expect(edited).toMatchObject({ title: 'Final', prompt: 'new' });
    await expect(call(engine, 'tasks.update', { taskId: task.id, baseBranch: 'nope' })).rejects.toMatchObject({ code: 'unknown-branch' });
    await engine.startTask(task.id);
    await expect(call(engine, 'tasks.update', { taskId: task.id, title: 'Late' })).rejects.toMatchObject({ code: 'bad-state' });
    expect(engine.store.task(task.id).title).toBe('Final');
  });

  it('archives and unarchives without deleting anything, but not while the agent runs', async () => {
    const engine = await startEngine();
    const { project: p } = await project(engine);
    const task = await engine.createTask({ projectId: p.id, title: 'Busy', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    await expect(call(engine, 'tasks.archive', { taskId: task.id, archived: true })).rejects.toMatchObject({ code: 'bad-state' });
    await engine.stopTask(task.id);
    await waitForState(engine, task.id, 'cancelled');
    expect(await call(engine, 'tasks.archive', { taskId: task.id, archived: true })).toMatchObject({ archived: true });
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(await call(engine, 'tasks.archive', { taskId: task.id, archived: false })).toMatchObject({ archived: false });
  });
});

describe('discarding', () => {
  it('stops the agent, asks before losing work, then removes worktree and branch', async () => {
    const engine = await startEngine();
    const { repo, project: p } = await project(engine);
    const command = scriptedAgent([{ write: { path: 'wip.txt', content: 'wip\n' } }, { hang: true }]);
    const task = await engine.createTask({ projectId: p.id, title: 'Throwaway', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitFor(() => fs.existsSync(path.join(task.worktreePath!, 'wip.txt')), 'the agent to write');
    const first = await call<{ task: { state: string }; cleanup: { status: string; lost?: { uncommitted: string[] } } }>(engine, 'tasks.discard', { taskId: task.id, confirmLoss: false });
    expect(first.cleanup).toMatchObject({ status: 'needs-confirmation', lost: { uncommitted: ['wip.txt'] } });
    expect(fs.existsSync(task.worktreePath!)).toBe(true);
    expect(engine.store.task(task.id).state).toBe('cancelled');
    const second = await call<{ task: { state: string; cleanedUp: boolean }; cleanup: { status: string } }>(engine, 'tasks.discard', { taskId: task.id, confirmLoss: true });
    expect(second).toMatchObject({ task: { state: 'cancelled', cleanedUp: true }, cleanup: { status: 'removed' } });
    expect(fs.existsSync(task.worktreePath!)).toBe(false);
    expect(git(repo, 'branch', '--list', task.branch!)).toBe('');
  });

  it('cancels a queued task that never had a worktree', async () => {
    const engine = await startEngine();
    const { project: p } = await project(engine);
    const task = await engine.createTask({ projectId: p.id, title: 'Never', prompt: '', agent: { profile: 'shell' }, startNow: false });
    const r = await call<{ task: { state: string } }>(engine, 'tasks.discard', { taskId: task.id, confirmLoss: false });
    expect(r.task.state).toBe('cancelled');
  });
});

describe('runs, shells and diff stats', () => {
  it('lists every run with its exit code, and measures the diff for the card', async () => {
    const engine = await startEngine();
    const { project: p } = await project(engine);
    const command = scriptedAgent([{ write: { path: 'a.txt', content: '1\n2\n3\n' } }, { if: { run: 1 }, exit: 4 }]);
    const task = await engine.createTask({ projectId: p.id, title: 'Twice', prompt: '', agent: { profile: 'custom', command }, startNow: true });
    await waitForState(engine, task.id, 'failed');
    await engine.startTask(task.id);
    await waitForState(engine, task.id, 'review');
    const runs = await call<{ exitCode: number | null; endedAt: number | null }[]>(engine, 'tasks.runs', { taskId: task.id });
    expect(runs.map((r) => r.exitCode)).toEqual([4, 0]);
    expect(runs.every((r) => r.endedAt !== null)).toBe(true);
    const measured = await waitFor(() => engine.store.task(task.id).diffStat, 'the diff stat');
    expect(measured).toEqual({ files: 1, additions: 3, deletions: 0 });
  });

  it('opens a shell in the worktree beside the agent, and closes it', async () => {
    const engine = await startEngine();
    const { project: p } = await project(engine);
    const task = await engine.createTask({ projectId: p.id, title: 'With shell', prompt: '', agent: { profile: 'custom', command: scriptedAgent([{ hang: true }]) }, startNow: true });
    const shell = await call<{ sessionId: string; title: string }>(engine, 'tasks.openShell', { taskId: task.id });
    expect(shell.title).toBe('Shell 1');
    const relay = engine.openTerminalChannel(() => {});
    relay.handle({ t: 'input', session: shell.sessionId }, new TextEncoder().encode('echo from-the-shell > shell.txt\n'));
    await waitFor(() => fs.existsSync(path.join(task.worktreePath!, 'shell.txt')), 'the shell to write in the worktree');
    relay.close();
    expect(await call<unknown[]>(engine, 'tasks.terminals', { taskId: task.id })).toHaveLength(1);
    await call(engine, 'tasks.closeShell', { taskId: task.id, session: shell.sessionId });
    expect(await call<unknown[]>(engine, 'tasks.terminals', { taskId: task.id })).toHaveLength(0);
    // A shell that exits by itself closes its tab too.
    const second = await call<{ sessionId: string }>(engine, 'tasks.openShell', { taskId: task.id });
    const relay2 = engine.openTerminalChannel(() => {});
    relay2.handle({ t: 'input', session: second.sessionId }, new TextEncoder().encode('exit\n'));
    await waitFor(async () => (await call<unknown[]>(engine, 'tasks.terminals', { taskId: task.id })).length === 0, 'the shell tab to close');
    relay2.close();
  });
});

describe('open in editor', () => {
  it('finds editors on PATH, and falls back to the file manager', () => {
    const bin = tempDir('sy-bin-');
    for (const exe of ['zed', 'nvim', 'xdg-open']) {
      fs.writeFileSync(path.join(bin, exe), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    }
    const found = detectEditors(bin, 'linux');
    const byId = new Map(found.map((e) => [e.id, e]));
    expect(byId.get('zed')).toMatchObject({ installed: true, kind: 'gui', path: path.join(bin, 'zed') });
    expect(byId.get('neovim')).toMatchObject({ installed: true, kind: 'terminal' });
    expect(byId.get('vscode')).toMatchObject({ installed: false, path: null });
    expect(byId.get('file-manager')).toMatchObject({ installed: true, kind: 'file-manager' });
  });

  it('runs a custom editor command with the worktree path as one argument, no shell', async () => {
    const engine = await startEngine();
    const { project: p } = await project(engine, makeRepo({ 'a.txt': 'a\n' }, 'repo with space'));
    const task = await engine.createTask({ projectId: p.id, title: 'Edit me; rm -rf ~', prompt: '', agent: { profile: 'custom', command: scriptedAgent([]) }, startNow: true });
    const bin = tempDir('sy-editor-');
    const out = path.join(bin, 'args.json');
    const editor = path.join(bin, 'my-editor');
    fs.writeFileSync(editor, `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
    await engine.updateSettings({ editor: 'custom', editorCommand: `${editor} --new-window {path}` });
    const opened = await call<{ editor: string }>(engine, 'tasks.openInEditor', { taskId: task.id });
    expect(opened.editor).toBe('custom');
    const args = await waitFor(() => fs.existsSync(out) && (JSON.parse(fs.readFileSync(out, 'utf8')) as string[]), 'the editor to start');
    expect(args).toEqual(['--new-window', task.worktreePath]);
  });
});
