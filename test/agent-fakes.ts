/** Fake agent executables for the agent tests: small /bin/sh scripts on a temporary PATH. */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './helpers';

/** Writes an executable script called `name` into `dir`. */
export function writeScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/**
 * A fake agent: it answers --version, and otherwise records its name and argv (NUL-separated,
 * one file per run) in $FAKE_AGENT_DIR. With FAKE_AGENT_READ=1 it then prompts and waits for a
 * line on its terminal, and records that line too. Only shell builtins and absolute paths, so it
 * runs with nothing else on PATH.
 */
const FAKE_AGENT = `
if [ "$1" = "--version" ]; then echo "\${0##*/} version 4.5.6-beta.1"; exit 0; fi
dir="$FAKE_AGENT_DIR"
n=1
while [ -e "$dir/run$n" ]; do n=$((n+1)); done
printf '%s\\0' "\${0##*/}" "$@" > "$dir/run$n.tmp"
/bin/mv "$dir/run$n.tmp" "$dir/run$n"
if [ "$FAKE_AGENT_READ" = "1" ]; then
  printf 'ready> '
  IFS= read -r line
  printf '%s' "$line" > "$dir/typed$n.tmp"
  /bin/mv "$dir/typed$n.tmp" "$dir/typed$n"
fi
exit 0
`;

export interface FakeAgents {
  /** The directory to put on PATH. */
  bin: string;
  /** Where runs are recorded. */
  logDir: string;
  /** The runs so far, in order: the executable's name and its arguments. */
  runs(): { name: string; args: string[] }[];
  /** What run n (1-based) read from its terminal, or null. */
  typed(n: number): string | null;
}

export function makeFakeAgents(names: string[]): FakeAgents {
  const bin = tempDir('sy-bin-');
  const logDir = tempDir('sy-agent-log-');
  for (const name of names) writeScript(bin, name, FAKE_AGENT);
  return {
    bin,
    logDir,
    runs() {
      const out: { name: string; args: string[] }[] = [];
      for (let n = 1; fs.existsSync(path.join(logDir, `run${n}`)); n++) {
        const parts = fs.readFileSync(path.join(logDir, `run${n}`), 'utf8').split('\0');
        parts.pop(); // the text after the last NUL is empty
        out.push({ name: parts[0]!, args: parts.slice(1) });
      }
      return out;
    },
    typed(n) {
      const f = path.join(logDir, `typed${n}`);
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
    },
  };
}
