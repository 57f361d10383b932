import fs from 'node:fs';
import path from 'node:path';
import { createTask, expect, test } from './cockpit';

test('the worktrees folder is configurable, and must be outside the repository', async ({ page, cockpit }) => {
  await cockpit.open(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const field = page.getByLabel('Worktrees folder');
  await expect(field).toHaveValue(path.join(cockpit.dataDir, 'worktrees'));

  await field.fill(path.join(cockpit.repo, 'trees'));
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('outside your repositories');

  const elsewhere = path.join(path.dirname(cockpit.dataDir), 'elsewhere trees');
  await field.fill(elsewhere);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.toast-success')).toContainText(elsewhere);

  await createTask(page, { title: 'Lands elsewhere', prompt: '', command: cockpit.agentCommand([{ print: 'hi' }]) });
  await expect(page.locator('.panel-meta')).toContainText('sy/lands-elsewhere-');
  await expect.poll(() => (fs.existsSync(elsewhere) ? fs.readdirSync(elsewhere).length : 0)).toBe(1);
});
