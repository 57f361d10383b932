import { expect, screenshot, test } from './cockpit';

test('review comments on lines go to a waiting agent, which receives them', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Needs review');
  await page.getByLabel('Prompt').fill('Greet people warmly.');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(
    cockpit.agentCommand([
      { write: { path: 'src/greet.ts', content: "export function greet(name: string) {\n  return 'Hi ' + name;\n}\n" } },
      { commit: 'greet' },
      { askMany: 'Waiting for review. ' },
      { print: 'RECEIVED: {answer}' },
      { hang: true },
    ]),
  );
  await page.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.locator('.terminal-host .xterm-rows')).toContainText('Waiting for review.');

  await page.getByRole('tab', { name: 'Changes' }).click();
  await expect(page.locator('.review-prompt')).toContainText('Greet people warmly.');
  await page.locator('.file-row', { hasText: 'greet.ts' }).click();
  const modifiedLine = page.locator('.diff-editor .editor.modified .view-line', { hasText: "return 'Hi ' + name;" });
  await modifiedLine.click();
  await page.getByRole('button', { name: /Comment on line 2/ }).click();
  await page.getByLabel('Comment').fill('Say "Hello", and use a template string.');
  await page.getByRole('button', { name: 'Add comment' }).click();
  await expect(page.locator('.comment')).toContainText('Say "Hello"');
  await page.getByLabel('Viewed').check();
  await screenshot(page, 'review-comment');

  await page.getByRole('button', { name: /Send 1 comment to agent/ }).click();
  await expect(page.locator('.toast-success')).toContainText('sent to the agent');
  await expect(page.locator('.comment .badge')).toContainText('sent');
  await page.getByRole('tab', { name: 'Agent' }).click();
  await expect(page.locator('.terminal-host .xterm-rows')).toContainText('src/greet.ts:2');
  await expect(page.locator('.terminal-host .xterm-rows')).toContainText('template string');
});

test('a 1,000-file change and a 50,000-line file open and scroll', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const files = Array.from({ length: 1000 }, (_, i) => ({ write: { path: `gen/file-${String(i).padStart(4, '0')}.txt`, content: `line ${i}\n` } }));
  const big = Array.from({ length: 50_000 }, (_, i) => `const v${i} = ${i};`).join('\n') + '\n';
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Huge change');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(cockpit.agentCommand([...files, { write: { path: 'big.ts', content: big } }, { commit: 'huge' }]));
  await page.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.locator('.column-review .card', { hasText: 'Huge change' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: 'Changes' }).click();
  await expect(page.locator('.review-files-head')).toContainText('1001 files', { timeout: 30_000 });
  // The list is virtualised: a thousand rows, a few dozen in the page.
  expect(await page.locator('.file-row').count()).toBeLessThan(120);
  await page.getByLabel('Filter files').fill('big.ts');
  await page.locator('.file-row', { hasText: 'big.ts' }).click();
  const lines = page.locator('.diff-editor .editor.modified .view-lines');
  await expect(lines).toContainText('const v0 = 0;', { timeout: 30_000 });
  await page.locator('.diff-editor .editor.modified .view-line').first().click();
  await page.keyboard.press('Control+End');
  await expect(lines).toContainText('const v49999 = 49999;');
  await page.getByLabel('Filter files').fill('');
  await page.locator('.file-tree').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.locator('.file-row', { hasText: 'file-0999.txt' })).toBeVisible();
  await screenshot(page, 'review-large');
});
