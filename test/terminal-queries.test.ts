/**
 * Terminal queries answered when no window watches: DA1/DA2, the cursor position and the
 * OSC 10/11/4 colours, from ptyd's mirror and the theme the user sees (and a theme change is
 * followed). OSC 9 notifications reach the engine. Exactly one answer each: ptyd is the only
 * one that answers (a window's own replies are silenced; e2e/terminal-queries.e2e.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_PALETTES, hexToRgb, paletteColor, xtermRgb, type ThemeName } from '../src/shared/terminal-colors';
import { ROOT, callApi, connectPtyd, makeRepo, runCleanups, startEngine, tempDir, waitFor } from './helpers';

afterEach(runCleanups);

const PROBE = path.join(ROOT, 'test', 'fixtures', 'query-probe.mjs');

/** How often `needle` occurs in `hay`. */
const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

function expectedAnswers(theme: ThemeName): { da1: string; da2: string; fg: string; bg: string; red: string } {
  const p = TERMINAL_PALETTES[theme];
  return {
    da1: '\x1b[?1;2c',
    da2: '\x1b[>0;276;0c',
    fg: `\x1b]10;${xtermRgb(hexToRgb(p.foreground))}\x1b\\`,
    bg: `\x1b]11;${xtermRgb(hexToRgb(p.background))}\x1b\\`,
    red: `\x1b]4;1;${xtermRgb(paletteColor(p, 1))}\x1b\\`,
  };
}

describe('terminal queries with no window attached', () => {
  it('are answered once each from the mirror and the theme, a theme change is followed, and OSC 9 reaches the engine', async () => {
    const out = tempDir('sy-probe-');
    const engine = await startEngine();
    const project = await engine.openProject(makeRepo());
    const watcher = await connectPtyd(engine.dataDir);
    const notes: { session: string; text: string }[] = [];
    watcher.on('notification', (session, text) => notes.push({ session, text }));
    const task = await engine.createTask({ projectId: project.id, title: 'probe', prompt: '', agent: { profile: 'custom', command: `"${process.execPath}" "${PROBE}" "${out}" --notify` }, startNow: true });
    const read = (n: number): string => fs.readFileSync(path.join(out, `answers-${n}`), 'latin1');

    await waitFor(() => fs.existsSync(path.join(out, 'answers-1')), 'the first round of answers', 20_000);
    const first = read(1);
    for (const [what, answer] of Object.entries(expectedAnswers('dark'))) expect(count(first, answer), what).toBe(1);
    // "round 1: asking" then CRLF: the cursor is at row 2, column 1.
    expect(count(first, '\x1b[2;1R')).toBe(1);
    expect(notes).toEqual([{ session: engine.store.task(task.id).sessionId!, text: 'approval requested (round 1)' }]);

    await callApi(engine, 'ui.theme', { theme: 'light' });
    watcher.terminal({ t: 'input', session: engine.store.task(task.id).sessionId! }, new TextEncoder().encode('q'));
    await waitFor(() => fs.existsSync(path.join(out, 'answers-2')), 'the second round of answers', 20_000);
    const second = read(2);
    for (const [what, answer] of Object.entries(expectedAnswers('light'))) expect(count(second, answer), what).toBe(1);
    expect(count(second, expectedAnswers('dark').bg)).toBe(0);
  });

  it('a theme named in settings applies before any window says', async () => {
    const out = tempDir('sy-probe-');
    const engine = await startEngine();
    await callApi(engine, 'settings.update', { theme: 'light' });
    const project = await engine.openProject(makeRepo());
    await engine.createTask({ projectId: project.id, title: 'probe', prompt: '', agent: { profile: 'custom', command: `"${process.execPath}" "${PROBE}" "${out}"` }, startNow: true });
    await waitFor(() => fs.existsSync(path.join(out, 'answers-1')), 'the answers', 20_000);
    expect(count(fs.readFileSync(path.join(out, 'answers-1'), 'latin1'), expectedAnswers('light').bg)).toBe(1);
  });
});
