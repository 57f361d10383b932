import { expect, screenshot, test } from './cockpit';

test('after the server restarts, the board is the same and the open terminal comes back live', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Outlives the server');
  await page.getByLabel('Agent').selectOption('shell');
  await page.getByRole('button', { name: 'Create and start' }).click();

  const rows = page.locator('.terminal-host .xterm-rows');
  await page.locator('.terminal-host').click();
  await page.keyboard.type('echo before-$((1+1))\n');
  await expect(rows).toContainText('before-2');

  await cockpit.restartServer();
  // The browser notices, reconnects by itself, and the badge goes away.
  await expect(page.locator('.connection-badge')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator('.column-running .card', { hasText: 'Outlives the server' })).toBeVisible();
  // The agent kept running in ptyd; the terminal shows its screen again and takes typing.
  await expect(rows).toContainText('before-2');
  await page.locator('.terminal-host').click();
  await page.keyboard.type('echo after-$((2+1))\n');
  await expect(rows).toContainText('after-3');
  await screenshot(page, 'reconnected');
});

test('after the server restarts, every terminal in the grid shows the same rows as before, and takes input again', async ({ page, cockpit }) => {
  await cockpit.open(page);
  for (const name of ['Left', 'Right']) {
    await page.getByRole('button', { name: /New task/ }).click();
    await page.getByLabel('Title').fill(`Pane ${name}`);
    await page.getByLabel('Agent').selectOption('custom');
    // Coloured, numbered lines (more than a screen), then it waits for a line of input.
    const lines = Array.from({ length: 60 }, (_, i) => `\u001b[3${(i % 6) + 1}m${name}\u001b[0m line ${i}`).join('\n');
    await page.getByLabel('Command').fill(cockpit.agentCommand([{ print: lines }, { print: `${name} done` }, { ask: '' }, { print: `${name} got {answer}` }, { hang: true }]));
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  }
  await page.getByRole('tab', { name: 'Terminals' }).click();
  const pane = (name: string) => page.locator('.grid-pane', { hasText: `Pane ${name}` }).locator('.xterm-rows');
  const rowsOf = (name: string) => pane(name).locator(':scope > div').allInnerTexts();
  const host = (name: string) => page.locator('.grid-pane', { hasText: `Pane ${name}` }).locator('.terminal-host');
  const snapshots = async (name: string) => Number((await host(name).getAttribute('data-snapshots')) ?? 0);
  const before: Record<string, { rows: string[]; snapshots: number }> = {};
  for (const name of ['Left', 'Right']) {
    await expect(pane(name)).toContainText(`${name} done`);
    before[name] = { rows: await rowsOf(name), snapshots: await snapshots(name) };
  }

  await cockpit.restartServer();
  await expect(page.locator('.connection-badge')).toHaveCount(0, { timeout: 20_000 });
  // Each terminal is sent its screen again by the new server, and shows the same rows, row for row.
  for (const name of ['Left', 'Right']) {
    await expect.poll(() => snapshots(name), { timeout: 15_000 }).toBeGreaterThan(before[name]!.snapshots);
    await expect(host(name)).not.toHaveAttribute('data-replaying', 'true');
    await expect.poll(() => rowsOf(name), { timeout: 15_000 }).toEqual(before[name]!.rows);
  }
  for (const name of ['Left', 'Right']) {
    await page.locator('.grid-pane', { hasText: `Pane ${name}` }).locator('.xterm-screen').click();
    await page.keyboard.type(`go-${name}\n`);
    await expect(pane(name)).toContainText(`${name} got go-${name}`);
  }
  await screenshot(page, 'reconnected-grid');
});
