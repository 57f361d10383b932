import { expect, screenshot, test } from './cockpit';

test('the grid shows three live terminals side by side, and one can be focused full size', async ({ page, cockpit }) => {
  await cockpit.open(page);
  for (const name of ['One', 'Two', 'Three']) {
    await page.getByRole('button', { name: /New task/ }).click();
    await page.getByLabel('Title').fill(`Pane ${name}`);
    await page.getByLabel('Agent').selectOption('custom');
    await page.getByLabel('Command').fill(cockpit.agentCommand([{ print: `hello from ${name}` }, { hang: true }]));
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  }
  await page.getByRole('tab', { name: 'Terminals' }).click();
  const panes = page.locator('.grid-pane');
  await expect(panes).toHaveCount(3);
  for (const name of ['One', 'Two', 'Three']) {
    await expect(page.locator('.grid-pane', { hasText: `Pane ${name}` }).locator('.xterm-rows')).toContainText(`hello from ${name}`);
  }
  await screenshot(page, 'grid-three');

  // Focus one pane full size, then restore the grid.
  await page.locator('.grid-pane', { hasText: 'Pane Two' }).getByRole('button', { name: 'Focus this pane' }).click();
  await expect(panes).toHaveCount(1);
  await expect(panes.first()).toContainText('Pane Two');
  await page.getByRole('button', { name: 'Restore the grid' }).click();
  await expect(panes).toHaveCount(3);

  // Fewer panes than tasks: the layout decides how many show.
  await page.locator('.grid-toolbar').getByRole('button', { name: '2', exact: true }).click();
  await expect(panes).toHaveCount(2);
});
