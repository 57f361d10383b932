import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, test } from './cockpit';

test('agent profiles: detection, an override for this repository, and choosing it for a task', async ({ page, cockpit }) => {
  // A fake Claude Code that prints a version and records its arguments.
  const fake = path.join(path.dirname(cockpit.dataDir), 'fake-claude');
  const argvFile = `${fake}.argv`;
  fs.writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "9.9.9 (Claude Code)"; exit 0; fi\nprintf '%s\\n' "$@" > '${argvFile}'\n`, { mode: 0o755 });

  await cockpit.open(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Agents…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Agents' });
  await expect(dialog.getByRole('row', { name: /Custom command/ })).toBeVisible();

  await dialog.getByText(/^Only /).click();
  await dialog.getByRole('button', { name: 'Edit Claude Code' }).click();
  await dialog.getByLabel('Executable').fill(fake);
  await dialog.getByLabel('Environment').fill('not a pair');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('line 1: write KEY=value')).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'agent-edit.png') });
  await dialog.getByLabel('Environment').fill('CLAUDE_TEST=1');
  await dialog.getByRole('button', { name: 'Save' }).click();
  const row = dialog.getByRole('row', { name: /Claude Code/ });
  await expect(row).toContainText('installed, 9.9.9');
  await expect(row).toContainText('this repository');
  await page.screenshot({ path: path.join(ARTIFACTS, 'agents.png') });
  expect(JSON.parse(fs.readFileSync(path.join(cockpit.dataDir, 'agents.json'), 'utf8'))).toEqual({
    global: {},
    repositories: { [fs.realpathSync(cockpit.repo)]: { claude: { executable: fake, env: { CLAUDE_TEST: '1' } } } },
  });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: /New task/ }).click();
  const agent = page.getByLabel('Agent');
  await expect(agent.locator('option[value="claude"]')).toHaveText('Claude Code 9.9.9');
  await agent.selectOption('claude');
  await page.getByLabel('Title').fill('Ask Claude');
  await page.getByLabel('Prompt').fill('explain "this" repo');
  // Its model and permission mode, with the defaults shown.
  await expect(page.getByLabel('Permission mode').locator('option').first()).toHaveText('Default (auto)');
  await page.getByLabel('Model').fill('sonnet');
  // Run once on the default mode: the dialog warns that nobody will allow its edits.
  await page.getByLabel('Run once and exit').check();
  await expect(page.getByRole('note')).toContainText('pick a permission mode that lets it write');
  await page.getByLabel('Run once and exit').uncheck();
  await page.getByLabel('Permission mode').selectOption('acceptEdits');
  await page.screenshot({ path: path.join(ARTIFACTS, 'new-task-agents.png') });
  await page.getByRole('button', { name: 'Create and start' }).click();
  // Its own hooks wired in front (a settings file in the data folder), then the prompt as one argument.
  await expect.poll(() => (fs.existsSync(argvFile) ? fs.readFileSync(argvFile, 'utf8') : '')).toBe(`--settings\n${path.join(cockpit.dataDir, 'hooks', 'claude-settings.json')}\n--permission-mode\nacceptEdits\n--model\nsonnet\n--\nexplain "this" repo\n`);
});

test.describe('a version check that does not answer', () => {
  test.use({ serverEnv: { SWITCHYARD_VERSION_TIMEOUT_MS: '1500' } });

  test('says so on the Agents screen and in the New task dialog, and the agent can still be chosen', async ({ page, cockpit }) => {
    // A Gemini CLI whose --version hangs (a slow Node CLI on a busy machine).
    const fake = path.join(path.dirname(cockpit.dataDir), 'slow-gemini');
    fs.writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "--version" ]; then exec sleep 60; fi\necho started\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(cockpit.dataDir, 'agents.json'), JSON.stringify({ global: { gemini: { executable: fake } }, repositories: {} }));

    await cockpit.open(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Agents…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Agents' });
    const row = dialog.getByRole('row', { name: /Gemini CLI/ });
    await expect(row).toContainText('installed · version check timed out');
    await expect(row).toContainText('`slow-gemini --version` did not answer within 1.5 s');
    await expect(row).not.toContainText('not installed');
    await page.screenshot({ path: path.join(ARTIFACTS, 'agents-probe-timed-out.png') });
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: /New task/ }).click();
    const gemini = page.getByLabel('Agent').locator('option[value="gemini"]');
    await expect(gemini).toHaveText('Gemini CLI — version check timed out');
    await expect(gemini).toBeEnabled();
  });
});
