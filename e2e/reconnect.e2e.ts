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
