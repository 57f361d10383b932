import { expect, screenshot, test } from './cockpit';

/** An agent step that pipes a hook payload into `switchyard hook <event>`, as Claude Code and Gemini CLI do. */
const hook = (event: string, payload: object) => ({ run: ['/bin/sh', '-c', `printf '%s' '${JSON.stringify(payload)}' | switchyard hook ${event}`] });

test('a hook raises the flag with "hook" as its source, your turn offers Ready for review, and Ready ends in Review', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Hooked agent');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(
    cockpit.agentCommand([
      hook('needs-input', { session_id: 's-1', message: 'Claude needs your permission to use Bash' }),
      { ask: 'Allow? ' },
      hook('turn-end', { session_id: 's-1', last_assistant_message: 'Added the retry and its test.' }),
      { print: 'waiting for your next message' },
      { hang: true },
    ]),
  );
  await page.getByRole('button', { name: 'Create and start' }).click();
  const card = page.locator('.card', { hasText: 'Hooked agent' });
  const needsInput = card.getByTestId('flag-needs-input');
  await expect(needsInput).toBeVisible();
  await expect(needsInput).toHaveAttribute('data-source', 'hook');
  await expect(needsInput).toContainText('hook');
  await screenshot(page, 'hook-needs-input');

  // Answered in the terminal: the flag goes, and the turn ends.
  await page.locator('.terminal-host').click();
  await page.keyboard.type('y\n');
  const yourTurn = card.getByTestId('flag-your-turn');
  await expect(yourTurn).toBeVisible();
  await expect(needsInput).toHaveCount(0);
  await expect(card).toContainText('Your turn');
  await screenshot(page, 'hook-your-turn');

  await page.getByRole('button', { name: 'Ready for review' }).click();
  await expect(page.locator('.column-review .card', { hasText: 'Hooked agent' })).toBeVisible();
  await expect(page.locator('.card', { hasText: 'Hooked agent' }).getByTestId('flag-your-turn')).toHaveCount(0);
});
