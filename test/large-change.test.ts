/** Large changes: a thousand files and a 50,000-line file list and read, lazily, one file at a time. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, runCleanups, scriptedAgent, startEngine, waitForState } from './helpers';

afterEach(runCleanups);

describe('a large change', () => {
  it('lists 1,000 files and reads a 50,000-line file whole', async () => {
    const repo = makeRepo();
    const engine = await startEngine();
    const project = await engine.openProject(repo);
    const big = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const steps = [
      ...Array.from({ length: 1000 }, (_, i) => ({ write: { path: `gen/f${i}.txt`, content: `${i}\n` } })),
      { write: { path: 'big.txt', content: big } },
      { commit: 'large' },
    ];
    const task = await engine.createTask({ projectId: project.id, title: 'Large', prompt: '', agent: { profile: 'custom', command: scriptedAgent(steps) }, startNow: true });
    await waitForState(engine, task.id, 'review', 60_000);
    const diff = await engine.diff(task.id);
    expect(diff.committed).toHaveLength(1001);
    expect(diff.committed.find((f) => f.path === 'big.txt')).toMatchObject({ additions: 50_000, deletions: 0, binary: false });
    const side = await engine.fileContents({ taskId: task.id, group: 'committed', path: 'big.txt', oldPath: null });
    expect(side.modified.kind).toBe('text');
    if (side.modified.kind === 'text') expect(side.modified.text.split('\n')).toHaveLength(50_001);
  });
});
