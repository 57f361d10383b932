import fs from 'node:fs';
import path from 'node:path';
import { TERMINAL_PALETTES, hexToRgb, xtermRgb } from '../src/shared/terminal-colors';
import { ROOT, expect, test } from './cockpit';

const PROBE = path.join(ROOT, 'test', 'fixtures', 'query-probe.mjs');
const count = (hay: string, needle: string): number => hay.split(needle).length - 1;
const bg = (theme: 'dark' | 'light'): string => `\x1b]11;${xtermRgb(hexToRgb(TERMINAL_PALETTES[theme].background))}\x1b\\`;

test('with a window attached, each terminal query gets exactly one answer, in the theme the window draws', async ({ browser, cockpit }) => {
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const out = path.join(path.dirname(cockpit.dataDir), 'probe out');
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Asks its terminal');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(`"${process.execPath}" "${PROBE}" "${out}"`);
  await page.getByRole('button', { name: 'Create and start' }).click();
  const rows = page.locator('.terminal-host .xterm-rows');
  await expect(rows).toContainText('round 1: got');

  // Asked while this window watches: the window parses the same queries, and stays silent.
  const round = async (n: number): Promise<string> => {
    await page.locator('.terminal-host').click();
    await page.keyboard.type('q');
    await expect(rows).toContainText(`round ${n}: got`);
    return fs.readFileSync(path.join(out, `answers-${n}`), 'latin1');
  };
  const second = await round(2);
  expect(count(second, '\x1b[?1;2c'), 'DA1').toBe(1);
  expect(count(second, '\x1b[>0;276;0c'), 'DA2').toBe(1);
  expect(second.match(new RegExp(String.raw`\x1b\[\d+;\d+R`, 'g')) ?? [], 'cursor position').toHaveLength(1);
  expect(count(second, bg('light')), 'background').toBe(1);
  expect(count(second, '\x1b]10;'), 'foreground').toBe(1);
  expect(count(second, '\x1b]4;1;'), 'palette').toBe(1);

  // The window switches to dark: the next answers follow.
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const third = await round(3);
  expect(count(third, bg('dark'))).toBe(1);
  expect(count(third, bg('light'))).toBe(0);
  await context.close();
});
