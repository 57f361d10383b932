import { expect, git, screenshot, test } from './cockpit';

test('squash-merge a task with an edited message', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: /New task/ }).click();
  await page.getByLabel('Title').fill('Two small steps');
  await page.getByLabel('Prompt').fill('Add a greeting file, then refine it.');
  await page.getByLabel('Agent').selectOption('custom');
  await page.getByLabel('Command').fill(
    cockpit.agentCommand([
      { write: { path: 'hello.txt', content: 'hello\n' } },
      { commit: 'step one' },
      { write: { path: 'hello.txt', content: 'hello, world\n' } },
      { commit: 'step two' },
    ]),
  );
  await page.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.locator('.column-review .card', { hasText: 'Two small steps' })).toBeVisible();
  const mainBefore = git(cockpit.repo, 'rev-parse', 'main');

  await page.getByRole('button', { name: 'Merge into main' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('2 commits to merge');
  await dialog.getByLabel('Merge strategy').selectOption('squash');
  const message = dialog.getByLabel('Squash message');
  await expect(message).toHaveValue(/Two small steps/);
  await message.fill('Greet the world\n\nSquashed from two agent commits.');
  await screenshot(page, 'squash');
  await dialog.getByRole('button', { name: 'Squash and merge' }).click();
  await expect(page.locator('.toast-success')).toContainText('(squash)');

  // One commit on main, with the edited message and only main as its parent.
  expect(git(cockpit.repo, 'rev-list', '--count', `${mainBefore}..main`)).toBe('1');
  expect(git(cockpit.repo, 'log', '-1', '--format=%s', 'main')).toBe('Greet the world');
  expect(git(cockpit.repo, 'log', '-1', '--format=%P', 'main')).toBe(mainBefore);
  expect(git(cockpit.repo, 'show', 'main:hello.txt')).toBe('hello, world');
});
