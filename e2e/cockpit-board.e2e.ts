import { expect, screenshot, test } from './cockpit';

test('three tasks move across the columns as their agents run and finish', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const make = async (title: string, steps: unknown[], start: boolean) => {
    await page.getByRole('button', { name: /New task/ }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Agent').selectOption('custom');
    await page.getByLabel('Command').fill(cockpit.agentCommand(steps));
    if (!start) await page.getByLabel('Start now').uncheck();
    await page.getByRole('button', { name: start ? 'Create and start' : 'Create' }).click();
    await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  };
  await make('Alpha', [{ write: { path: 'alpha.txt', content: 'a\nb\n' } }, { commit: 'alpha' }, { sleep: 1500 }], true);
  await make('Beta', [{ print: 'waiting' }, { ask: 'Go on? ' }, { print: 'ok' }], true);
  await make('Gamma', [{ print: 'gamma' }], false);

  const card = (col: string, title: string) => page.locator(`.column-${col} .card`, { hasText: title });
  await expect(card('queued', 'Gamma')).toBeVisible();
  await expect(card('running', 'Beta')).toBeVisible();
  // Alpha finishes on its own and lands in review with its line counts.
  await expect(card('review', 'Alpha')).toBeVisible({ timeout: 20_000 });
  await expect(card('review', 'Alpha').locator('.counts')).toContainText('+2');

  // Dragging a queued card to Running starts it.
  await card('queued', 'Gamma').dragTo(page.locator('.column-running'));
  await expect(card('queued', 'Gamma')).toHaveCount(0);
  await expect(page.locator('.column-running .card, .column-review .card', { hasText: 'Gamma' })).toBeVisible();
  await expect(card('review', 'Gamma')).toBeVisible({ timeout: 20_000 });
  await screenshot(page, 'board-three-tasks');

  // Failed and cancelled tasks can be hidden, and come back.
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Delta fails');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(cockpit.agentCommand([{ exit: 2 }]));
  await page.getByRole('button', { name: 'Create and start' }).click();
  await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  await expect(card('review', 'Delta fails').locator('.badge')).toContainText('Failed · exit 2');
  await page.getByLabel('Show failed, cancelled and blocked').uncheck();
  await expect(card('review', 'Delta fails')).toHaveCount(0);
  await page.getByLabel('Show failed, cancelled and blocked').check();
  await expect(card('review', 'Delta fails')).toBeVisible();
});
