import { expect, screenshot, test } from './cockpit';

test('the command palette and keyboard navigation reach every task and action', async ({ page, cockpit }) => {
  await cockpit.open(page);
  for (const title of ['Keyboard one', 'Keyboard two']) {
    await page.keyboard.press('n');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Agent').selectOption('custom');
    await page.getByLabel('Command').fill(cockpit.agentCommand([{ print: title }]));
    await page.getByLabel('Start now').uncheck();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await page.keyboard.press('Escape');
  }
  // J and K walk the board; Enter opens; S starts (queued → running, as dragging does).
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('j');
  await expect(page.locator('.card-selected')).toHaveCount(1);
  const first = await page.locator('.card-selected .card-title').innerText();
  await page.keyboard.press('j');
  const second = await page.locator('.card-selected .card-title').innerText();
  expect(second).not.toBe(first);
  await page.keyboard.press('k');
  await expect(page.locator('.card-selected .card-title')).toHaveText(first);
  await page.keyboard.press('Enter');
  await expect(page.locator('.panel-title')).toHaveText(first);
  await page.keyboard.press('s');
  await expect(page.locator('.column-review .card', { hasText: first })).toBeVisible({ timeout: 20_000 });

  // The palette finds a task by name and opens it. The started task's terminal has the keyboard,
  // where Ctrl-K belongs to the shell: Ctrl+Shift+K opens the palette there.
  await expect(page.locator('.terminal-host textarea')).toBeFocused();
  await page.keyboard.press('Control+Shift+K');
  const input = page.getByLabel('Command');
  await expect(input).toBeFocused();
  await input.fill(second);
  const chosen = page.locator('[cmdk-item][data-selected="true"]');
  await expect(chosen).toContainText(second);
  await page.keyboard.press('Enter');
  await expect(page.locator('.panel-title')).toHaveText(second);
  // …and runs actions on the selected task.
  await page.keyboard.press('Control+k');
  await page.getByLabel('Command').fill('Start');
  await expect(chosen).toHaveText(/^Start/);
  await page.keyboard.press('Enter');
  await expect(page.locator('.column-review .card', { hasText: second })).toBeVisible({ timeout: 20_000 });

  // The help overlay lists the shortcuts.
  await page.locator('.panel-title').click();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Command palette');
  await screenshot(page, 'help-overlay');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+k');
  await screenshot(page, 'palette');
});
