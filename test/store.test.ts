import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../src/engine/store/db';
import { MIGRATIONS } from '../src/engine/store/migrations';
import { Store } from '../src/engine/store/store';
import { canTransition } from '../src/engine/tasks/lifecycle';
import { TASK_STATES, type TaskState } from '../src/shared/task';
import { expectError, onCleanup, runCleanups, tempDir } from './helpers';

const require = createRequire(import.meta.url);

afterEach(runCleanups);

function openStore(file: string): Store {
  const store = new Store(file);
  onCleanup(() => {
    try {
      store.close();
    } catch {
      // closed by the test already
    }
  });
  return store;
}

function addTask(store: Store, id: string): void {
  if (store.projects().length === 0) store.addProject({ id: 'p1', name: 'repo', path: '/nowhere/repo', createdAt: 1 });
  store.createTask({ id, projectId: 'p1', title: `task ${id}`, prompt: '', baseBranch: 'main', agent: { profile: 'shell' } });
}

function tableNames(store: Store): string[] {
  return (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('the SQLite store', () => {
  it('is a WAL-mode file whose schema version is the number of migrations', () => {
    const file = path.join(tempDir(), 'switchyard.db');
    const store = openStore(file);
    expect((store.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    addTask(store, 't1');
    // A WAL database writes its changes to the -wal file next to it.
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
  });

  it('keeps its data and runs no migration again when re-opened', () => {
    const file = path.join(tempDir(), 'switchyard.db');
    const first = openStore(file);
    addTask(first, 't1');
    const tables = tableNames(first);
    first.close();

    const again = openStore(file);
    expect(schemaVersion(again.db)).toBe(MIGRATIONS.length);
    expect(tableNames(again)).toEqual(tables);
    expect(again.task('t1').title).toBe('task t1');
    expect(again.events('t1').map((e) => e.toState)).toEqual(['queued']);
  });

  it('runs a new migration exactly once, and a failing one leaves the file as it was', () => {
    const file = path.join(tempDir(), 'switchyard.db');
    openStore(file).close();
    const released = MIGRATIONS.length;
    onCleanup(() => {
      MIGRATIONS.length = released;
    });

    // A broken next migration: its first statement works, its second fails. None of it may stick.
    MIGRATIONS.push('CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);');
    expect(() => new Store(file)).toThrow(/no_such_table/);
    MIGRATIONS.length = released;
    const untouched = openStore(file);
    expect(schemaVersion(untouched.db)).toBe(released);
    expect(tableNames(untouched)).not.toContain('half_done');
    untouched.close();

    // A good next migration: it runs on the next open, and never again (a second CREATE TABLE would throw).
    MIGRATIONS.push('CREATE TABLE added_later (x INTEGER); INSERT INTO added_later VALUES (42);');
    const upgraded = openStore(file);
    expect(schemaVersion(upgraded.db)).toBe(released + 1);
    upgraded.close();
    const reopened = openStore(file);
    expect(schemaVersion(reopened.db)).toBe(released + 1);
    expect((reopened.db.prepare('SELECT x FROM added_later').all() as { x: number }[]).map((r) => r.x)).toEqual([42]);
  });

  it('refuses a file written by a newer schema instead of guessing', () => {
    const file = path.join(tempDir(), 'switchyard.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    expect(() => new Store(file)).toThrow(/newer Switchyard/);
  });
});

describe('task transitions in the store', () => {
  it('writes the state and one event row that says why, together', () => {
    const store = openStore(path.join(tempDir(), 'switchyard.db'));
    addTask(store, 't1');
    const t = store.transition('t1', 'running', 'started by the test', { sessionId: 's1' }, 1234);
    expect(t.state).toBe('running');
    expect(t.stateReason).toBe('started by the test');
    expect(t.sessionId).toBe('s1');
    expect(t.stateChangedAt).toBe(1234);
    const events = store.events('t1');
    expect(events.map((e) => [e.fromState, e.toState, e.reason])).toEqual([
      [null, 'queued', 'created'],
      ['queued', 'running', 'started by the test'],
    ]);
    expect(events[1]!.at).toBe(1234);
  });

  it('refuses a transition the lifecycle does not allow, and writes nothing', async () => {
    const store = openStore(path.join(tempDir(), 'switchyard.db'));
    addTask(store, 't1');
    const before = store.task('t1');
    await expectError(() => store.transition('t1', 'done', 'skipping review', { exitCode: 5, sessionId: 'bogus' }), 'bad-state');
    expect(store.task('t1')).toEqual(before);
    expect(store.events('t1')).toHaveLength(1);
  });

  it('follows the lifecycle table for every pair of states', () => {
    const store = openStore(path.join(tempDir(), 'switchyard.db'));
    // The shortest allowed path from queued to each state, found over the lifecycle table.
    const pathTo = new Map<TaskState, TaskState[]>([['queued', []]]);
    const todo: TaskState[] = ['queued'];
    while (todo.length > 0) {
      const from = todo.shift()!;
      for (const to of TASK_STATES) {
        if (!pathTo.has(to) && canTransition(from, to)) {
          pathTo.set(to, [...pathTo.get(from)!, to]);
          todo.push(to);
        }
      }
    }
    expect([...pathTo.keys()].sort()).toEqual([...TASK_STATES].sort());

    let n = 0;
    for (const from of TASK_STATES) {
      for (const to of TASK_STATES) {
        const id = `t${n++}`;
        addTask(store, id);
        for (const step of pathTo.get(from)!) store.transition(id, step, 'setting up');
        const eventsBefore = store.events(id).length;
        if (canTransition(from, to)) {
          expect(store.transition(id, to, 'checked').state).toBe(to);
          expect(store.events(id)).toHaveLength(eventsBefore + 1);
        } else {
          expect(() => store.transition(id, to, 'checked')).toThrow(`cannot become ${to}`);
          expect(store.task(id).state).toBe(from);
          expect(store.events(id)).toHaveLength(eventsBefore);
        }
      }
    }
    // A few the board depends on, spelled out.
    expect(canTransition('done', 'running')).toBe(false);
    expect(canTransition('queued', 'done')).toBe(false);
    expect(canTransition('running', 'interrupted')).toBe(true);
    expect(canTransition('interrupted', 'running')).toBe(true);
  });
});

describe('opening the store while another connection holds a lock', () => {
  it('waits for the lock (a predecessor still dying) instead of failing', async () => {
    const file = path.join(tempDir('sy-db-'), 'switchyard.db');
    // A database not yet in WAL mode, locked exclusively by another process for a moment.
    const seed = new Database(file);
    seed.exec('CREATE TABLE t (x)');
    seed.close();
    const script = `const D = require(${JSON.stringify(require.resolve('libsql'))}); const db = new D(${JSON.stringify(file)}); db.exec('BEGIN EXCLUSIVE'); db.exec('INSERT INTO t VALUES (1)'); process.stdout.write('locked\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500); db.exec('COMMIT'); db.close();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    onCleanup(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
    const store = new Store(file);
    onCleanup(() => store.close());
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
  });
});
