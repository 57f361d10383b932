/** Generated hook files: written atomically, and only when their content changes. */
import fs from 'node:fs';
import path from 'node:path';

export function writeIfChanged(file: string, content: string, mode = 0o600): void {
  try {
    if (fs.readFileSync(file, 'utf8') === content) return;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}
