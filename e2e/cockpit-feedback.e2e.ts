import { expect, test } from './cockpit';

test('feedback reaches a waiting agent, which continues', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Waits for feedback');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(cockpit.agentCommand([{ print: 'first draft ready' }, { ask: 'Any feedback? ' }, { print: 'applying: {answer}' }, { hang: true }]));
  await page.getByRole('button', { name: 'Create and start' }).click();
  const rows = page.locator('.terminal-host .xterm-rows');
  await expect(rows).toContainText('Any feedback?');

  await page.getByRole('button', { name: 'Feedback', exact: true }).click();
  await page.getByRole('dialog').getByLabel('Feedback').fill('rename the helper to greetAll');
  await page.getByRole('button', { name: 'Send to agent' }).click();
  await expect(page.locator('.toast-success')).toContainText('took your feedback');
  await expect(rows).toContainText('applying: rename the helper to greetAll');
  await expect(page.locator('.panel .badge')).toContainText('Running');

  // The feedback is in the task's history.
  await page.getByRole('tab', { name: 'Details' }).click();
  await expect(page.locator('.details-section', { hasText: 'Feedback and reports' })).toContainText('rename the helper to greetAll');
});
