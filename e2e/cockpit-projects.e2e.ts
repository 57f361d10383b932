import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './cockpit';

test('projects, All projects, archiving, and review → running by drag and by keys', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const make = async (title: string, steps: unknown[]) => {
    await page.getByRole('button', { name: /New task/ }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Agent').selectOption('custom');
    await page.getByLabel('Command').fill(cockpit.agentCommand(steps));
    await page.getByRole('button', { name: 'Create and start' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  };
  await make('Reviewed', [{ print: 'run {run}: {prompt}' }, { if: { minRun: 2 }, steps: [{ print: 'second run got: {prompt}' }, { hang: true }] }]);
  const review = page.locator('.column-review .card', { hasText: 'Reviewed' });
  await expect(review).toBeVisible();

  // Dragging a review card to Running asks for feedback; sending it runs the agent again.
  await review.dragTo(page.locator('.column-running'));
  await page.getByRole('dialog').getByLabel('Feedback').fill('please add tests');
  await page.getByRole('button', { name: 'Send to agent' }).click();
  await expect(page.locator('.column-running .card', { hasText: 'Reviewed' })).toBeVisible();
  await page.locator('.column-running .card', { hasText: 'Reviewed' }).click();
  await expect(page.locator('.terminal-host .xterm-rows')).toContainText('second run got: please add tests');

  // T focuses the terminal, D opens the diff, I the details.
  await page.locator('.panel-title').click();
  await page.keyboard.press('d');
  await expect(page.getByRole('tab', { name: 'Changes' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('i');
  await expect(page.locator('.details')).toContainText('Event log');
  await page.keyboard.press('t');
  await expect(page.locator('.terminal-host textarea')).toBeFocused();

  // A second project, and the All projects view with both.
  const other = path.join(path.dirname(cockpit.repo), 'other project');
  fs.mkdirSync(other);
  execFileSync('git', ['init', '-q', '-b', 'main', other]);
  execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=A', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: other });
  await page.getByRole('button', { name: 'Open repository' }).click();
  await page.getByLabel('Repository path').fill(other);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByLabel('Project')).toHaveValue(/.+/);
  await make('Elsewhere', [{ print: 'hi' }]);
  await expect(page.locator('.card', { hasText: 'Reviewed' })).toHaveCount(0);
  await page.getByLabel('Project').selectOption({ label: 'All projects' });
  await expect(page.locator('.card', { hasText: 'Reviewed' })).toBeVisible();
  await expect(page.locator('.card', { hasText: 'Elsewhere' })).toBeVisible();
  await expect(page.locator('.card', { hasText: 'Elsewhere' }).locator('.card-project')).toHaveText('other project');

  // Archiving hides a task from the board without deleting it; the filter brings it back.
  await page.locator('.card', { hasText: 'Elsewhere' }).click();
  await page.getByRole('button', { name: 'Archive' }).click();
  await page.getByRole('button', { name: 'Close task (Esc)' }).click();
  await expect(page.locator('.card', { hasText: 'Elsewhere' })).toHaveCount(0);
  await page.getByLabel('Show archived').check();
  await expect(page.locator('.card', { hasText: 'Elsewhere' })).toBeVisible();
});
