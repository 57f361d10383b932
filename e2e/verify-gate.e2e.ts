/**
 * The verify gate through the UI: a task's own verify command set in the New task dialog, the
 * fix loop sending a failure back to the agent, and what the card and the Checks tab show.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, git, screenshot, test, type Cockpit } from './cockpit';

/** The repository's check: passes when the agent wrote "ok" into status.txt. */
const CHECK = `import fs from 'node:fs';
const status = fs.existsSync('status.txt') ? fs.readFileSync('status.txt', 'utf8').trim() : 'missing';
console.log('check: status is ' + status);
if (status !== 'ok') {
  console.error('CHECK FAILED: expected ok, got ' + status);
  process.exit(1);
}
console.log('CHECK PASSED');
`;

function addCheck(cockpit: Cockpit): void {
  fs.writeFileSync(path.join(cockpit.repo, 'check.mjs'), CHECK);
  git(cockpit.repo, 'add', 'check.mjs');
  git(cockpit.repo, 'commit', '-q', '-m', 'Add the check');
}

async function createVerifiedTask(page: Page, t: { title: string; command: string; verify: string; maxFixes: number }): Promise<void> {
  await page.getByRole('button', { name: /New task/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Title').fill(t.title);
  await dialog.getByLabel('Prompt').fill('make the check pass');
  await dialog.getByLabel('Agent', { exact: true }).selectOption('custom');
  await dialog.getByLabel('Command', { exact: true }).fill(t.command);
  await dialog.getByTestId('checks-fields').locator('summary').click();
  await dialog.getByLabel('Verify', { exact: true }).fill(t.verify);
  await dialog.getByLabel('Max fix iterations').fill(String(t.maxFixes));
  await dialog.getByRole('button', { name: 'Create and start' }).click();
}

const verifyCommand = `"${process.execPath}" check.mjs`;

test('a task that fails verify once fixes itself and lands in Review with a green mark', async ({ page, cockpit }) => {
  addCheck(cockpit);
  await cockpit.open(page);
  const command = cockpit.agentCommand([
    { print: 'run {run}: {prompt}' },
    { write: { path: 'status.txt', content: 'broken\n' }, if: { run: 1 } },
    { write: { path: 'status.txt', content: 'ok\n' }, if: { minRun: 2 } },
    { commit: 'Work on the status, run {run}' },
    { print: 'run {run} done' },
  ]);
  await createVerifiedTask(page, { title: 'Fix the status', command, verify: verifyCommand, maxFixes: 2 });

  const card = page.locator('.column-review .card', { hasText: 'Fix the status' });
  await expect(card.getByTestId('gate-mark')).toHaveAttribute('data-status', 'passed');
  await expect(card.getByTestId('gate-escalated')).toHaveCount(0);
  await screenshot(page, 'verify-gate-passed-card');

  // Two verify runs: the first failed, the fix round made the second pass.
  await page.getByRole('tab', { name: 'Checks' }).click();
  const runs = page.getByTestId('verify-run');
  await expect(runs).toHaveCount(2);
  await expect(page.locator('[data-testid="verify-run"][data-attempt="1"]')).toHaveAttribute('data-status', 'failed');
  await expect(page.locator('[data-testid="verify-run"][data-attempt="2"]')).toHaveAttribute('data-status', 'passed');
  await screenshot(page, 'verify-gate-passed-checks');

  // Verify now runs it again on demand.
  await page.getByRole('button', { name: 'Verify now' }).click();
  await expect(runs).toHaveCount(3);
  await expect(runs.first()).toContainText('run by you');
  await expect(runs.first()).toHaveAttribute('data-status', 'passed');
});

test('a task that runs out of fix rounds lands in Review marked "verify failed", every attempt’s log in the Checks tab', async ({ page, cockpit }) => {
  addCheck(cockpit);
  await cockpit.open(page);
  const command = cockpit.agentCommand([
    { print: 'run {run}: {prompt}' },
    { write: { path: 'status.txt', content: 'still broken {run}\n' } },
    { print: 'run {run} done' },
  ]);
  await createVerifiedTask(page, { title: 'Never passes', command, verify: verifyCommand, maxFixes: 2 });

  const card = page.locator('.column-review .card', { hasText: 'Never passes' });
  const escalated = card.getByTestId('gate-escalated');
  await expect(escalated).toHaveAttribute('data-reason', 'verify-failed');
  await expect(escalated).toContainText('verify failed');
  await expect(escalated).toContainText('2/2 fixes');
  await screenshot(page, 'verify-gate-escalated-card');

  // The first verify plus one after each of the two fix rounds, each with its whole log.
  await page.getByRole('tab', { name: 'Checks' }).click();
  const runs = page.getByTestId('verify-run');
  await expect(runs).toHaveCount(3);
  for (const attempt of [1, 2, 3]) {
    const run = page.locator(`[data-testid="verify-run"][data-attempt="${attempt}"]`);
    await expect(run).toHaveAttribute('data-status', 'failed');
    await run.getByRole('button', { name: `Full log of verify #${attempt}` }).click();
    const log = run.getByTestId('verify-log');
    await expect(log).toContainText('CHECK FAILED: expected ok, got still broken');
    await expect(log).toContainText(`still broken ${attempt}`);
  }
  await screenshot(page, 'verify-gate-escalated-checks');

  // Beside the diff, the strip shows the latest verify, failed, with its whole log.
  await page.getByRole('tab', { name: 'Changes' }).click();
  const strip = page.getByTestId('review-checks');
  await expect(strip).toHaveAttribute('open', '');
  const latest = strip.locator('[data-testid="verify-run"][data-attempt="3"]');
  await latest.getByRole('button', { name: 'Full log of verify #3' }).click();
  await expect(latest.getByTestId('verify-log')).toContainText('still broken 3');

  // Merging it is still the user's call, but not a silent one.
  await page.getByRole('button', { name: /Merge into/ }).click();
  await expect(page.getByTestId('merge-gate-warning')).toContainText('did not pass its verify command');
});

test('Retry… starts a failed task again in its worktree, with the agent it had', async ({ page, cockpit }) => {
  await cockpit.open(page);
  const command = cockpit.agentCommand([
    { print: 'run {run}' },
    { exit: 3, if: { run: 1 } },
    { write: { path: 'status.txt', content: 'ok\n' } },
  ]);
  await page.getByRole('button', { name: /New task/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Title').fill('Fails first');
  await dialog.getByLabel('Agent', { exact: true }).selectOption('custom');
  await dialog.getByLabel('Command', { exact: true }).fill(command);
  await dialog.getByRole('button', { name: 'Create and start' }).click();
  await expect(page.locator('.column-review .card', { hasText: 'Fails first' })).toContainText('Failed · exit 3');

  await page.getByRole('button', { name: 'Retry…' }).click();
  const retry = page.getByRole('dialog', { name: /Retry/ });
  await expect(retry.getByLabel('Same worktree')).toBeChecked();
  await retry.getByRole('button', { name: 'Retry here' }).click();
  await expect(retry).toHaveCount(0);
  // The dialog closes once the task runs again; its second run there succeeds.
  const card = page.locator('.column-review .card', { hasText: 'Fails first' });
  await expect(card).toBeVisible();
  await expect(card).not.toContainText('Failed');
  await page.getByRole('tab', { name: 'Changes' }).click();
  await expect(page.locator('.file-row', { hasText: 'status.txt' })).toBeVisible();
  await page.getByRole('tab', { name: 'Details' }).click();
  await expect(page.locator('.details-table tbody tr')).toHaveCount(2);
});
