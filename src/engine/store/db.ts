/** Opens the SQLite file in WAL mode and brings its schema up to date. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { MIGRATIONS } from './migrations';

export type Db = InstanceType<typeof Database>;

export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // First: switching to WAL (and recovering one a crash left) needs a lock another connection may
  // hold for a moment, such as a restarted engine's predecessor still dying. Wait, do not fail.
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db);
  return db;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  return row.user_version;
}

function migrate(db: Db): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new Error(`the database was written by a newer Switchyard (schema ${current}; this one knows ${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
}
