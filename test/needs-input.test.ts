/**
 * The needs-input heuristic on recorded screens (test/fixtures/screens): `waits-*` screens
 * show an agent or program waiting for the user, `busy-*` screens one that is still working.
 * `{cursor}` marks where the terminal's cursor is. The screens named
 * `<kind>-<cli>-<version>-<what>-<cols>-<theme>.txt` come from the real CLIs
 * (scripts/record-agent-screens.ts); the others were written by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenEndsInPrompt, waitsForInput } from '../src/engine/supervision/needs-input';
import { ROOT } from './helpers';

const DIR = path.join(ROOT, 'test', 'fixtures', 'screens');
const ROWS = 30;

interface Recorded {
  lines: string[];
  cursorRow: number;
}

/** A recorded screen as ptyd's `text` op reports it: right-trimmed rows, padded to the terminal's height. */
function load(file: string): Recorded {
  const raw = fs.readFileSync(path.join(DIR, file), 'utf8').replace(/\n$/, '').split('\n');
  let cursorRow = raw.length - 1;
  const lines = raw.map((line, i) => {
    if (line.includes('{cursor}')) cursorRow = i;
    return line.replace('{cursor}', '').trimEnd();
  });
  while (lines.length < ROWS) lines.push('');
  return { lines, cursorRow };
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();
const waiting = files.filter((f) => f.startsWith('waits-'));
const busy = files.filter((f) => f.startsWith('busy-'));

/** A screen recorded from a real CLI by scripts/record-agent-screens.ts. */
const RECORDED = /^(waits|busy)-(claude|codex|gemini|opencode)-(\d+\.\d+\.\d+)-(.+)-(100|160)-(dark|light)\.txt$/;

describe('needs-input heuristic on recorded screens', () => {
  it('has screens of both kinds', () => {
    expect(waiting.length).toBeGreaterThanOrEqual(10);
    expect(busy.length).toBeGreaterThanOrEqual(8);
    expect(waiting.length + busy.length).toBe(files.length);
  });

  it.each(waiting)('%s: waits once quiet for the quiet period, not before', (file) => {
    const s = load(file);
    expect(screenEndsInPrompt(s.lines, s.cursorRow)).toBe(true);
    expect(waitsForInput({ ...s, quietMs: 8000 }, 8000)).toBe(true);
    expect(waitsForInput({ ...s, quietMs: 30_000 }, 8000)).toBe(true);
    expect(waitsForInput({ ...s, quietMs: 7999 }, 8000)).toBe(false);
    expect(waitsForInput({ ...s, quietMs: 0 }, 8000)).toBe(false);
  });

  it.each(busy)('%s: is not waiting, however long it is quiet', (file) => {
    const s = load(file);
    expect(screenEndsInPrompt(s.lines, s.cursorRow)).toBe(false);
    expect(waitsForInput({ ...s, quietMs: 600_000 }, 8000)).toBe(false);
  });

  it('has the real CLIs\' screens, each at both widths and in both themes', () => {
    const variants = new Map<string, string[]>();
    for (const f of files) {
      const m = RECORDED.exec(f);
      if (!m) continue;
      const screen = `${m[1]}-${m[2]}-${m[3]}-${m[4]}`;
      variants.set(screen, [...(variants.get(screen) ?? []), `${m[5]}-${m[6]}`]);
    }
    const screens = [...variants.keys()];
    const has = (kind: string, cli: string, what?: string) => screens.some((s) => s.startsWith(`${kind}-${cli}-`) && (!what || s.endsWith(`-${what}`)));
    for (const cli of ['claude', 'codex', 'gemini', 'opencode']) {
      // At least the idle input box after a turn, the agent at work, and the trust dialog of those that ask.
      expect(has('waits', cli, 'idle'), `${cli} idle`).toBe(true);
      expect(has('busy', cli), `${cli} busy`).toBe(true);
      if (cli !== 'opencode') expect(has('waits', cli, 'trust'), `${cli} trust`).toBe(true);
    }
    for (const [screen, seen] of variants) expect(seen.sort(), screen).toEqual(['100-dark', '100-light', '160-dark', '160-light']);
  });

  it('an empty screen is not a prompt', () => {
    expect(waitsForInput({ lines: Array(ROWS).fill(''), quietMs: 60_000 }, 8000)).toBe(false);
  });

  it('a line ending in ":" is a prompt only with the cursor on it', () => {
    const lines = ['Enter the release name:', ''];
    expect(screenEndsInPrompt(lines, 0)).toBe(true);
    expect(screenEndsInPrompt(lines, 1)).toBe(false);
  });
});
