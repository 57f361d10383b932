import { createTask, expect, git, screenshot, test } from './cockpit';

test('a conflicting merge is reported, and nothing changes', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const command = cockpit.agentCommand([
    { write: { path: 'README.md', content: '# Demo project, as the agent sees it\n' } },
    { commit: 'Agent edits the README' },
    { print: 'edited README' },
  ]);
  await createTask(page, { title: 'Reword README', prompt: 'reword', command });
  await expect(page.locator('.column-review .card', { hasText: 'Reword README' })).toBeVisible();

  // Meanwhile, someone changes the same line on main.
  const fs = await import('node:fs');
  fs.writeFileSync(`${cockpit.repo}/README.md`, '# Demo project, as a human wrote it\n');
  git(cockpit.repo, 'commit', '-qam', 'Human edits the README');

  const refsBefore = git(cockpit.repo, 'for-each-ref');
  const statusBefore = git(cockpit.repo, 'status', '--porcelain=v1');
  const headBefore = git(cockpit.repo, 'rev-parse', 'HEAD');

  await page.getByRole('button', { name: 'Merge into main' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Merging would conflict. Nothing was merged');
  await expect(dialog.locator('.file-list-plain')).toContainText('README.md');
  await screenshot(page, 'conflict');

  expect(git(cockpit.repo, 'for-each-ref')).toBe(refsBefore);
  expect(git(cockpit.repo, 'status', '--porcelain=v1')).toBe(statusBefore);
  expect(git(cockpit.repo, 'rev-parse', 'HEAD')).toBe(headBefore);
  expect(fs.readFileSync(`${cockpit.repo}/README.md`, 'utf8')).toBe('# Demo project, as a human wrote it\n');

  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(page.locator('.column-review .card', { hasText: 'Reword README' })).toBeVisible();
});
