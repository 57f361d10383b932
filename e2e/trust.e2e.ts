import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, expect, test } from './cockpit';

const home = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'sy-e2e-home-'));

test.describe('agent trust, asked once per repository', () => {
  test.use({ serverEnv: { HOME: home } });

  test('asks when the repository opens, writes only Claude’s one entry, and Settings undoes it', async ({ page, cockpit }) => {
    // An installed Claude Code (a stand-in that answers --version) and the user's own ~/.claude.json.
    const fake = path.join(path.dirname(cockpit.dataDir), 'claude');
    fs.writeFileSync(fake, '#!/bin/sh\necho "2.1.337 (Claude Code)"\n', { mode: 0o755 });
    fs.mkdirSync(cockpit.dataDir, { recursive: true });
    fs.writeFileSync(path.join(cockpit.dataDir, 'agents.json'), JSON.stringify({ global: { claude: { executable: fake } }, repositories: {} }));
    const original = '{\n  "numStartups": 3,\n  "projects": {}\n}\n';
    const file = path.join(home, '.claude.json');
    fs.writeFileSync(file, original);

    await cockpit.open(page);
    const dialog = page.getByRole('dialog', { name: /Agent trust in/ });
    await expect(dialog).toBeVisible();
    // Only the installed agent that asks is asked about, and the question says what is written where.
    await expect(dialog.getByRole('checkbox')).toHaveCount(1);
    await expect(dialog).toContainText(file);
    await expect(dialog).toContainText('hasTrustDialogAccepted');
    await page.screenshot({ path: path.join(ARTIFACTS, 'trust-ask.png') });
    await dialog.getByRole('button', { name: 'Trust the checked agents' }).click();
    await expect(dialog).toBeHidden();
    const checkout = fs.realpathSync(cockpit.repo);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { numStartups: number; projects: Record<string, unknown> };
    expect(written).toEqual({ numStartups: 3, projects: { [checkout]: { hasTrustDialogAccepted: true } } });

    // Not asked again after a reload.
    await page.reload();
    await expect(page.getByRole('button', { name: /New task/ })).toBeVisible();
    await expect(page.getByRole('dialog', { name: /Agent trust in/ })).toHaveCount(0);

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Agent trust…' }).click();
    const settings = page.getByRole('dialog', { name: /Agent trust in/ });
    await expect(settings.getByText('trusted', { exact: true })).toBeVisible();
    await settings.getByRole('button', { name: 'Trust none' }).click();
    await expect(settings).toBeHidden();
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
  });
});
