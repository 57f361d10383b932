import path from 'node:path';
import xtermHeadless from '@xterm/headless';
import { PtydClient } from '../src/engine/ptyd/client';
import { expect, screenshot, test } from './cockpit';

/** ptyd's own mirror of a session, as plain visible lines. */
async function mirrorLines(dataDir: string, session: string): Promise<string[]> {
  const client = await PtydClient.connect(path.join(dataDir, 'run', 'ptyd.sock'));
  try {
    const snap = await client.screen(session);
    const term = new xtermHeadless.Terminal({ cols: snap.cols, rows: snap.rows, scrollback: 10_000, allowProposedApi: true });
    await new Promise<void>((r) => term.write(snap.data, r));
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < term.rows; i++) lines.push((buf.getLine(buf.viewportY + i)?.translateToString(true) ?? '').trimEnd());
    term.dispose();
    return lines;
  } finally {
    client.close();
  }
}

test('`yes` in a task terminal does not freeze the UI, Ctrl-C stops it, and the screen matches ptyd', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Flood the terminal');
  await page.getByLabel('Agent').selectOption('shell');
  await page.getByRole('button', { name: 'Create and start' }).click();

  const host = page.locator('.terminal-host');
  const session = await host.getAttribute('data-session');
  expect(session).toBeTruthy();
  await host.click();
  await page.keyboard.type('yes\n');
  const yRows = (): Promise<number> =>
    page.evaluate(() => [...document.querySelectorAll('.terminal-host .xterm-rows > div')].filter((d) => d.textContent?.trim() === 'y').length);
  await expect.poll(yRows, { timeout: 10_000 }).toBeGreaterThan(5);

  // While the flood runs, the UI still answers (a frozen page never would): switch tabs, and back.
  await page.getByRole('tab', { name: 'Changes' }).click({ timeout: 10_000 });
  await expect(page.getByText('No changes against main yet.')).toBeVisible({ timeout: 10_000 });
  await page.getByRole('tab', { name: 'Agent', exact: true }).click({ timeout: 10_000 });
  await expect.poll(yRows, { timeout: 10_000 }).toBeGreaterThan(5);
  await screenshot(page, 'flood');

  await page.locator('.terminal-host').click();
  await page.keyboard.press('Control+C');
  await page.keyboard.type('echo flood-stopped-$((6*7))\n');
  const rows = page.locator('.terminal-host .xterm-rows');
  // Ctrl-C travels apart from the flood of output, so the shell answers within seconds.
  await expect(rows).toContainText('flood-stopped-42', { timeout: 10_000 });

  const uiLines = async (): Promise<string[]> =>
    page.evaluate(() =>
      [...document.querySelectorAll('.terminal-host .xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()),
    );
  await expect
    .poll(async () => {
      const [ui, mirror] = await Promise.all([uiLines(), mirrorLines(cockpit.dataDir, session!)]);
      return JSON.stringify(ui) === JSON.stringify(mirror) ? 'equal' : `ui:\n${ui.join('\n')}\nmirror:\n${mirror.join('\n')}`;
    }, { timeout: 20_000 })
    .toBe('equal');
});
